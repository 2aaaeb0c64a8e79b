"""The one path through corridor: dataset -> scenario -> routing -> optimize -> results.

Every front end (the CLI, the report, the transit commands, a notebook) calls :func:`run`; none
wires the stages itself. Read it as the map of the system::

    network = corridor.load()                        # dataset: read, parse, rules, Network
    done = corridor.run(network, "cpc-closed")       # scenario, routing, optimize, results
    done.results.unmet                               # what could not be delivered, and why
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, derived, derived_for
from corridor.errors import OptionError
from corridor.optimize.build import LinearProgram, build_model
from corridor.optimize.check import check_solution
from corridor.optimize.solve import FlowModel, Solution
from corridor.options import RouteRules, SolveOptions
from corridor.results import Results, extract_results
from corridor.results.backtest import BACKTEST_COLUMNS, compare_observations, observation_years
from corridor.routing.inputs import check_year, resolve_rules
from corridor.version import __version__

if TYPE_CHECKING:
    from corridor.scenario import AppliedScenario, Scenario

__all__ = [
    "Held",
    "Run",
    "backtest",
    "backtest_years",
    "checked_solve",
    "hold",
    "input_hash",
    "run",
    "solve",
    "solve_model",
    "solve_scenario",
]


@dataclass(frozen=True)
class Run:
    """One pass through the pipeline.

    Attributes
    ----------
    network
        The network solved (the scenario's changed copy when there is one).
    options
        The options the solve used (year, route rules, penalties, solver settings).
    results
        What the solve found.
    scenario
        The applied scenario (what it changed, its sources), or None.
    """

    network: Network
    options: SolveOptions
    results: Results
    scenario: AppliedScenario | None = None

    @property
    def name(self) -> str:
        """The scenario's name, or ``year-<year>`` for a plain solve."""
        return self.scenario.name if self.scenario else f"year-{self.options.year}"


def run(
    network: Network,
    scenario: AppliedScenario | Scenario | str | Path | None = None,
    options: SolveOptions | None = None,
    *,
    rules: RouteRules | None = None,
) -> Run:
    """Apply ``scenario`` (a shipped name, a YAML file, or one read or applied already), solve
    and extract the results.

    A scenario sets the year and its route rules; ``options`` gives the other settings (and the
    year when there is no scenario); ``rules`` are added to every flow's rules.

    Raises
    ------
    ScenarioError
        If the scenario cannot be read or applied.
    OptionError
        If the year, a country, group or link is not in the dataset.
    SolveError
        If HiGHS fails or the solution fails its checks (unmet demand is an answer, not an
        error).
    """
    held = hold(network, scenario, options, rules=rules)
    results = solve_model(held.network, held.model, held.options)
    return Run(held.network, held.options, results, held.scenario)


@dataclass(frozen=True)
class Held:
    """A network (a scenario applied), its options and its LP held in HiGHS, ready for warm
    re-solves (outages, draws): what :func:`run` solves once."""

    network: Network
    options: SolveOptions
    model: FlowModel
    scenario: AppliedScenario | None = None


def hold(
    network: Network,
    scenario: AppliedScenario | Scenario | str | Path | None = None,
    options: SolveOptions | None = None,
    *,
    rules: RouteRules | None = None,
) -> Held:
    """Apply ``scenario`` and build (or reuse) the LP of the year in a fresh HiGHS instance,
    as :func:`run` does, without solving it."""
    applied = _applied(scenario, network)
    opts = options or SolveOptions()
    if applied is not None:
        network = applied.network
        opts = dataclasses.replace(
            opts,
            year=applied.options.year,
            rules=applied.options.rules,
            commodity_rules=applied.options.commodity_rules,
        )
    if rules is not None:
        opts = dataclasses.replace(opts, rules=opts.rules.merged(rules))
    model = FlowModel(_model(network, opts), method=opts.method, time_limit_s=opts.time_limit_s)
    return Held(network, opts, model, applied)


_MODELS_KEPT = 4  # LPs kept per network (the options solved last)


def _model_key(options: SolveOptions) -> Hashable | None:
    """What the LP of a network depends on in ``options`` (None: values that do not hash)."""
    key = (
        options.year,
        options.rules,
        frozenset(options.commodity_rules.items()),
        frozenset(options.unmet_penalty.items()),
        options.agreement_weight,
        options.market_weight,
        options.distance_cost,
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _model(network: Network, options: SolveOptions) -> LinearProgram:
    """The LP of ``network`` under ``options``, built once per network and options and kept
    read-only (solvers and results only read it; a warm re-solve changes its own copies)."""
    key = _model_key(options)
    if key is None:
        return build_model(network, options)
    return derived_for(
        network, "linear_program", key, lambda n: _read_only(build_model(n, options)), _MODELS_KEPT
    )


def _read_only(lp: LinearProgram) -> LinearProgram:
    """``lp`` with every array made read-only, so that sharing it is safe."""
    arrays = [getattr(lp, f.name) for f in dataclasses.fields(lp)]
    for array in [*arrays, lp.a.data, lp.a.indices, lp.a.indptr]:
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return lp


def _applied(
    scenario: AppliedScenario | Scenario | str | Path | None, network: Network
) -> AppliedScenario | None:
    if scenario is None:
        return None
    from corridor.scenario import AppliedScenario, apply_scenario  # pydantic: only for scenarios

    return scenario if isinstance(scenario, AppliedScenario) else apply_scenario(scenario, network)


def _input_hash(network: Network) -> str:
    """A digest of every table, computed once per network object."""

    def digest(net: Network) -> str:
        sha = hashlib.sha256()
        for name, frame in net.tables.items():
            sha.update(name.encode())
            sha.update(frame.to_csv().encode())
        return sha.hexdigest()[:16]

    return derived(network, "input_hash", digest)


def input_hash(network: Network) -> str:
    """A digest of the network's tables (the same data: the same digest)."""
    return _input_hash(network)


def _rules_dict(rules: RouteRules) -> dict[str, list[str]]:
    """Each rule's values, sorted (the fields of RouteRules are sets of ids)."""
    return {f.name: sorted(getattr(rules, f.name)) for f in dataclasses.fields(rules)}


def _provenance(network: Network, options: SolveOptions) -> dict[str, Any]:
    return {
        "corridor_version": __version__,
        "dataset": str(network.path),
        "input_hash": _input_hash(network),
        "year": options.year,
        "rules": _rules_dict(options.rules),
        "commodity_rules": {c: _rules_dict(r) for c, r in options.commodity_rules.items()},
    }


def checked_solve(model: FlowModel, options: SolveOptions) -> Solution:
    """Solve (or re-solve, warm) a held model and check the solution against its bounds."""
    solution = model.solve()
    check_solution(
        model.lp,
        solution.x,
        col_upper=model.col_upper,
        row_upper=model.row_upper,
        tolerance=options.tolerance,
    )
    return solution


def solve_model(network: Network, model: FlowModel, options: SolveOptions) -> Results:
    """Solve (or re-solve, warm) a held model, check the solution and extract the results."""
    solution = checked_solve(model, options)
    results = extract_results(
        network, model.lp, solution, options, row_upper=model.row_upper, col_upper=model.col_upper
    )
    return dataclasses.replace(results, provenance=_provenance(network, options))


def solve(
    network: Network,
    *,
    year: int | None = None,
    avoid: Iterable[str] = (),
    only_groups: Iterable[str] = (),
    avoid_links: Iterable[str] = (),
    options: SolveOptions | None = None,
) -> Results:
    """Optimise the flows of ``network`` for a year (:func:`run` without a scenario).

    Parameters
    ----------
    network
        A loaded network (:func:`corridor.load`).
    year
        Year modelled (default: ``options.year``).
    avoid
        Countries no flow may cross: ISO codes, English names or group ids, e.g.
        ``["RU", "China"]``.
    only_groups
        Groups whose member and observer countries alone may be crossed, e.g. ``["OTS"]``.
    avoid_links
        Links no flow may use (an outage), e.g. ``["L_CPC"]``.
    options
        Further settings (:class:`SolveOptions`).

    Returns
    -------
    Results
        Flows, utilisation, shadow prices, unmet demand, agreement routes, paths and costs.

    Raises
    ------
    OptionError
        If the year has no supply or demand, or a country, group or link is not in the dataset.
    SolveError
        If HiGHS fails or the solution fails its checks. An infeasible scenario is not an
        error: demand that cannot be met is reported in ``results.unmet``.
    """
    opts = options or SolveOptions()
    if year is not None:
        opts = dataclasses.replace(opts, year=year)
    extra = resolve_rules(network, avoid=avoid, only_groups=only_groups, avoid_links=avoid_links)
    return run(network, options=opts, rules=extra).results


def solve_scenario(applied: AppliedScenario) -> Results:
    """Optimise the flows of an applied scenario (:func:`run` with it)."""
    return run(applied.network, applied).results


def backtest_years(
    network: Network, years: Iterable[int] | None = None, *, label: str = "year"
) -> list[int]:
    """The years to backtest: those given (each checked like ``solve --year`` and required
    to have observations), or every observed year the dataset can solve.

    Raises
    ------
    OptionError
        If a year has no supply or demand, or no observation.
    """
    observed = observation_years(network)
    if years is None:
        return [y for y in observed if _solvable(network, y)]
    chosen = sorted(set(years))
    for year in chosen:
        check_year(network, year, label=label)
        if year not in observed:
            have = ", ".join(map(str, observed)) or "no year"
            raise OptionError(
                [f"{label} {year}: observations.csv has no figure for {year}; it covers {have}"]
            )
    return chosen


def _solvable(network: Network, year: int) -> bool:
    try:
        check_year(network, year)
    except OptionError:
        return False
    return True


def backtest(
    network: Network,
    years: Iterable[int] | None = None,
    options: SolveOptions | None = None,
    *,
    scenario: AppliedScenario | Scenario | str | Path | None = None,
) -> pd.DataFrame:
    """Solve each year through :func:`run` and set every observation of it next to the model's
    value (see :mod:`corridor.results.backtest`; default: every observed year that solves).
    With ``scenario`` (which sets its own year) the scenario's solve is checked instead."""
    applied = _applied(scenario, network)
    if applied is not None:
        label = f"scenario {applied.name}: year"
        backtest_years(applied.network, [applied.options.year], label=label)
        done = run(network, applied, options)
        return compare_observations(done.network, done.results)
    frames = [
        compare_observations(network, run(network, options=_for_year(options, year)).results)
        for year in backtest_years(network, years)
    ]
    if not frames:
        return pd.DataFrame(columns=list(BACKTEST_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def _for_year(options: SolveOptions | None, year: int) -> SolveOptions:
    return dataclasses.replace(options or SolveOptions(), year=year)
