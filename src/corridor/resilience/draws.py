"""Making draws on the held model: the results-light loop a worker runs.

A worker holds one LP (:class:`Drawer`), solved once intact; each draw sets the bounds of
:func:`~corridor.resilience.risks.draw_bounds`, re-solves the priority stage from the intact
basis (the same bounds always give the same flows, whatever ran before on the worker) and reads
only what the summary needs: the cost, the unmet demand per market, and per link the capacity
lost and whether it binds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
from scipy import sparse

from corridor.dataset.network import Network
from corridor.optimize.check import check_solution
from corridor.options import SolveOptions
from corridor.pipeline import hold, input_hash
from corridor.resilience.risks import Risks, draw_bounds, risks_of

__all__ = ["Batch", "Drawer", "Job", "drawer_for"]

#: Values closer to zero than this (canonical units) are the solver's noise.
NOISE: Final = 1e-9
#: A capacity row binds when its flow is within this share of its bound.
BINDING: Final = 1e-7


@dataclass(frozen=True)
class Job:
    """What every worker needs to make the same draws: the network (a scenario applied), its
    options, the seed and the arrival probability of projects."""

    network: Network
    options: SolveOptions
    seed: int
    arrival: float

    @property
    def key(self) -> str:
        """Names the job on workers (same inputs and settings: same key)."""
        text = f"{input_hash(self.network)}|{self.options!r}|{self.seed}|{self.arrival!r}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Batch:
    """The draws ``start`` to ``start + len(cost) - 1``: cost (USD/yr), and per draw
    ``demand`` and ``unmet`` per market, ``lost``, ``closed`` and ``binding`` per link."""

    start: int
    cost: np.ndarray
    demand: np.ndarray
    unmet: np.ndarray
    lost: np.ndarray
    closed: np.ndarray
    binding: np.ndarray


class Drawn(NamedTuple):
    """One draw: cost increase (USD/yr), demand and unmet per market, and per link the share
    of capacity lost, whether it was closed and whether it bound."""

    cost: float
    demand: np.ndarray
    unmet: np.ndarray
    lost: np.ndarray
    closed: np.ndarray
    binding: np.ndarray


class Drawer:
    """One held LP making draws."""

    def __init__(self, job: Job) -> None:
        held = hold(job.network, None, job.options)
        self.job, self.model, self.options = job, held.model, held.options
        lp = self.model.lp
        self.risks: Risks = risks_of(held.network, lp, arrival=job.arrival)
        x = self.model.solve_flows()
        self.start = self.model.basis()
        self.intact_cost = float(lp.c_value @ x)
        self.capacity = sparse.csr_matrix(lp.a)[self.risks.cap_rows]
        risks = self.risks
        self.cols = np.concatenate([risks.flow_cols, risks.bound_cols])
        self.demand_cols = risks.bound_cols[risks.demand]
        self.demand_at = len(risks.flow_cols) + risks.demand  # in the draw's col_upper
        self.intact_unmet = _unmet(risks.bound_default[risks.demand], x[self.demand_cols])

    def draw(self, draw: int) -> Drawn:
        """Draw number ``draw`` of the job's seed."""
        risks, model = self.risks, self.model
        bounds = draw_bounds(risks, self.job.seed, draw)
        model.set_bounds(risks.cap_rows, bounds.row_upper, self.cols, bounds.col_upper)
        x = model.solve_flows(self.start)
        check_solution(
            model.lp,
            x,
            col_upper=model.col_upper,
            row_upper=model.row_upper,
            tolerance=self.options.tolerance,
        )
        x = np.where(np.abs(x) < NOISE, 0.0, x)
        demand = bounds.col_upper[self.demand_at]
        unmet = _unmet(demand, x[self.demand_cols])
        upper = bounds.row_upper
        flow = self.capacity @ x
        tight = (upper > 0) & (flow >= upper * (1.0 - BINDING) - NOISE)
        binding = np.bincount(risks.cap_link[tight], minlength=len(risks.links)) > 0
        cost = float(model.lp.c_value @ x) - self.intact_cost
        return Drawn(cost, demand, unmet, bounds.lost, bounds.closed, binding & ~bounds.closed)

    def batch(self, start: int, stop: int) -> Batch:
        """The draws ``start`` to ``stop - 1``."""
        made = [self.draw(i) for i in range(start, stop)]
        return Batch(
            start,
            np.array([d.cost for d in made]),
            *(np.array([getattr(d, f) for d in made]) for f in Drawn._fields[1:]),
        )


def _unmet(demand: np.ndarray, served: np.ndarray) -> np.ndarray:
    """Demand not served, with the solver's noise set to 0."""
    unmet = np.maximum(demand - served, 0.0)
    return np.where(unmet < NOISE * (1.0 + demand), 0.0, unmet)


_DRAWERS: dict[str, Drawer] = {}


def drawer_for(job: Job) -> Drawer:
    """This process's drawer of ``job`` (built once per process and job)."""
    key = job.key
    if key not in _DRAWERS:
        _DRAWERS.clear()  # one job at a time: a worker keeps one LP
        _DRAWERS[key] = Drawer(job)
    return _DRAWERS[key]
