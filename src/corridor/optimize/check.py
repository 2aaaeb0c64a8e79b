"""Check a solution before anyone sees it: conservation, capacities and bounds within tolerance."""

from __future__ import annotations

import numpy as np

from corridor.optimize.build import BALANCE, LinearProgram
from corridor.optimize.solve import SolveError

__all__ = ["check_solution"]


def check_solution(
    lp: LinearProgram,
    x: np.ndarray,
    *,
    col_upper: np.ndarray,
    row_upper: np.ndarray,
    tolerance: float = 1e-6,
) -> None:
    """Raise :class:`SolveError` naming the violated constraint if ``x`` is not feasible.

    Tolerances scale with the size of the values (``tolerance * (1 + |bound|)``).
    """
    scale = 1.0 + np.abs(x).max(initial=0.0)
    activity = lp.a @ x
    balance = lp.row_block == BALANCE
    worst = np.abs(activity[balance]).max(initial=0.0)
    if worst > tolerance * scale:
        i = int(np.flatnonzero(balance)[np.abs(activity[balance]).argmax()])
        row = lp.rows.iloc[i]
        raise SolveError(
            f"flow is not conserved at {row['node_id']} (layer {row['layer']}): "
            f"imbalance {worst:.3g}"
        )
    over = activity - row_upper
    under = lp.row_lower - activity
    if (over > tolerance * (1 + np.abs(row_upper).clip(max=1e12))).any() or (
        under > tolerance * (1 + np.abs(lp.row_lower).clip(max=1e12))
    ).any():
        i = int(np.argmax(np.maximum(over, under)))
        raise SolveError(
            f"row {i} ({lp.rows.iloc[i]['block']}) is violated by {max(over[i], under[i]):.3g}"
        )
    if (x < lp.col_lower - tolerance * scale).any() or (
        x > col_upper + tolerance * (1 + np.abs(col_upper).clip(max=1e12))
    ).any():
        i = int(np.argmax(np.maximum(lp.col_lower - x, x - col_upper)))
        raise SolveError(f"column {i} ({lp.cols.iloc[i]['block']}) is outside its bounds")
