"""HTML tables of a run's results and of the comparison between runs, rendered in Python."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from corridor.dataset.network import Network
from corridor.formats import format_usd
from corridor.report.data import SourceIndex, worth_text
from corridor.results import Results
from corridor.results.backtest import TOLERANCE_PERCENT, compare_observations

__all__ = [
    "RECORD_TITLE",
    "agreements_table",
    "bottlenecks_table",
    "comparison_tables",
    "costs_table",
    "format_number",
    "html_table",
    "outages_chart",
    "outages_table",
    "record_chart",
    "record_table",
    "transit_table",
    "unmet_table",
]

Cell = str  # an HTML fragment


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_number(value: Any) -> str:
    """A number for readers: 56,500 · 18.2 · 0.053 · 1.00×10<sup>10</sup> (HTML); '–' if missing."""
    if _missing(value):
        return "–"
    x = float(value)
    if x == 0:
        return "0"
    if abs(x) >= 1e6:
        exponent = math.floor(math.log10(abs(x)))
        mantissa = round(x / 10**exponent, 2)
        if abs(mantissa) >= 10:  # 9.999e9 is 1.00×10^10, not 10.00×10^9
            mantissa, exponent = mantissa / 10, exponent + 1
        return f"{mantissa:.2f}×10<sup>{exponent}</sup>"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.2g}"


def _text(value: Any) -> str:
    return "" if _missing(value) else escape(str(value))


def _source_refs(ids: Iterable[str], run: str) -> Cell:
    """Links to the run's source list, e.g. [S_BP_BTC] [S_TREND_20230324]."""
    return " ".join(
        f'<a class="src" href="#src-{escape(run)}-{escape(s)}">{escape(s)}</a>' for s in ids
    )


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], numeric: set[int]) -> str:
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bottlenecks_table(results: Results, sources: SourceIndex, run: str) -> str:
    """Links whose capacity binds, highest shadow price first, with their sources."""
    binding = results.binding
    if binding.empty:
        return '<p class="empty">No link capacity binds.</p>'
    rows = [
        (
            f"<code>{_text(r.link_id)}</code>",
            _text(r.name),
            format_number(r.capacity),
            _text(r.unit),
            _text(worth_text(True, r.shadow_price, r.unit)),
            _source_refs(sources.of("links", str(r.link_id)), run),
        )
        for r in binding.itertuples()
    ]
    headers = ("link", "name", "capacity", "unit", "one more unit is worth", "sources")
    return html_table(headers, rows, {2, 4})


def _demand_ids(network: Network, year: int) -> dict[tuple[str, str], list[str]]:
    demand = network.demand[network.demand["year"] == year]
    out: dict[tuple[str, str], list[str]] = {}
    for demand_id, node, commodity in zip(
        demand.index, demand["node_id"], demand["commodity"], strict=True
    ):
        out.setdefault((str(node), str(commodity)), []).append(str(demand_id))
    return out


def unmet_table(network: Network, results: Results, sources: SourceIndex, run: str) -> str:
    """Demand left unmet and what limits it; a sentence when all demand is met."""
    unmet = results.unmet[results.unmet["unmet"] > 1e-9]
    if unmet.empty:
        return '<p class="empty">All demand is met.</p>'
    names = network.nodes["name"]
    ids = _demand_ids(network, results.year)
    rows = [
        (
            _text(names.get(r.node_id, r.node_id)),
            _text(r.commodity),
            format_number(r.demand),
            format_number(r.delivered),
            format_number(r.unmet),
            _text(r.unit),
            _text(r.limited_by),
            _source_refs(
                sources.of_rows("demand", ids.get((str(r.node_id), str(r.commodity)), [])), run
            ),
        )
        for r in unmet.itertuples()
    ]
    headers = (
        "node", "commodity", "demand", "delivered", "unmet", "unit", "limited by", "sources"
    )  # fmt: skip
    return html_table(headers, rows, {2, 3, 4})


def agreements_table(results: Results, sources: SourceIndex, run: str) -> str:
    """Agreements valid in the year: delivered against their maximum, route and blockers."""
    table = results.agreements
    if table.empty:
        return '<p class="empty">No agreement is valid in this year.</p>'
    rows = [
        (
            f"<code>{_text(r.agreement_id)}</code>",
            format_number(r.delivered),
            format_number(r.max_volume),
            format_number(r.shortfall),
            _text(r.unit),
            _text(r.route).replace(" -&gt; ", " → "),
            _text(r.countries).replace(";", " · "),
            _text(r.blocked_by),
            _source_refs(sources.of("agreements", str(r.agreement_id)), run),
        )
        for r in table.itertuples()
    ]
    headers = (
        "agreement", "delivered", "max volume", "shortfall", "unit", "route", "countries",
        "blocked by", "sources",
    )  # fmt: skip
    return html_table(headers, rows, {1, 2, 3})


