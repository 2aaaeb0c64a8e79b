"""What it would take: the least capacity beyond the plan that would close what it leaves unmet.

The plan's builds are held; every capacity row of every year may take hypothetical capacity
and every field hypothetical supply, each at a cost above what a world market gives for a unit
(its priority weight) and far below the penalty of unmet demand, so the additions go only
where demand or a delivery target is short. This is a separate, labelled result: nothing of it
is in the plan.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from corridor.pathway.model import Pathway, PathwaySolver

__all__ = ["GAP_COLUMNS", "what_it_would_take"]

GAP_COLUMNS = ("year", "what", "id", "added", "unit")


def _hypothetical(p: Pathway, units: dict[str, str]) -> tuple[sparse.csc_matrix, pd.DataFrame]:
    """Columns of hypothetical capacity (-1 in a capacity row) and supply (a copy of a supply
    column), and what each is: year, what, id, unit."""
    cap = p.capacity
    more_capacity = sparse.csc_matrix(
        (-np.ones(len(cap)), (cap["row"].to_numpy(int), np.arange(len(cap)))),
        shape=(p.a.shape[0], len(cap)),
    )
    fields = p.columns[p.columns["block"] == "s"]
    more_supply = p.a[:, fields["col"].to_numpy(int)]
    what = pd.concat(
        [
            cap.assign(what="link", id=cap["link_id"])[["year", "what", "id", "unit"]],
            fields.assign(
                what="supply",
                id=fields["node_id"] + " " + fields["commodity"],
                unit=fields["commodity"].map(units),
            )[["year", "what", "id", "unit"]],
        ],
        ignore_index=True,
    )
    return sparse.hstack([more_capacity, more_supply], format="csc"), what


def what_it_would_take(p: Pathway, x: np.ndarray, units: dict[str, str]) -> pd.DataFrame:
    """Capacity (or supply) beyond the plan, by year, that closes its unmet demand and target
    shortfalls (empty when nothing is short): year, what (link or supply), id, added, unit.

    The plan's builds are fixed and every delivery, agreement volume and market delivery is
    held at least at the plan's; the LP then serves as much unmet demand and target
    shortfall as it can (1 a unit) with the least hypothetical capacity (1e-4 a unit, a
    thousandth more for each later link or field in id order: a tie-break).
    """
    extra, what = _hypothetical(p, units)
    blocks = p.columns["block"].to_numpy()
    year_pos = (p.columns["year"] - p.years[0]).to_numpy(int)
    c = np.zeros(len(p.c))
    served = np.flatnonzero(blocks == "d")
    c[served] = -p.discount[year_pos[served]]
    short = p.goals["col"].to_numpy(int)
    c[short] = p.discount[(p.goals["year"] - p.years[0]).to_numpy(int)]
    lower, upper = p.col_lower.copy(), p.col_upper.copy()
    held = np.flatnonzero(np.isin(blocks, ["d", "v", "m"]))
    lower[held] = np.minimum(x[held], upper[held])
    build = p.decisions["col"].to_numpy(int)
    lower[build] = upper[build] = x[build]
    extra_year = (what["year"] - p.years[0]).to_numpy(int)
    # equal alternatives (a field or another one) are broken by a stable order, so that every
    # year takes the same one
    order = what.groupby(["what", "id"]).ngroup().to_numpy(float)
    unit_cost = 1e-4 * (1.0 + 1e-3 * order / max(order.max(), 1.0))
    wide = dataclasses.replace(
        p,
        c=np.concatenate([c, unit_cost * p.discount[extra_year]]),
        col_lower=np.concatenate([lower, np.zeros(extra.shape[1])]),
        col_upper=np.concatenate([upper, np.full(extra.shape[1], np.inf)]),
        integrality=np.zeros(len(p.c) + extra.shape[1], dtype=np.uint8),
        a=sparse.hstack([p.a, extra], format="csc"),
        constant=0.0,
    )
    y, _ = PathwaySolver(wide).solve()
    what["added"] = y[len(p.c) :]
    found = what[what["added"] > 1e-6]
    found = found.groupby(["year", "what", "id", "unit"], as_index=False)["added"].max()
    return found[list(GAP_COLUMNS)].reset_index(drop=True)
