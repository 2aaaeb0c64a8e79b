"""One scenario of a report: its network, its results and how the page presents it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from corridor.dataset.network import Network
from corridor.pipeline import Run
from corridor.results import Results

__all__ = ["ReportRun"]


@dataclass(frozen=True)
class ReportRun:
    """One scenario of a report: its network, its results and how to present it.

    Attributes
    ----------
    name
        Short id, e.g. ``"baseline-2024"``.
    title
        Title shown in the page, e.g. ``"Baseline 2024"``.
    description
        One paragraph of plain text.
    network
        The network solved.
    results
        The results of the solve.
    source_ids
        Further sources of the scenario itself (ids in ``network.sources``).
    changes
        What the scenario changed in the dataset, one plain sentence each.
    outages
        The outage ranking of the run (``corridor.resilience``'s ``Criticality.ranking``), or
        None: the page then has no outage section.
    monte_carlo
        The Monte Carlo tables of the run (``corridor.resilience``'s ``MonteCarlo``: its
        ``shortfall``, ``criticality``, ``cost`` and ``unmet``, and ``settings``), or None.
    pathway
        The plan the run's scenario applies (``corridor.pathway.view``'s ``plan_view`` of a
        Plan, or ``read_plan_view`` of the folder ``corridor plan -o`` wrote: ``summary``,
        ``builds``, ``goals``, ``values``, ``would_take``, ``candidates`` and
        ``timeline_svg``), or None: the page then has no pathway section.
    """

    name: str
    title: str
    description: str
    network: Network
    results: Results
    source_ids: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    outages: pd.DataFrame | None = None
    monte_carlo: Mapping[str, Any] | None = None
    pathway: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, done: Run) -> ReportRun:
        """A run of the pipeline as the report shows it (its scenario's title and text)."""
        if done.scenario is None:
            year = done.options.year
            return cls(done.name, f"Year {year}", f"The dataset solved for {year}.",
                       done.network, done.results)  # fmt: skip
        spec = done.scenario.scenario.spec
        return cls(
            done.scenario.name,
            spec.title,
            " ".join(spec.description.split()),
            done.network,
            done.results,
            done.scenario.source_ids,
            done.scenario.changes,
        )
