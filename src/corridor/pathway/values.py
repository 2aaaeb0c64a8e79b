"""What each project is worth to the plan: the plan re-solved without it (built projects) or
with it forced in at its earliest year (the others), and the projects whose choice turns on
one uncertain figure of their own (a low-high range of the data)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from corridor.errors import SolveError
from corridor.pathway.model import Pathway, PathwaySolver

__all__ = ["SENSITIVITY_COLUMNS", "VALUE_COLUMNS", "project_values", "range_sensitivity"]

VALUE_COLUMNS = (
    "project_id", "built", "capital_discounted_usd", "objective_change", "usd_change",
    "delivered_change", "unmet_change", "unit", "value_per_usd", "rank",
)  # fmt: skip
SENSITIVITY_COLUMNS = (
    "project_id", "column", "default", "low", "high", "range_kind", "built_at_low",
    "built_at_high", "choice_changes",
)  # fmt: skip


def _volumes(
    p: Pathway, x: np.ndarray, flows: Callable[[np.ndarray], pd.DataFrame]
) -> pd.DataFrame:
    """Mean a year over the plan of delivered and unmet volume, by commodity and unit."""
    d = flows(x)
    return d.groupby(["commodity", "unit"])[["delivered", "unmet"]].sum() / len(p.years)


_Pair = tuple[np.ndarray, float, np.ndarray, float, float]  # with x, obj; without x, obj; capital


def _with_and_without(
    solver: PathwaySolver, x: np.ndarray, objective: float, own: pd.DataFrame
) -> _Pair | None:
    """The plan with and without one project (its decisions ``own``): a built project is
    forbidden, another forced in at its earliest decision (None if a limit forbids that)."""
    if (own["share"] > 1e-6).any():
        y, obj = solver.solve(upper=dict.fromkeys(own["col"].astype(int).tolist(), 0.0))
        return x, objective, y, obj, float((own["capital"] * own["share"]).sum())
    first = own.sort_values("decision_year").iloc[0]
    try:
        y, obj = solver.solve(lower={int(first["col"]): 1.0})
    except SolveError:  # an exclusive alternative or the budget forbids it
        return None
    return y, obj, x, objective, float(first["capital"])


def project_values(
    solver: PathwaySolver,
    x: np.ndarray,
    objective: float,
    flows: Callable[[np.ndarray], pd.DataFrame],
    usd: Callable[[np.ndarray], float],
) -> pd.DataFrame:
    """One row per available project and commodity it changes: the planning objective's change
    (USD-equivalent: shortfalls at their penalty), the change in sourced USD, and mean
    delivered and unmet volume a year, each as the project's contribution (with it minus
    without it); value_per_usd is the objective's gain per discounted capital dollar."""
    p = solver.pathway
    d = p.decisions.assign(share=x[p.decisions["col"].to_numpy(int)])
    frames = []
    for pid, own in d.groupby("project_id", sort=True):
        pair = _with_and_without(solver, x, objective, own)
        if pair is None:
            continue
        with_x, with_obj, without_x, without_obj, capital = pair
        change = _volumes(p, with_x, flows).sub(_volumes(p, without_x, flows), fill_value=0.0)
        moved = (change.abs() >= 1e-6).any(axis=1)
        change = (
            change[moved]
            if moved.any()
            else pd.DataFrame(
                {"delivered": [0.0], "unmet": [0.0]}, index=pd.MultiIndex.from_tuples([("", "")])
            )
        )
        gain = without_obj - with_obj + capital  # what it brings before its capital
        frames.append(
            change.reset_index(names=["commodity", "unit"]).assign(
                project_id=pid,
                built=with_x is x,
                capital_discounted_usd=capital,
                objective_change=without_obj - with_obj,
                usd_change=usd(with_x) - usd(without_x),
                value_per_usd=gain / capital if capital > 0 else np.inf,
            )
        )
    out = pd.concat(frames, ignore_index=True).rename(
        columns={"delivered": "delivered_change", "unmet": "unmet_change"}
    )[list(VALUE_COLUMNS[:-1])]
    order = out.groupby("project_id")["value_per_usd"].first().rank(ascending=False, method="min")
    out["rank"] = out["project_id"].map(order).astype(int)
    return out.sort_values(["rank", "project_id"]).reset_index(drop=True)


def range_sensitivity(
    ranges: pd.DataFrame, chosen: frozenset[str], solve: Callable[[str, str, float], frozenset[str]]
) -> pd.DataFrame:
    """For each project figure with a low-high range: the projects built at its low and at
    its high, and whether that differs from the plan's choice. ``solve(project, column,
    value)`` plans again with the one figure changed."""
    rows = []
    for r in ranges.itertuples():
        at_low = solve(str(r.row_id), str(r.column), float(r.low))
        at_high = solve(str(r.row_id), str(r.column), float(r.high))
        rows.append(
            {
                "project_id": r.row_id,
                "column": r.column,
                "default": float(r.value),
                "low": float(r.low),
                "high": float(r.high),
                "range_kind": r.range_kind,
                "built_at_low": ";".join(sorted(at_low)),
                "built_at_high": ";".join(sorted(at_high)),
                "choice_changes": at_low != chosen or at_high != chosen,
            }
        )
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
