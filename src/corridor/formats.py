"""How numbers, money and names are written for readers (terminal, report, answers in words)."""

from __future__ import annotations

__all__ = ["format_quantity", "format_usd", "quantity_with_unit", "short_name"]


def format_quantity(value: float) -> str:
    """A readable number: thousands separators for large values, 4 significant digits else."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def quantity_with_unit(value: float, unit: str) -> str:
    """``18.2 Mt/yr``, ``56,500 TEU/yr``."""
    return f"{format_quantity(value)} {unit}".strip()


def format_usd(value: float) -> str:
    """Money for readers: ``USD 398 million``, ``USD 1.21 billion``, ``USD 1,438``."""
    size = abs(value)
    if size >= 1e9:
        return f"USD {value / 1e9:,.3g} billion"
    if size >= 1e6:
        return f"USD {value / 1e6:,.3g} million"
    return f"USD {value:,.0f}"


def short_name(name: str, limit: int = 30) -> str:
    """A node name cut for labels: 'Ceyhan (Haydar Aliyev) marine terminal' -> 'Ceyhan'."""
    cut = name
    for mark in (" (", ";", " / ", ", "):
        cut = cut.split(mark)[0]
    cut = cut.strip() or name
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"
