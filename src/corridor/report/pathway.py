"""The report's pathway section: a plan's answer in words, its timeline chart, the projects it
builds, its delivery targets, what each candidate is worth and what no candidate covers, from
the view of ``corridor.pathway.view`` (a plan, or the folder ``corridor plan -o`` wrote)."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from html import escape
from typing import Any, Final

import pandas as pd

from corridor.formats import format_usd, quantity_with_unit
from corridor.report.tables import html_table

__all__ = ["PATHWAY_TITLE", "pathway_section"]

PATHWAY_TITLE: Final = "Investment pathway (corridor plan)"


def _words(summary: Mapping[str, Any]) -> str:
    """The plan's settings and capital in one paragraph."""
    first, last = summary["years"]
    budget = summary.get("budget", {}).get("value")
    per_year = summary.get("budget_per_year", {}).get("value")
    limits = []
    if budget is not None:
        limits.append(f"{format_usd(budget)} in all")
    if per_year is not None:
        limits.append(f"{format_usd(per_year)} a year")
    relaxed = summary.get("relaxation_gap")
    text = (
        f"Target <code>{escape(str(summary['target']))}</code> for {summary['target_year']}, "
        f"planned over {first}-{last} at a discount rate of "
        f"{100 * float(summary.get('discount_rate', 0)):g} % a year; budget: "
        f"{escape(', '.join(limits) or 'none')}. Capital "
        f"{escape(format_usd(summary['capital']['value']))} in all ("
        f"{escape(format_usd(summary['capital_discounted']['value']))} discounted to {first})."
    )
    if relaxed is not None:
        text += f" Relaxed plan: within {100 * float(relaxed):.2f} % of the rounded plan."
    return f"<p>{text}</p>"


def _timeline(svg: str, target: str) -> str:
    """The timeline chart as an image (an SVG file is never inlined: it cannot run script)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = f"Projects of the plan for {target}: pale while built, dark while running"
    return (
        f'<p><img class="timeline" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}"></p>'
    )


def _builds(builds: pd.DataFrame) -> str:
    if builds.empty:
        return "<p>No candidate project is built.</p>"
    rows = [
        [
            f"<code>{escape(str(b.project_id))}</code>",
            escape(str(b.name)),
            str(b.decision_year),
            str(b.online_year),
            f"{100 * float(b.share):.0f} %",
            escape(quantity_with_unit(float(b.capacity_added), str(b.unit))),
            escape(format_usd(float(b.capital_usd))),
            escape(format_usd(float(b.capital_discounted_usd))),
        ]
        for b in builds.itertuples()
    ]
    headers = ["project", "name", "decided", "runs from", "share", "adds", "capital",
               "capital, discounted"]  # fmt: skip
    return html_table(headers, rows, {2, 3, 4, 5, 6, 7})


def _goals(goals: pd.DataFrame) -> str:
    if goals.empty:
        return ""
    rows = [
        [
            escape(str(g.goal)),
            str(g.year),
            escape(quantity_with_unit(float(g.target), str(g.unit))),
            escape(quantity_with_unit(float(g.achieved), str(g.unit))),
            escape(quantity_with_unit(float(g.short), str(g.unit))),
        ]
        for g in goals.itertuples()
    ]
    table = html_table(["target", "year", "target volume", "achieved", "short"], rows, {1, 2, 3, 4})
    return f"<h4>Delivery targets</h4>{table}"


def _per_usd(value: float) -> str:
    if math.isinf(value):
        return "no capital"
    return "0" if abs(value) < 1e-9 else f"{value:,.3g}"


def _change(value: float, unit: Any) -> str:
    """A change of volume with its unit ('no change' where nothing moved)."""
    if not unit or pd.isna(unit) or abs(value) < 1e-9:
        return "no change"
    return escape(quantity_with_unit(value, str(unit)))


def _values(values: pd.DataFrame) -> str:
    if values.empty:
        return (
            "<p>No project values: the plan was made without them (corridor plan --no-values) "
            "or no project is a candidate.</p>"
        )
    rows = [
        [
            str(v.rank),
            f"<code>{escape(str(v.project_id))}</code>",
            "built" if v.built else "not built",
            escape(format_usd(float(v.capital_discounted_usd))),
            escape(format_usd(float(v.usd_change))),
            _change(float(v.delivered_change), v.unit),
            _change(float(v.unmet_change), v.unit),
            _per_usd(float(v.value_per_usd)),
        ]
        for v in values.itertuples()
    ]
    headers = ["rank", "project", "in the plan", "capital, discounted", "USD change over the plan",
               "delivered a year", "unmet a year", "objective gain per USD"]  # fmt: skip
    note = (
        "<p>Each project against the plan without it (built) or with it forced in at its "
        "earliest year (not built). The USD change counts sourced prices, tariffs and capital; "
        "the objective gain per USD of capital also counts shortfalls at their penalty (a "
        "priority, not a price), so it ranks projects and is not a return.</p>"
    )
    return (
        f"<h4>What each project is worth</h4>{note}{html_table(headers, rows, {0, 3, 4, 5, 6, 7})}"
    )


def _would_take(need: pd.DataFrame, target_year: int) -> str:
    if need.empty:
        return ""
    due = need[need["year"] >= target_year]
    due = due if not due.empty else need
    most = due.groupby(["what", "id", "unit"], as_index=False).agg(
        added=("added", "max"), first=("year", "min"), last=("year", "max")
    )
    rows = [
        [escape(str(r.what)), f"<code>{escape(str(r.id))}</code>",
         escape(quantity_with_unit(float(r.added), str(r.unit))), f"{r.first}-{r.last}"]
        for r in most.itertuples()
    ]  # fmt: skip
    table = html_table(["what", "id", "more capacity (most in a year)", "years"], rows, {2, 3})
    return f"<h4>What it would take (not in the plan: no candidate covers it)</h4>{table}"


def _left_out(candidates: pd.DataFrame) -> str:
    if candidates.empty:
        return ""
    left = candidates[~candidates["available"].astype(bool)]
    if left.empty:
        return ""
    rows = [[f"<code>{escape(str(r.project_id))}</code>", escape(str(r.reason))]
            for r in left.itertuples()]  # fmt: skip
    return f"<h4>Projects that are not candidates</h4>{html_table(['project', 'why'], rows, set())}"


def pathway_section(view: Mapping[str, Any]) -> str:
    """The HTML of the section (see :func:`corridor.pathway.view.plan_view` for ``view``)."""
    summary = view["summary"]
    return "".join(
        [
            _words(summary),
            _timeline(str(view["timeline_svg"]), str(summary["target"])),
            _builds(view["builds"]),
            _goals(view["goals"]),
            _values(view["values"]),
            _would_take(view["would_take"], int(summary["target_year"])),
            _left_out(view["candidates"]),
        ]
    )
