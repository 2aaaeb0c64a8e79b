"""The answer of a solve in a few sentences: what reaches markets, what is stranded, what binds."""

from __future__ import annotations

import pandas as pd

from corridor.dataset.network import Network
from corridor.formats import format_quantity, format_usd, quantity_with_unit, short_name
from corridor.results.extract import Results, per_unit

__all__ = ["headline"]

_SHOWN = 3  # places named per sentence before "and N more"


def _commodity(name: object) -> str:
    return str(name).replace("_", " ")


def _place(network: Network, node_id: object) -> str:
    names = network.nodes["name"]
    name = names.get(node_id)
    return short_name(str(name), 60) if isinstance(name, str) else str(node_id)


def _more(items: list[str]) -> str:
    extra = len(items) - _SHOWN
    return "; ".join(items[:_SHOWN]) + (f"; and {extra} more" if extra > 0 else "")


def _by_commodity(frame: pd.DataFrame, value: str) -> list[tuple[str, str, float]]:
    totals = frame.groupby(["commodity", "unit"], as_index=False)[value].sum()
    return [
        (str(c), str(u), float(v))
        for c, u, v in zip(totals["commodity"], totals["unit"], totals[value], strict=True)
        if v > 1e-6
    ]


def _delivered(results: Results) -> str:
    parts = [results.unmet[["commodity", "unit", "delivered"]]]
    parts.append(results.markets[["commodity", "unit", "delivered"]])
    totals = _by_commodity(pd.concat(parts), "delivered")
    if not totals:
        return "Nothing reaches demand or a world market."
    said = ", ".join(f"{_commodity(c)} {quantity_with_unit(v, u)}" for c, u, v in totals)
    return f"Reaches demand and world markets: {said}."


def _short(network: Network, results: Results) -> str:
    unmet = results.unmet[results.unmet["unmet"] > 0]
    if unmet.empty:
        return "All demand is met."
    items = [
        f"{_commodity(r.commodity)} {quantity_with_unit(r.unmet, r.unit)} of "
        f"{quantity_with_unit(r.demand, r.unit)} at {_place(network, r.node_id)} "
        f"({r.limited_by})"
        for r in unmet.sort_values("unmet", ascending=False).itertuples()
    ]
    return f"Demand not met: {_more(items)}."


def _stranded(network: Network, results: Results) -> str:
    unused = results.supply[results.supply["unused"] > 1e-6]
    if unused.empty:
        return "All supply reaches demand or a market."
    items = []
    for commodity, unit, total in _by_commodity(unused, "unused"):
        mine = unused[unused["commodity"] == commodity].sort_values("unused", ascending=False)
        places = ", ".join(
            f"{_place(network, n)} {quantity_with_unit(v, '')}"
            for n, v in zip(mine["node_id"], mine["unused"], strict=True)
        )
        items.append(f"{_commodity(commodity)} {quantity_with_unit(total, unit)} ({places})")
    return f"Supply with no outlet: {_more(items)}."


def _binds(results: Results) -> str:
    binding = results.binding.drop_duplicates("link_id")
    if binding.empty:
        return "No link capacity limits the result."
    items = []
    for r in binding.itertuples():
        worth = (
            f"one more {per_unit(r.unit)}/yr is worth {format_usd(r.shadow_price)}/yr"
            if pd.notna(r.shadow_price)
            else "no USD value: it carries a commodity without a price"
        )
        name = r.name if isinstance(r.name, str) else r.link_id
        items.append(f"{name} at {quantity_with_unit(r.capacity, r.unit)} ({worth})")
    return f"Binds: {_more(items)}."


def _agreements(results: Results) -> str:
    short = results.agreements[results.agreements["shortfall"] > 1e-6]
    items = [
        f"{r.agreement_id} {format_quantity(r.delivered)} of "
        f"{quantity_with_unit(r.delivered + r.shortfall, r.unit)} ({r.blocked_by})"
        for r in short.itertuples()
    ]
    return f"Agreements short: {_more(items)}." if items else ""


def headline(network: Network, results: Results) -> list[str]:
    """The answer in words, one sentence a line, before any table."""
    lines = [
        _delivered(results),
        _short(network, results),
        _stranded(network, results),
        _binds(results),
        _agreements(results),
    ]
    return [line for line in lines if line]
