"""Write a plan: its tables (CSV and Parquet), summary.json, a timeline chart (SVG) and
plan.yaml, a scenario that applies the plan so that solve, compare and report work on it."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from corridor.dataset.cells import flatten_lists
from corridor.dataset.network import Network
from corridor.io.atomic import atomic_write_dir
from corridor.pathway.plan import Plan
from corridor.scenario.files import shipped_scenarios

__all__ = ["PLAN_TABLES", "plan_scenario", "plan_summary", "timeline_svg", "write_plan"]

PLAN_TABLES = (
    "builds", "timeline", "deliveries", "goals", "costs", "values", "shadow_prices",
    "sensitivity", "would_take", "candidates",
)  # fmt: skip


def _sources(network: Network, table: str, row_id: str, column: str) -> tuple[list[str], str]:
    """The sources and status of one figure (none: ``[]`` and ``plan``)."""
    prov = network.provenance
    hit = prov[(prov["table"] == table) & (prov["row_id"] == row_id) & (prov["column"] == column)]
    if hit.empty:
        return [], "plan"
    return list(hit["source_ids"].iloc[0]), str(hit["status"].iloc[0])


def _extends(plan: Plan) -> str:
    shipped = {p.resolve() for p in shipped_scenarios()}
    last = plan.scenario.lineage[-1].resolve()
    return plan.scenario.name if last in shipped else str(last)


def _target_network(plan: Plan) -> Network:
    """The network of the plan's target year (the target applied, carried rows in)."""
    return next(y.network for y in plan.years if y.year == plan.target_year)


def _link_entries(
    b: Any, own: pd.Series, links: pd.DataFrame, sources: list[str], note: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A built link project's expansions (an addition where the link runs in the project's
    unit, else a new total) and the link changes that open a suspended link."""
    expansions, changes = [], []
    added = round(float(own["increment"]) * b.share, 9)
    for link in own["link_ids"]:
        row = links.loc[link]
        amount: dict[str, Any] = {"capacity": added, "unit": own["unit"]}  # it opens the link
        if row["status"] == "operating" and pd.notna(row["capacity"]):
            amount = (
                {"add": added, "unit": own["unit"]}
                if row["capacity_unit"] == own["unit"]
                else {  # in the canonical unit the planner counted it in
                    "capacity": round(float(row["capacity_canonical"]) + b.capacity_added, 9),
                    "unit": b.unit,
                }
            )
        entry = {"link": link, **amount, "year": int(b.online_year)}
        expansions.append({**entry, "sources": sources, "status": "plan", "note": note})
        if row["status"] not in ("operating", "under_construction", "planned", "proposed"):
            changes.append({"link": link, "status": "operating", "note": note})
    return expansions, changes


def _expansions(
    plan: Plan,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Expansions and link changes for built link projects, supply additions for fields."""
    expansions, changes, supply = [], [], []
    network = _target_network(plan)
    candidates = plan.candidates.set_index("project_id")
    for b in plan.builds.itertuples():
        sources, _ = _sources(network, "projects", b.project_id, "increment")
        note = f"{b.project_id} (corridor plan, {b.share:.0%} of it)"
        if b.adds == "supply":
            row = candidates.loc[b.project_id]
            supply.append(
                {
                    "node": row["node_id"],
                    "commodity": row["commodity"],
                    "add": float(b.capacity_added),
                    "unit": b.unit,
                    "sources": sources,
                    "status": "plan",
                    "note": note,
                }
            )
            continue
        own = network.projects.loc[b.project_id]  # the increment in its links' unit
        more, opened = _link_entries(b, own, network.links, sources, note)
        expansions += more
        changes += opened
    return expansions, changes, supply


def _carried(plan: Plan, network: Network) -> dict[str, list[dict[str, Any]]]:
    """The target year's carried-forward rows as scenario entries (their own sources), except
    where the target scenario sets the series itself."""
    out: dict[str, list[dict[str, Any]]] = {"supply": [], "demand": []}
    year = plan.target_year
    c = plan.carried
    for table in ("supply", "demand"):
        own = {(q.node, q.commodity) for q in getattr(plan.scenario.spec, table)}
        frame = getattr(network, table)
        for r in c[(c["table"] == table) & c["row_id"].str.endswith(f"@{year}")].itertuples():
            src = frame.loc[r.from_id]
            if (src["node_id"], src["commodity"]) in own:
                continue
            sources, status = _sources(network, table, r.from_id, "value")
            if not sources:
                continue
            out[table].append(
                {
                    "node": src["node_id"],
                    "commodity": src["commodity"],
                    "value": float(src["value"]),
                    "unit": src["unit"],
                    "sources": sources,
                    "status": status,
                    "note": f"carried forward from {r.from_year} ({r.from_id})",
                }
            )
    return out


