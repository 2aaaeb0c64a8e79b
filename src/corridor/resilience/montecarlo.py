"""Monte Carlo: how likely a shortfall is, given the data's ranges and its outage history.

A run makes ``draws`` draws of one year (:mod:`corridor.resilience.risks` says what varies),
in batches of :data:`BATCH` draws, here, on local processes or on a Dask cluster
(:mod:`corridor.resilience.execute`), and summarises them per market and link
(:mod:`corridor.resilience.summary`):

- ``shortfall``: unmet demand per market and commodity (mean with its standard error, P95),
  the probability of any shortfall and of one worse than the intact year's (each with its
  standard error);
- ``criticality``: per link, how often its loss left demand short (its criticality index:
  it lost capacity, what was left of it ran full, and unmet demand of a commodity it carries
  was worse than the intact year's), how often it lost capacity, and how often it bound;
- ``cost``: the cost increase over the intact year (USD/yr, from the sourced prices; never
  a penalty): mean, spread and percentiles;
- ``convergence``: the estimates and their standard errors after 100, 200, 500, ... draws.

Draw ``i`` depends only on the seed and ``i``, so the same seed gives the same tables,
byte for byte, whatever the number of workers; with ``out`` each finished batch is stored at
once and ``resume`` continues an interrupted run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from corridor.dataset.network import Network
from corridor.errors import OptionError
from corridor.options import SolveOptions
from corridor.pipeline import hold, input_hash
from corridor.resilience.draws import Batch, Drawer, Job
from corridor.resilience.execute import local_workers, run_batches
from corridor.resilience.risks import Risks
from corridor.resilience.store import RunFolder
from corridor.resilience.summary import BATCH_TABLES, batch_frames, summarise
from corridor.version import __version__

__all__ = ["BATCH", "MAX_DRAWS", "MonteCarlo", "monte_carlo"]

#: Draws per batch: what a worker makes at a time and what is stored at once.
BATCH: Final = 250
MAX_DRAWS: Final = 1_000_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MonteCarlo:
    """A run's tables (see the module's docstring); ``draws``, ``unmet`` and ``links`` hold
    every draw."""

    year: int
    settings: dict[str, Any]
    shortfall: pd.DataFrame
    criticality: pd.DataFrame
    cost: pd.DataFrame
    convergence: pd.DataFrame
    draws: pd.DataFrame
    unmet: pd.DataFrame
    links: pd.DataFrame

    def probability(self, node_id: str, commodity: str) -> float:
        """The probability of any shortfall of ``commodity`` at ``node_id``."""
        row = self.shortfall[
            (self.shortfall["node_id"] == node_id) & (self.shortfall["commodity"] == commodity)
        ]
        if row.empty:
            raise OptionError([f"{node_id} has no {commodity} demand in {self.year}"])
        return float(row["shortfall_probability"].iloc[0])

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "shortfall": self.shortfall,
            "criticality": self.criticality,
            "cost": self.cost,
            "convergence": self.convergence,
        }


def _check(draws: int, seed: int, arrival: float, workers: int | None) -> list[str]:
    problems = []
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        problems.append(f"--draws: {draws!r} is not a whole number of draws in 1-{MAX_DRAWS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append(f"--seed: {seed!r} is not a whole number >= 0")
    if not 0.0 <= arrival <= 1.0:
        problems.append(f"--arrival: {arrival:g} is not a probability in [0, 1]")
    if workers is not None and workers < 1:
        problems.append(f"--workers: {workers} is not a number of processes >= 1")
    return problems


def _check_scheduler(scheduler: str | None) -> list[str]:
    if scheduler is None or scheduler.startswith(("tcp://", "tls://", "inproc://")):
        return []
    return [f"--scheduler: {scheduler!r} is not a Dask address such as tcp://127.0.0.1:8786"]


def _settings(
    held_network: Network,
    options: SolveOptions,
    scenario: str | None,
    draws: int,
    seed: int,
    arrival: float,
    risks: Risks,
) -> dict[str, Any]:
    return {
        "corridor_version": __version__,
        "input_hash": input_hash(held_network),
        "year": options.year,
        "scenario": scenario,
        "draws": draws,
        "seed": seed,
        "arrival": arrival,
        "batch": BATCH,
        "drawn": risks.drawn,
    }


def monte_carlo(
    network: Network,
    scenario: object = None,
    options: SolveOptions | None = None,
    *,
    draws: int,
    seed: int = 0,
    arrival: float = 1.0,
    out: Path | str | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    inputs: dict[Path, str] | None = None,
) -> MonteCarlo:
    """Make ``draws`` draws of the year (``options.year``, or the scenario's) and summarise
    them. ``workers`` local processes (default: every core) or the Dask scheduler at
    ``scheduler`` run them; with ``out`` every finished batch is stored there at once and
    ``resume`` continues the run stored there.

    Raises
    ------
    OptionError
        For a bad setting (draws, seed, arrival, workers, scheduler), a scheduler that does
        not answer, or ``resume`` with other settings than the stored run's.
    InputFileError
        If ``out`` holds files that are not this run's.
    """
    problems = _check(draws, seed, arrival, workers) + _check_scheduler(scheduler)
    if resume and out is None:
        problems.append("--resume needs --out, the folder of the run to continue")
    if problems:
        raise OptionError(problems)
    held = hold(network, scenario, options)  # type: ignore[arg-type]
    job = Job(held.network, held.options, seed, float(arrival))
    drawer = Drawer(job)
    name = held.scenario.name if held.scenario is not None else None
    settings = _settings(
        held.network, held.options, name, draws, seed, float(arrival), drawer.risks
    )
    folder = (
        None if out is None else RunFolder(Path(out), settings, resume=resume, inputs=inputs or {})
    )
    finished = folder.finished() if folder is not None else set()
    spans = [(s, min(s + BATCH, draws)) for s in range(0, draws, BATCH) if s not in finished]
    kept: list[dict[str, pd.DataFrame]] = []
    done = [draws - sum(b - a for a, b in spans)]

    def store(batch: Batch) -> None:
        frames = batch_frames(batch, drawer.risks, drawer.intact_unmet)
        if folder is not None:
            folder.write_batch(batch.start, frames)
        else:
            kept.append(frames)
        done[0] += len(batch.cost)
        if progress is not None:
            progress(done[0], draws)

    if progress is not None:
        progress(done[0], draws)
    count = workers or local_workers()
    if scheduler is None and count == 1:
        for start, stop in spans:  # the drawer already holds the LP
            store(drawer.batch(start, stop))
    else:
        run_batches(job, spans, store, workers=count, scheduler=scheduler)
    frames = folder.read_batches() if folder is not None else _joined(kept)
    carried = {str(k): tuple(v) for k, v in held.network.links["commodities"].items()}
    tables = summarise(frames, carried)
    if folder is not None:
        folder.write_tables(tables)
        folder.finish()
    return MonteCarlo(held.options.year, settings, **tables, **frames)


def _joined(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The tables of batches made in any order, in draw order."""
    joined = {}
    for name in BATCH_TABLES:
        frame = pd.concat([p[name] for p in parts], ignore_index=True)
        order = np.argsort(frame["draw"].to_numpy(), kind="stable")
        joined[name] = frame.iloc[order].reset_index(drop=True)
    return joined