def transit_table(results: Results) -> str:
    """Volume crossing each transit country by commodity, and known tariff revenue."""
    table = results.transit
    if table.empty:
        return '<p class="empty">No flow crosses a transit country.</p>'
    rows = [
        (
            _text(r.country),
            _text(r.commodity),
            format_number(r.volume),
            _text(r.unit),
            format_number(r.tariff_revenue_usd),
        )
        for r in table.itertuples()
    ]
    headers = ("country", "commodity", "volume", "unit", "tariff revenue (USD/yr)")
    return html_table(headers, rows, {2, 4})


def record_table(network: Network, results: Results, sources: SourceIndex, run: str) -> str:
    """Each observation of the year (observations.csv) next to the model's value, in the
    observed unit, with the error and whether it is within the backtest's tolerance."""
    table = compare_observations(network, results)
    if table.empty:
        return '<p class="empty">observations.csv has no figure for this year.</p>'
    rows = [
        (
            f"<code>{_text(r.obs_id)}</code>",
            f"<code>{_text(r.target)}</code>",
            format_number(r.observed),
            format_number(r.model),
            format_number(r.error),
            _text(r.unit),
            "–" if _missing(r.error_percent) else f"{r.error_percent:+.1f} %",
            _text(r.verdict),
            _source_refs(sources.of("observations", str(r.obs_id)), run),
        )
        for r in table.itertuples()
    ]
    headers = (
        "item",
        "link",
        "observed",
        "model",
        "error",
        "unit",
        "error %",
        "verdict",
        "sources",
    )
    return record_chart(table) + html_table(headers, rows, {2, 3, 4, 6})


def record_chart(table: pd.DataFrame) -> str:
    """One dot per compared observation: the model as a percentage of the observed figure,
    against the tolerance band around 100 % (an SVG; '' when nothing is compared)."""
    shown = table[table["verdict"].isin(["within", "outside"])]
    if shown.empty:
        return ""
    ratio = (100.0 * shown["model"] / shown["observed"]).to_numpy()
    top = max(150.0, float(np.ceil(ratio.max() / 50.0) * 50.0))
    left, width, row = 110, 400, 22
    height = row * len(shown) + 44

    def x(percent: float) -> float:
        return left + width * percent / top

    low, high = 100.0 - TOLERANCE_PERCENT, 100.0 + TOLERANCE_PERCENT
    parts = [
        f'<rect class="rec-band" x="{x(low):.1f}" y="4" width="{x(high) - x(low):.1f}"'
        f' height="{height - 34}"/>',
        f'<line class="rec-line" x1="{x(100):.1f}" x2="{x(100):.1f}" y1="4" y2="{height - 30}"/>',
    ]
    for i, (obs_id, value) in enumerate(zip(shown["obs_id"], ratio, strict=True)):
        y = 4 + row * i + row / 2
        parts.append(
            f'<text class="rec-label" x="{left - 6}" y="{y + 4:.1f}">{_text(obs_id)}</text>'
        )
        parts.append(
            f'<circle class="rec-dot" cx="{x(value):.1f}" cy="{y:.1f}" r="5">'
            f"<title>{_text(obs_id)}: model {value:.1f} % of observed</title></circle>"
        )
    for tick in np.arange(0.0, top + 1.0, 50.0):
        parts.append(
            f'<text class="rec-tick" x="{x(tick):.1f}" y="{height - 14}">{tick:.0f} %</text>'
        )
    caption = f"model as % of the observed figure (band: ±{TOLERANCE_PERCENT:g} %)"
    parts.append(f'<text class="rec-caption" x="{left}" y="{height - 4}">{escape(caption)}</text>')
    return (
        f'<svg class="record" viewBox="0 0 {left + width + 20} {height}" role="img"'
        f' aria-label="{escape(caption)}">{"".join(parts)}</svg>'
    )


#: Outages shown in the report's ranking and chart.
OUTAGES_SHOWN = 10