def plan_scenario(plan: Plan, network: Network) -> dict[str, Any]:
    """plan.yaml: the target scenario with the plan's projects, for the target year."""
    expansions, changes, supply = _expansions(plan)
    carried = _carried(plan, network)
    built = (
        ", ".join(f"{b.project_id} ({b.online_year})" for b in plan.builds.itertuples())
        or "no project"
    )
    spec: dict[str, Any] = {
        "name": "plan-" + re.sub(r"[^a-z0-9\-_.]+", "-", plan.target.lower()).strip("-"),
        "title": f"Plan for {plan.target}: {built}",
        "description": (
            f"Written by corridor plan for {plan.settings.first_year}-{plan.settings.last_year}: "
            f"the target scenario {plan.target} with the projects the plan builds, solved for "
            f"its target year {plan.target_year}. Supply and demand rows the dataset lacks for "
            "that year are carried forward from the latest earlier year, as the plan does."
        ),
        "year": plan.target_year,
        "extends": _extends(plan),
    }
    for key, value in (
        ("expansions", expansions),
        ("link_changes", changes),
        ("supply", supply + carried["supply"]),
        ("demand", carried["demand"]),
    ):
        if value:
            spec[key] = value
    return spec


def plan_summary(plan: Plan) -> dict[str, Any]:
    """The headline of a plan as JSON-able data, every number with its unit."""
    unmet = plan.unmet.groupby(["commodity", "unit"])["unmet"].max()
    return {
        "target": plan.target,
        "target_year": plan.target_year,
        "years": [plan.settings.first_year, plan.settings.last_year],
        "discount_rate": plan.settings.discount_rate,
        "budget": {"value": plan.settings.budget_usd, "unit": "USD"},
        "budget_per_year": {"value": plan.settings.budget_usd_per_year, "unit": "USD/yr"},
        "relaxed": plan.settings.relax,
        "relaxation_gap": plan.relaxation_gap,
        "objective": {
            "value": plan.objective,
            "unit": "USD-equivalent, discounted (shortfalls at their penalty)",
        },
        "capital": {"value": float(plan.builds["capital_usd"].sum()), "unit": "USD"},
        "capital_discounted": {
            "value": float(plan.builds["capital_discounted_usd"].sum()),
            "unit": "USD",
        },
        "builds": plan.builds.to_dict("records"),
        "largest_unmet": [
            {"commodity": c, "value": float(v), "unit": u} for (c, u), v in unmet.items()
        ],
        "targets_short": plan.goals[plan.goals["short"] > 0].to_dict("records"),
        "would_take": plan.would_take.to_dict("records"),
        "unavailable": plan.candidates.loc[
            ~plan.candidates["available"], ["project_id", "reason"]
        ].to_dict("records"),
        "seconds": plan.seconds,
    }


def timeline_svg(plan: Plan) -> str:
    """A Gantt-like chart: one bar per built project from its decision to its last year of
    running (within the plan), pale while it is being built."""
    years = list(range(plan.settings.first_year, plan.settings.last_year + 2))
    left, width, row_h = 230, 44, 26
    w = left + width * len(years) + 20
    h = 40 + row_h * max(len(plan.builds), 1) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="10" y="18" font-weight="bold">{escape(plan.target)}: projects built '
        "(dark: running; pale: being built)</text>",
    ]
    for i, y in enumerate(years[:-1]):
        parts.append(f'<text x="{left + i * width + 8}" y="{h - 10}">{y}</text>')
    running = plan.timeline[plan.timeline["capacity_added"] > 0].groupby("project_id")["year"]
    last = running.max()
    for k, b in enumerate(plan.builds.itertuples()):
        top = 30 + k * row_h
        x0 = left + (b.decision_year - years[0]) * width
        x1 = left + (b.online_year - years[0]) * width
        end = int(last.get(b.project_id, b.online_year - 1)) + 1  # first year it no longer runs
        x2 = left + (max(end, b.online_year) - years[0]) * width
        label = f"{b.project_id} +{b.capacity_added:g} {b.unit}"
        parts.append(f'<text x="10" y="{top + 16}">{escape(label)}</text>')
        parts.append(f'<rect x="{x0}" y="{top + 4}" width="{x1 - x0}" height="16" fill="#9ecae1"/>')
        parts.append(f'<rect x="{x1}" y="{top + 4}" width="{x2 - x1}" height="16" fill="#08519c"/>')
    if plan.builds.empty:
        parts.append('<text x="10" y="50">no project is built</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def write_plan(plan: Plan, network: Network, folder: Path | str) -> Path:
    """Write the plan into ``folder`` (whole, or not at all)."""

    def write(tmp: Path) -> None:
        for name in PLAN_TABLES:
            frame = flatten_lists(getattr(plan, name))
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "summary.json").write_text(
            json.dumps(plan_summary(plan), indent=2, default=str), encoding="utf-8"
        )
        (tmp / "timeline.svg").write_text(timeline_svg(plan), encoding="utf-8")
        text = yaml.safe_dump(
            plan_scenario(plan, network), sort_keys=False, allow_unicode=True, width=100
        )
        (tmp / "plan.yaml").write_text(text, encoding="utf-8")

    atomic_write_dir(Path(folder), write)
    return Path(folder)
