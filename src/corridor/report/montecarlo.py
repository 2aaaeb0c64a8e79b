"""The report's Monte Carlo section: the shortfall per market, its distribution over the draws
(an inline SVG histogram per market short in any draw) and the links' criticality ranking (an
inline SVG of bars), from the tables of ``corridor.resilience.monte_carlo``."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Final

import numpy as np
import pandas as pd

from corridor.formats import format_usd, quantity_with_unit
from corridor.report.tables import html_table

__all__ = ["MONTE_CARLO_TITLE", "monte_carlo_section"]

MONTE_CARLO_TITLE: Final = "How likely a shortfall is (Monte Carlo)"
#: Bins of each shortfall histogram; links in the criticality chart; markets charted.
BINS: Final = 20
LINKS_SHOWN: Final = 10
MARKETS_SHOWN: Final = 3


def _percent(p: float) -> str:
    return f"{100 * p:.1f} %"


def _shortfall_table(shortfall: pd.DataFrame) -> str:
    rows = [
        [
            f"<code>{escape(str(r.node_id))}</code>",
            escape(str(r.commodity)),
            f"{_percent(r.shortfall_probability)} ± {_percent(r.probability_se)}",
            f"{_percent(r.worse_probability)} ± {_percent(r.worse_se)}",
            escape(f"{quantity_with_unit(r.unmet_mean, r.unit)} ± {r.unmet_se:.2g}"),
            escape(quantity_with_unit(r.unmet_p95, r.unit)),
            escape(quantity_with_unit(r.intact_unmet, r.unit)),
        ]
        for r in shortfall.itertuples()
    ]
    headers = [
        "market",
        "commodity",
        "P(shortfall)",
        "P(worse than intact)",
        "unmet (mean)",
        "unmet (P95)",
        "intact unmet",
    ]
    return html_table(headers, rows, {2, 3, 4, 5, 6})


def shortfall_chart(unmet: np.ndarray, market: str, unit: str) -> str:
    """A histogram of one market's unmet demand over the draws (share of draws per bin)."""
    high = float(unmet.max())
    counts, edges = np.histogram(unmet, bins=BINS, range=(0.0, high if high > 0 else 1.0))
    share = counts / max(len(unmet), 1)
    left, width, height, base = 60, 420, 120, 130
    bar = width / BINS
    parts = []
    for i, s in enumerate(share):
        h = height * s / share.max()
        words = (
            f"{quantity_with_unit(edges[i], unit)} to {quantity_with_unit(edges[i + 1], unit)}"
            f": {_percent(float(s))} of draws"
        )
        parts.append(
            f'<rect class="mc-bar" x="{left + i * bar:.1f}" y="{base - h:.1f}" '
            f'width="{bar - 1:.1f}" height="{h:.1f}"><title>{escape(words)}</title></rect>'
        )
    p95 = float(np.quantile(unmet, 0.95))
    x95 = left + width * (p95 / edges[-1])
    caption = f"{market}: share of draws by unmet demand ({unit}); the line is P95"
    parts += [
        f'<line class="mc-p95" x1="{x95:.1f}" x2="{x95:.1f}" y1="{base - height}" y2="{base}"/>',
        f'<text class="mc-axis" x="{left - 4}" y="{base - height + 8}" text-anchor="end">'
        f"{_percent(float(share.max()))}</text>",
        f'<text class="mc-axis" x="{left - 4}" y="{base}" text-anchor="end">0 %</text>',
        f'<text class="mc-axis" x="{left}" y="{base + 14}">0</text>',
        f'<text class="mc-axis" x="{left + width}" y="{base + 14}" text-anchor="end">'
        f"{escape(quantity_with_unit(edges[-1], unit))}</text>",
        f'<text class="mc-caption" x="{left}" y="{base + 30}">{escape(caption)}</text>',
    ]
    return (
        f'<svg class="monte-carlo" viewBox="0 0 {left + width + 40} {base + 40}" role="img" '
        f'aria-label="{escape(caption)}">{"".join(parts)}</svg>'
    )


def criticality_chart(criticality: pd.DataFrame) -> str:
    """One bar per link: the share of draws in which its loss left demand short."""
    top = criticality[criticality["criticality_index"] > 0].head(LINKS_SHOWN)
    if top.empty:
        return ""
    left, width, row = 130, 360, 22
    height = row * len(top) + 30
    scale = float(top["criticality_index"].max())
    parts = []
    for i, (link, index) in enumerate(zip(top["link_id"], top["criticality_index"], strict=True)):
        y = 4 + row * i
        bar = width * float(index) / scale
        words = f"{_percent(float(index))} of draws"
        parts.append(
            f'<text class="out-label" x="{left - 6}" y="{y + 15}">{escape(str(link))}</text>'
            f'<rect class="mc-bar" x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}">'
            f"<title>{escape(str(link))}: {escape(words)}</title></rect>"
            f'<text class="out-value" x="{left + bar + 4:.1f}" y="{y + 15}">{escape(words)}</text>'
        )
    caption = "criticality index: share of draws in which the link's loss left demand short"
    parts.append(f'<text class="mc-caption" x="{left}" y="{height - 6}">{escape(caption)}</text>')
    return (
        f'<svg class="monte-carlo" viewBox="0 0 {left + width + 130} {height}" role="img" '
        f'aria-label="{escape(caption)}">{"".join(parts)}</svg>'
    )


def _criticality_table(criticality: pd.DataFrame) -> str:
    top = criticality.head(LINKS_SHOWN)
    rows = [
        [
            f"<code>{escape(str(r.link_id))}</code>",
            _percent(r.criticality_index),
            _percent(r.out_share),
            f"{100 * r.capacity_lost_mean:.2f} %",
            _percent(r.binding_share),
        ]
        for r in top.itertuples()
    ]
    headers = [
        "link",
        "criticality index (share of draws)",
        "lost capacity (share of draws)",
        "capacity lost (mean, share of the year's)",
        "binds (share of draws)",
    ]
    return html_table(headers, rows, {1, 2, 3, 4})


def monte_carlo_section(tables: Mapping[str, pd.DataFrame], draws: int, seed: int) -> str:
    """The section: what the draws say per market, the distribution of unmet demand where any
    draw falls short, the criticality ranking and the cost's spread."""
    shortfall, unmet, cost = tables["shortfall"], tables["unmet"], tables["cost"]
    short = shortfall[shortfall["unmet_mean"] > 0].head(MARKETS_SHOWN)
    charts = "".join(
        shortfall_chart(
            unmet.loc[
                (unmet["node_id"] == r.node_id) & (unmet["commodity"] == r.commodity), "unmet"
            ].to_numpy(dtype=float),
            f"{r.node_id} ({r.commodity})",
            str(r.unit),
        )
        for r in short.itertuples()
    )
    stats = cost.set_index("statistic")["cost_increase"]
    note = (
        f"<p class=note>{draws:,} draws (seed {seed}) of the data's uncertain ranges, its "
        "recorded outages and the projects due, each a warm re-solve "
        "(<code>corridor resilience monte-carlo</code>); ± one standard error. Cost increase "
        f"over the intact year: mean {escape(format_usd(stats['mean']))}/yr, P5 "
        f"{escape(format_usd(stats['p5']))}/yr, P95 {escape(format_usd(stats['p95']))}/yr "
        "(the value of what is not delivered at sourced prices, never a penalty).</p>"
    )
    return (
        note
        + _shortfall_table(shortfall)
        + charts
        + criticality_chart(tables["criticality"])
        + _criticality_table(tables["criticality"])
    )
