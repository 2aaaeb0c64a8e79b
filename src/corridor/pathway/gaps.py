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

from corridor.commodities import COMMODITIES
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.pathway.model import Pathway, PathwaySolver

__all__ = ["GAP_COLUMNS", "what_it_would_take"]

GAP_COLUMNS = ("year", "what", "id", "added", "unit")


def _hypothetical(p: Pathway, lps: list[LinearProgram]) -> tuple[sparse.csc_matrix, pd.DataFrame]:
    """Columns of hypothetical capacity (-1 in a capacity row) and supply (a copy of a supply
    column), and what each is."""
    parts, rows = [], []
    for i, (lp, year) in enumerate(zip(lps, p.years, strict=True)):
        cap = np.flatnonzero(lp.row_block == CAPACITY)
        link = lp.arc_link[lp.row_arc[cap]]
        units = lp.net.link_unit[link]
        m = sparse.csc_matrix(
            (-np.ones(len(cap)), (cap + p.row_offset[i], np.arange(len(cap)))),
            shape=(p.a.shape[0], len(cap)),
        )
        parts.append(m)
        rows.append(
            pd.DataFrame({"year": year, "what": "link", "id": lp.net.link_ids[link], "unit": units})
        )
        s = np.flatnonzero(lp.col_block == "s") + p.col_offset[i]
        parts.append(p.a[:, s])
        s_local = s - p.col_offset[i]
        commodities = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity[s_local]]
        rows.append(
            pd.DataFrame(
                {
                    "year": year,
                    "what": "supply",
                    "id": [
                        f"{n} {c}"
                        for n, c in zip(lp.nodes[lp.col_node[s_local]], commodities, strict=True)
                    ],
                    "unit": [
                        COMMODITIES[c].canonical_unit if c in COMMODITIES else "Mt/yr"
                        for c in commodities
                    ],
                }
            )
        )
    return sparse.hstack(parts, format="csc"), pd.concat(rows, ignore_index=True)


def what_it_would_take(p: Pathway, x: np.ndarray, lps: list[LinearProgram]) -> pd.DataFrame:
    """Capacity (or supply) beyond the plan, by year, that closes its unmet demand and target
    shortfalls (empty when nothing is short): year, what (link or supply), id, added, unit.

    The plan's builds are fixed and every delivery, agreement volume and market delivery is
    held at least at the plan's; the LP then serves as much unmet demand and target
    shortfall as it can (1 a unit) with the least hypothetical capacity (1e-4 a unit).
    """
    extra, what = _hypothetical(p, lps)
    blocks = np.concatenate([lp.col_block for lp in lps])
    n_flow = len(blocks)
    year_of_col = np.repeat(np.arange(len(lps)), [len(lp.c) for lp in lps])
    c = np.zeros(len(p.c))
    served = np.flatnonzero(blocks == "d")
    c[served] = -p.discount[year_of_col[served]]
    short = p.goals["col"].to_numpy(int)
    c[short] = p.discount[(p.goals["year"] - p.years[0]).to_numpy(int)]
    lower, upper = p.col_lower.copy(), p.col_upper.copy()
    held = np.flatnonzero(np.isin(blocks, ["d", "v", "m"]))
    lower[held] = np.minimum(x[held], upper[held])
    build = p.decisions["col"].to_numpy(int)
    lower[build] = upper[build] = x[build]
    year_pos = (what["year"] - p.years[0]).to_numpy(int)
    wide = dataclasses.replace(
        p,
        c=np.concatenate([c, 1e-4 * p.discount[year_pos]]),
        col_lower=np.concatenate([lower, np.zeros(extra.shape[1])]),
        col_upper=np.concatenate([upper, np.full(extra.shape[1], np.inf)]),
        integrality=np.zeros(len(p.c) + extra.shape[1], dtype=np.uint8),
        a=sparse.hstack([p.a, extra], format="csc"),
        constant=0.0,
    )
    y, _ = PathwaySolver(wide).solve()
    del n_flow
    what["added"] = y[len(p.c) :]
    found = what[what["added"] > 1e-6]
    found = found.groupby(["year", "what", "id", "unit"], as_index=False)["added"].max()
    return found[list(GAP_COLUMNS)].reset_index(drop=True)
