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

__all__ = ["VIEW_TABLES", "plan_view", "read_plan_view"]

#: The plan tables a report shows (see :class:`corridor.pathway.plan.Plan`).
VIEW_TABLES: Final = ("builds", "goals", "values", "would_take", "candidates")


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
    needed = {"target", "target_year", "years", "capital"}
    if not isinstance(summary, dict) or not needed <= set(summary):
        raise InputFileError(
            f"{file}: not the summary.json of corridor plan (it needs {', '.join(sorted(needed))})"
        )
    return summary


def _table(file: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(file)
    except (OSError, pyarrow.ArrowException) as err:
        raise InputFileError(f"{file}: cannot be read as a plan table ({err})") from err


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
    tables = {name: _table(folder / f"{name}.parquet") for name in VIEW_TABLES}
    return {"summary": _summary(folder / "summary.json"), **tables, "timeline_svg": svg}
