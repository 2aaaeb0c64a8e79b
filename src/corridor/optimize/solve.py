"""Solve the flow LP with HiGHS (highspy), keeping the solver alive for warm re-solves."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from corridor.errors import SolveError
from corridor.optimize.build import CAPACITY, LinearProgram

__all__ = ["FlowModel", "ModelArrays", "Solution", "SolveError", "new_highs", "pass_model"]

logger = logging.getLogger(__name__)

#: HiGHS options measured on this problem class (docs/benchmarks.md, solver notes): switching
#: off presolve's dependent-equations rule (1024) is 4-5x faster on rank-deficient balance rows.
HIGHS_OPTIONS: dict[str, bool | int | float | str] = {
    "output_flag": False,
    "presolve_rule_off": 1024,
    "simplex_dual_edge_weight_strategy": 2,
}
_METHODS = {"simplex": "simplex", "ipm": "ipm", "pdlp": "pdlp"}


@contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Send the C library's stdout (HiGHS's start-up banner) to /dev/null for a moment."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


_BANNER = {"shown": False}  # HiGHS prints its banner when the process's first instance is made


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance (stdout is silenced while the first one is made)."""
    if _BANNER["shown"]:
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        with _stdout_silenced():
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
        _BANNER["shown"] = True
    highs.setOptionValue("output_flag", False)
    return highs


class ModelArrays(Protocol):
    """What HiGHS needs of a (MI)LP: min c'x + constant over bounded columns and rows."""

    @property
    def c(self) -> np.ndarray: ...
    @property
    def col_lower(self) -> np.ndarray: ...
    @property
    def col_upper(self) -> np.ndarray: ...
    @property
    def a(self) -> sparse.csc_matrix: ...
    @property
    def row_lower(self) -> np.ndarray: ...
    @property
    def row_upper(self) -> np.ndarray: ...
    @property
    def constant(self) -> float: ...


def pass_model(highs: highspy.Highs, m: ModelArrays, integer: np.ndarray | None = None) -> None:
    """Hand ``m`` to ``highs`` column-wise; columns where ``integer`` is true are integers."""
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(m.c), len(m.row_lower)
    model.col_cost_, model.offset_ = m.c, m.constant
    model.col_lower_, model.col_upper_ = m.col_lower, m.col_upper
    model.row_lower_, model.row_upper_ = m.row_lower, m.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = m.a.indptr
    model.a_matrix_.index_ = m.a.indices
    model.a_matrix_.value_ = m.a.data
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = len(m.c), len(m.row_lower)
    if integer is not None and integer.any():
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        model.integrality_ = [kinds[int(k)] for k in integer]
    highs.passModel(model)


@dataclass(frozen=True)
class Solution:
    """What one solve (its two stages) found.

    ``x`` are the flows of the priority stage. ``row_dual`` are the duals of the value stage,
    in USD per unit (per year): the shadow prices a reader can repeat. ``priority_dual`` are the
    duals of the priority stage, which also carry the penalties of unmet demand and agreements
    and the distance tie-break. ``objective`` is the value of deliveries at sourced prices less
    known tariffs, USD/yr, with the sign of a cost (negative when deliveries are worth more).
    """

    x: np.ndarray
    row_dual: np.ndarray
    priority_dual: np.ndarray
    objective: float
    status: str
    seconds: float


