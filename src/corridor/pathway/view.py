"""What a report shows of a plan: its summary, four tables and its timeline chart, taken from a
Plan or read back from the folder ``corridor plan -o DIR`` wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow

from corridor.errors import InputFileError
from corridor.pathway.plan import Plan
from corridor.pathway.write import plan_summary, timeline_svg

__all__ = ["VIEW_COLUMNS", "VIEW_TABLES", "plan_view", "read_plan_view"]

#: The plan tables a report shows (see :class:`corridor.pathway.plan.Plan`) and the columns it
#: reads of each (a table without rows may lack them).
VIEW_COLUMNS: Final = {
    "builds": ("project_id", "name", "decision_year", "online_year", "share", "capacity_added",
               "unit", "capital_usd", "capital_discounted_usd"),
    "goals": ("goal", "year", "target", "achieved", "short", "unit"),
    "values": ("rank", "project_id", "built", "capital_discounted_usd", "usd_change",
               "delivered_change", "unmet_change", "unit", "value_per_usd"),
    "would_take": ("year", "what", "id", "added", "unit"),
    "candidates": ("project_id", "available", "reason"),
}  # fmt: skip
VIEW_TABLES: Final = tuple(VIEW_COLUMNS)


def plan_view(plan: Plan) -> dict[str, Any]:
    """The plan as the report takes it: ``summary`` (as summary.json), the :data:`VIEW_TABLES`
    and ``timeline_svg`` (as timeline.svg)."""
    tables = {name: getattr(plan, name) for name in VIEW_TABLES}
    return {"summary": plan_summary(plan), **tables, "timeline_svg": timeline_svg(plan)}


def _summary(file: Path) -> dict[str, Any]:
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputFileError(f"{file}: cannot be read as a plan summary ({err})") from err
    if not _is_summary(summary):
        raise InputFileError(
            f"{file}: not the summary.json of corridor plan (it needs target, target_year, "
            "years [first, last], capital and capital_discounted {value, unit})"
        )
    return dict(summary)


def _is_summary(summary: Any) -> bool:
    """Whether ``summary`` has what the report reads, of the right types."""
    if not isinstance(summary, dict):
        return False
    years = summary.get("years")
    money = [summary.get(k) for k in ("capital", "capital_discounted")]
    limits = [summary.get(k, {}) for k in ("budget", "budget_per_year")]
    optional = [summary.get("discount_rate"), summary.get("relaxation_gap")]
    optional += [m.get("value") if isinstance(m, dict) else "" for m in limits]
    return (
        all(v is None or isinstance(v, (int, float)) for v in optional)
        and isinstance(summary.get("target"), str)
        and isinstance(summary.get("target_year"), int)
        and isinstance(years, list)
        and len(years) == 2
        and all(isinstance(y, int) for y in years)
        and all(isinstance(m, dict) and isinstance(m.get("value"), (int, float)) for m in money)
    )


def _table(file: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(file)
    except (OSError, pyarrow.ArrowException) as err:
        raise InputFileError(f"{file}: cannot be read as a plan table ({err})") from err
    missing = [c for c in columns if c not in frame.columns]
    if missing and not frame.empty:
        raise InputFileError(f"{file}: not a plan table of corridor plan (no {', '.join(missing)})")
    return frame


def read_plan_view(folder: Path, *, option: str | None = None) -> dict[str, Any]:
    """The view of a plan folder written by ``corridor plan -o DIR`` (see :func:`plan_view`);
    ``option`` names the folder in messages (``--plan DIR``).

    Raises
    ------
    InputFileError
        If ``folder`` is not a folder, lacks one of the plan's files, or one cannot be read.
    """
    named = f"{option} {folder}" if option else str(folder)
    if not folder.is_dir():
        raise InputFileError(f"{named}: not a folder; give the folder corridor plan -o wrote")
    files = ["summary.json", "timeline.svg", "plan.yaml", *(f"{t}.parquet" for t in VIEW_TABLES)]
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise InputFileError(
            f"{named}: not a plan folder of corridor plan (it lacks {', '.join(missing)})"
        )
    try:
        svg = (folder / "timeline.svg").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(f"{folder / 'timeline.svg'}: cannot be read ({err})") from err
    tables = {name: _table(folder / f"{name}.parquet", VIEW_COLUMNS[name]) for name in VIEW_TABLES}
    return {"summary": _summary(folder / "summary.json"), **tables, "timeline_svg": svg}
