"""The flow engine: build the multi-commodity LP, solve it with HiGHS, extract results."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from corridor.network import Network
from corridor.optimize.build import LinearProgram, build_model
from corridor.optimize.check import check_solution
from corridor.optimize.inputs import resolve_rules
from corridor.optimize.options import RouteRules, SolveOptions
from corridor.optimize.results import PerNetwork, Results, extract_results
from corridor.optimize.solve import FlowModel, SolveError
from corridor.version import __version__

__all__ = [
    "FlowModel",
    "LinearProgram",
    "Results",
    "RouteRules",
    "SolveError",
    "SolveOptions",
    "build_model",
    "solve",
    "solve_model",
]


def _hash_tables(network: Network) -> str:
    """The SHA-256 of the network's tables as CSV (16 hex digits)."""
    digest = hashlib.sha256()
    for name, frame in network.tables.items():
        digest.update(name.encode())
        digest.update(frame.to_csv().encode())
    return digest.hexdigest()[:16]


#: The input hash of a network, computed on its first solve (writing every table as CSV takes
#: longer than a solve of the shipped network) and kept for every later one.
_input_hash = PerNetwork(_hash_tables)


def _rules_dict(rules: RouteRules) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in dataclasses.asdict(rules).items()}


def solve_model(network: Network, model: FlowModel, options: SolveOptions) -> Results:
    """Solve (or re-solve) a held model, check the solution and extract results."""
    solution = model.solve()
    check_solution(
        model.lp,
        solution.x,
        col_upper=model.col_upper,
        row_upper=model.row_upper,
        tolerance=options.tolerance,
    )
    results = extract_results(
        network, model.lp, solution, options, row_upper=model.row_upper, col_upper=model.col_upper
    )
    return dataclasses.replace(
        results,
        provenance={
            "corridor_version": __version__,
            "dataset": str(network.path),
            "input_hash": _input_hash(network),
            "year": options.year,
            "rules": _rules_dict(options.rules),
            "commodity_rules": {c: _rules_dict(r) for c, r in options.commodity_rules.items()},
        },
    )


def solve(
    network: Network,
    *,
    year: int | None = None,
    avoid: Iterable[str] = (),
    only_groups: Iterable[str] = (),
    avoid_links: Iterable[str] = (),
    options: SolveOptions | None = None,
) -> Results:
    """Optimise the flows of ``network`` for a year.

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
    extra = resolve_rules(network, avoid=avoid, only_groups=only_groups, avoid_links=avoid_links)
    opts = dataclasses.replace(
        opts, year=year if year is not None else opts.year, rules=opts.rules.merged(extra)
    )
    lp = build_model(network, opts)
    model = FlowModel(lp, method=opts.method, time_limit_s=opts.time_limit_s)
    return solve_model(network, model, opts)