def outages_table(ranking: pd.DataFrame) -> str:
    """The most costly single failures: a bar per outage (its cost increase, USD/yr) and the
    table of what each loses, the agreements it leaves short and what takes over."""
    top = ranking.head(OUTAGES_SHOWN)
    rows = [
        (
            str(int(r.rank)),
            f"<code>{_text(r.outage)}</code>",
            _text(r.kind),
            _text(format_usd(float(r.cost_increase)) + "/yr"),
            _text(r.lost),
            _text(r.agreements_short),
            _text(r.takes_over),
        )
        for r in top.itertuples()
    ]
    headers = ("#", "outage", "kind", "cost increase", "lost", "agreements short", "takes over")
    note = (
        f"<p class=note>The {len(top)} most costly of {len(ranking)} outages, each out for the "
        "whole year and re-solved on the warm model (<code>corridor resilience outages</code>); "
        "the cost is the value of what is no longer delivered at sourced prices, less known "
        "tariffs.</p>"
    )
    return outages_chart(top) + note + html_table(headers, rows, {0, 3})


def outages_chart(top: pd.DataFrame) -> str:
    """One bar per outage, its cost increase in USD/yr (an SVG; '' when nothing costs)."""
    cost = top["cost_increase"].to_numpy(dtype=float)
    if not len(cost) or cost.max() <= 0:
        return ""
    left, width, row = 120, 380, 22
    height = row * len(cost) + 30
    parts = []
    for i, (name, value) in enumerate(zip(top["outage"], cost, strict=True)):
        y = 4 + row * i
        bar = width * max(value, 0.0) / cost.max()
        words = format_usd(value) + "/yr"
        parts.append(
            f'<text class="out-label" x="{left - 6}" y="{y + 15}">{_text(name)}</text>'
            f'<rect class="out-bar" x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}">'
            f"<title>{_text(name)}: {_text(words)}</title></rect>"
            f'<text class="out-value" x="{left + bar + 4:.1f}" y="{y + 15}">{_text(words)}</text>'
        )
    caption = "cost increase of each outage, USD/yr"
    parts.append(f'<text class="out-caption" x="{left}" y="{height - 6}">{escape(caption)}</text>')
    return (
        f'<svg class="outages" viewBox="0 0 {left + width + 130} {height}" role="img"'
        f' aria-label="{escape(caption)}">{"".join(parts)}</svg>'
    )


#: The title of :func:`outages_table` in the report.
OUTAGES_TITLE = "Outages that cost most (N-1)"


#: The title of :func:`record_table` in the report.
RECORD_TITLE = f"Model against the record (within ±{TOLERANCE_PERCENT:g} %)"


def costs_table(results: Results) -> str:
    """The value of deliveries at sourced prices, tariffs and the distance tie-break, USD/yr,
    by commodity ('–': the commodity has no price)."""
    rows = [
        (_text(r.item), _text(r.commodity), format_number(r.value), _text(r.unit))
        for r in results.costs.itertuples()
    ]
    return html_table(("item", "commodity", "value", "unit"), rows, {2})


def _is_delta(column: str) -> bool:
    """Change columns: ``Δ name`` (corridor compare) or any name with "delta"."""
    return column.startswith("Δ") or "delta" in column.lower()


def _delta_cell(value: Any) -> Cell:
    if _missing(value):
        return "–"
    x = float(value)
    css = "pos" if x > 1e-12 else "neg" if x < -1e-12 else "zero"
    sign = "+" if x > 1e-12 else ""
    return f'<span class="{css}">{sign}{format_number(x)}</span>'


def _frame_table(frame: pd.DataFrame) -> str:
    """Any DataFrame as a table: numbers formatted, ``delta`` columns coloured by sign."""
    named = any(n is not None for n in frame.index.names)
    frame = frame.reset_index(drop=not named)  # a named index is a column; a row counter is not
    columns = [str(c) for c in frame.columns]
    numeric = {
        i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c].dtype)
    }
    formatters: list[Callable[[Any], Cell]] = [
        (_delta_cell if _is_delta(name) else format_number) if i in numeric else _text
        for i, name in enumerate(columns)
    ]
    rows = [
        [fmt(v) for fmt, v in zip(formatters, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    return html_table(columns, rows, numeric)


def comparison_tables(comparison: Mapping[str, pd.DataFrame]) -> str:
    """Each comparison table under its title."""
    return "".join(
        f"<h3>{escape(title)}</h3>{_frame_table(frame)}" for title, frame in comparison.items()
    )