class FlowModel:
    """A built LP held in HiGHS: solve, change bounds, re-solve warm.

    Examples
    --------
    >>> model = FlowModel(lp)          # doctest: +SKIP
    >>> first = model.solve()          # doctest: +SKIP
    >>> model.set_link_capacity("L_CPC", 0.0)   # a CPC outage  # doctest: +SKIP
    >>> second = model.solve()         # warm: starts from the previous basis  # doctest: +SKIP
    """

    def __init__(
        self, lp: LinearProgram, *, method: str = "simplex", time_limit_s: float = 600.0
    ) -> None:
        if method not in _METHODS:
            raise SolveError(f"unknown method {method!r}; choose one of {', '.join(_METHODS)}")
        self.lp = lp
        self.highs = new_highs()
        options: dict[str, bool | int | float | str] = {
            **HIGHS_OPTIONS,
            "solver": _METHODS[method],
            "time_limit": float(time_limit_s),
        }
        for name, value in options.items():
            self.highs.setOptionValue(name, value)
        pass_model(self.highs, lp)
        self.col_upper = lp.col_upper.copy()
        self.row_upper = lp.row_upper.copy()
        self._priority_costs = False  # whether HiGHS holds the priority stage's costs

    def _arcs_of(self, link_id: str) -> np.ndarray:
        lp = self.lp
        return np.flatnonzero(lp.net.link_ids[lp.arc_link] == link_id)

    def _capacity_rows(self, link_id: str) -> np.ndarray:
        lp = self.lp
        on_link = np.isin(lp.row_arc, self._arcs_of(link_id))
        return np.flatnonzero((lp.row_block == CAPACITY) & on_link)

    def _flow_cols(self, link_id: str) -> np.ndarray:
        lp = self.lp
        return np.flatnonzero((lp.col_block == "x") & np.isin(lp.col_arc, self._arcs_of(link_id)))

    def set_link_capacity(self, link_id: str, capacity: float) -> None:
        """Set a link's capacity (canonical unit, each direction) for the next solve.

        A capacity of 0 closes the link; links without a capacity row are closed through the
        bounds of their flow columns, and reopened with a capacity of ``inf``.
        """
        rows = self._capacity_rows(link_id)
        if len(rows):
            upper = np.full(len(rows), float(capacity))
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows.astype(np.int32), np.full(len(rows), -np.inf), upper
            )
            self.row_upper[rows] = upper
            return
        cols = self._flow_cols(link_id)
        if 0 < capacity < np.inf:
            raise SolveError(
                f"link {link_id!r} has no capacity row; only closing it (0) or reopening it "
                "(inf) works"
            )
        upper = np.zeros(len(cols)) if capacity == 0 else self.lp.col_upper[cols].copy()
        self._set_col_upper(cols, upper)

    def has_link(self, link_id: str) -> bool:
        """Whether the link runs in the model's year (it has arcs in the LP)."""
        return bool(len(self._arcs_of(link_id)))

    def cut_link(self, link_id: str, share: float) -> None:
        """Take ``share`` (0-1) of a link's capacity as built away for the next solve; a link
        without a capacity row can only be closed (``share`` 1).

        Raises
        ------
        SolveError
            If the link has no capacity row and ``share`` is below 1.
        """
        rows = self._capacity_rows(link_id)
        if len(rows):
            upper = np.asarray(self.lp.row_upper[rows], dtype=float) * (1.0 - share)
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows.astype(np.int32), np.full(len(rows), -np.inf), upper
            )
            self.row_upper[rows] = upper
        elif share >= 1.0:
            cols = self._flow_cols(link_id)
            self._set_col_upper(cols, np.zeros(len(cols)))
        else:
            raise SolveError(f"link {link_id!r} has no capacity row; only closing it works")

    def reset_link(self, link_id: str) -> None:
        """Give a link back the bounds it was built with (after an outage or a change)."""
        rows = self._capacity_rows(link_id)
        if len(rows):
            upper = np.asarray(self.lp.row_upper[rows], dtype=float)
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows.astype(np.int32), np.full(len(rows), -np.inf), upper
            )
            self.row_upper[rows] = upper
        cols = self._flow_cols(link_id)
        self._set_col_upper(cols, np.asarray(self.lp.col_upper[cols], dtype=float))

    def _node_cols(self, node_id: str) -> np.ndarray:
        """The supply, demand and market columns of a node (what enters or leaves there)."""
        lp = self.lp
        position = lp.net.node_position.get(node_id, -1)
        own = np.isin(lp.col_block, ("s", "d", "e", "z", "m")) & (lp.col_node == position)
        return np.flatnonzero(own & (position >= 0))

    def close_node(self, node_id: str) -> None:
        """Stop everything entering or leaving the network at a node (its supply, demand and
        market) for the next solve; its links are cut apart."""
        cols = self._node_cols(node_id)
        self._set_col_upper(cols, np.zeros(len(cols)))

    def reset_node(self, node_id: str) -> None:
        """Give a node's supply, demand and market columns back the bounds they were built with."""
        cols = self._node_cols(node_id)
        self._set_col_upper(cols, np.asarray(self.lp.col_upper[cols], dtype=float))

    def _set_col_upper(self, cols: np.ndarray, upper: np.ndarray) -> None:
        if len(cols):
            self.highs.changeColsBounds(
                len(cols), cols.astype(np.int32), np.zeros(len(cols)), upper
            )
            self.col_upper[cols] = upper

    def set_link_capacities(self, capacities: dict[str, float]) -> None:
        """Set several links' capacities at once (vectorised; links need a capacity row)."""
        lp = self.lp
        link_ids = lp.net.link_ids[lp.arc_link]
        cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
        arc_of_row = lp.row_arc[cap_rows]
        wanted = pd.Series(capacities, dtype="float64")
        values = wanted.reindex(link_ids[arc_of_row]).to_numpy()
        hit = ~np.isnan(values)
        missing = set(wanted.index) - set(link_ids[arc_of_row][hit])
        if missing:
            raise SolveError(f"links without a capacity row: {', '.join(sorted(missing))}")
        idx = cap_rows[hit].astype(np.int32)
        self.highs.changeRowsBounds(  # type: ignore[attr-defined]
            len(idx), idx, np.full(len(idx), -np.inf), values[hit]
        )
        self.row_upper[idx] = values[hit]

    def _run(self, stage: str) -> tuple[np.ndarray, np.ndarray, str]:
        """Run HiGHS once (warm from the last basis): column values, row duals, status."""
        self.highs.run()
        status = self.highs.modelStatusToString(self.highs.getModelStatus())
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise SolveError(f"HiGHS did not find an optimum ({stage} stage): {status}")
        sol = self.highs.getSolution()
        logger.info(
            "%s stage: %s, %d iterations",
            stage,
            status,
            self.highs.getInfo().simplex_iteration_count,
        )
        return np.asarray(sol.col_value), np.asarray(sol.row_dual), status

    def _set_costs(self, costs: np.ndarray, lower: np.ndarray) -> None:
        lp = self.lp
        every = np.arange(len(costs), dtype=np.int32)
        self.highs.changeColsCost(len(costs), every, costs)
        held = np.flatnonzero(lp.fixed).astype(np.int32)
        self.highs.changeColsBounds(len(held), held, lower, self.col_upper[held])
        self._priority_costs = costs is lp.c

    def basis(self) -> highspy.HighsBasis:
        """The basis of the last solve: a start that :meth:`solve_flows` can return to."""
        return self.highs.getBasis()

    def solve_flows(self, start: highspy.HighsBasis | None = None) -> np.ndarray:
        """The priority stage only: the flows (the same as :meth:`solve`'s ``x``), without the
        USD duals. From ``start`` (a :meth:`basis`) the solver's state is cleared first, so the
        same bounds always give the same flows, whatever was solved before."""
        if not self._priority_costs:
            self._set_costs(self.lp.c, np.zeros(int(self.lp.fixed.sum())))
        if start is not None:
            self.highs.clearSolver()
            self.highs.setBasis(start)
        x, _, _ = self._run("priority")
        return x

    def set_bounds(
        self, rows: np.ndarray, row_upper: np.ndarray, cols: np.ndarray, col_upper: np.ndarray
    ) -> None:
        """Set the upper bounds of capacity ``rows`` and of ``cols`` at once (vectorised)."""
        if len(rows):
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows.astype(np.int32), np.full(len(rows), -np.inf), row_upper
            )
            self.row_upper[rows] = row_upper
        self._set_col_upper(cols, col_upper)

    def solve(self) -> Solution:
        """Solve in two stages, each warm from the last basis.

        The priority stage serves demand and agreements first (their penalties), values the
        rest at its prices and breaks ties by distance: its flows are the answer. The value
        stage holds every demand, agreement and unpriced market at least at those deliveries
        and prices the rest in USD only (prices less tariffs, no penalty, no tie-break): its
        duals are the shadow prices, valid for the priority stage's flows. Without any price
        in the data the value stage is skipped and every USD dual is NaN.
        """
        t0 = time.perf_counter()
        lp = self.lp
        held = lp.fixed
        self._set_costs(lp.c, np.zeros(int(held.sum())))
        x, priority_dual, status = self._run("priority")
        if np.isnan(lp.col_price).all():  # nothing has a price: no USD dual to find
            row_dual = np.full(len(priority_dual), np.nan)
        else:
            kept = x[held]
            lower = np.clip(kept - 1e-9 * (1.0 + np.abs(kept)), 0.0, self.col_upper[held])
            self._set_costs(lp.c_value, lower)
            _, row_dual, _ = self._run("value")
        seconds = time.perf_counter() - t0
        return Solution(x, row_dual, priority_dual, float(lp.c_value @ x), status, seconds)
