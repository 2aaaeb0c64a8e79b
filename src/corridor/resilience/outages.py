"""Outage criticality: what each single failure (N-1), or a chosen set of them (N-k), costs.

Every outage is a warm re-solve of one held LP (:func:`corridor.pipeline.hold`): the outage's
links lose a share of their capacity (a full outage closes them, also those without a capacity
in the data), the model is solved, and the links get their bounds back. The outages are read
straight from the solution (the results-light path); only the intact solve builds the result
tables. Compared with the
intact solve: delivered volume lost per market and commodity (in its unit), the cost increase
in USD/yr (sourced prices less known tariffs, never a penalty), the agreements that fall short,
and the links that take over.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, canonical_units
from corridor.errors import OptionError
from corridor.formats import quantity_with_unit
from corridor.io.atomic import atomic_write_dir
from corridor.optimize.check import check_solution
from corridor.options import SolveOptions
from corridor.pipeline import Held, hold, solve_model
from corridor.results import Results
from corridor.routing.inputs import unknown_ids

__all__ = [
    "Criticality",
    "Outage",
    "link_outages",
    "node_outages",
    "outage_criticality",
    "write_criticality",
]

#: Changes smaller than this (in a commodity's unit, or USD/yr) are noise of the solver.
TOLERANCE: Final = 1e-6
DAYS_PER_YEAR: Final = 365.0
#: Links named in the ranking as taking over an outage's flow.
TAKEOVER_SHOWN: Final = 3


@dataclass(frozen=True)
class Outage:
    """A failure: ``links`` lose ``cut_percent`` % of their capacity for ``days`` of the year;
    in a full outage ``nodes`` also stop taking and giving volume (their supply, demand and
    market)."""

    name: str
    kind: str  #: "link", "node" (every link touching it) or "set"
    links: tuple[str, ...]
    cut_percent: float = 100.0
    days: float = DAYS_PER_YEAR
    nodes: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The share of a year's capacity lost."""
        return self.cut_percent / 100.0 * min(self.days, DAYS_PER_YEAR) / DAYS_PER_YEAR

    @property
    def full(self) -> bool:
        return math.isclose(self.share, 1.0)


@dataclass(frozen=True)
class Criticality:
    """What each outage of a year costs, against the intact solve.

    Attributes
    ----------
    ranking
        One row per outage, most costly first: ``cost_increase`` (USD/yr, with ``cost_unit``),
        what is lost, the agreements that fall short and the links that take over, in words.
    lost
        Delivered volume lost per outage and commodity (``lost``, ``unit``).
    markets
        Delivered volume before and after per outage, market node and commodity.
    takeover
        Links whose flow rises, per outage and commodity (``gain``, ``unit``).
    agreements
        Agreements delivering less, per outage (``lost``, ``unit``).
    """

    year: int
    ranking: pd.DataFrame
    lost: pd.DataFrame
    markets: pd.DataFrame
    takeover: pd.DataFrame
    agreements: pd.DataFrame

    def most_stranded(self, commodity: str) -> pd.Series:
        """The outage that loses most of ``commodity`` (its row of :attr:`lost`)."""
        rows = self.lost[self.lost["commodity"] == commodity]
        if rows.empty:
            raise OptionError([f"no outage loses any {commodity}"])
        return rows.sort_values("lost", ascending=False).iloc[0]


def _checked_share(cut_percent: float, days: float) -> None:
    problems = []
    if not 0 < cut_percent <= 100:
        problems.append(f"--cut: {cut_percent:g} is not a percentage in (0, 100]")
    if not 0 < days <= DAYS_PER_YEAR:
        problems.append(f"--days: {days:g} is not a number of days in (0, 365]")
    if problems:
        raise OptionError(problems)


def link_outages(
    network: Network,
    links: Iterable[str] | None = None,
    *,
    cut_percent: float = 100.0,
    days: float = DAYS_PER_YEAR,
) -> list[Outage]:
    """One outage per link (when ``links`` is None: every link of the dataset, or for a
    partial outage every link with a capacity, since only those can lose part of one)."""
    _checked_share(cut_percent, days)
    if links is None:
        partial = not math.isclose(cut_percent / 100 * days / DAYS_PER_YEAR, 1.0)
        capped = network.links["capacity"].notna()
        chosen = list(network.links.index[capped] if partial else network.links.index)
    else:
        chosen = list(links)
    bad = unknown_ids(chosen, network.links.index, "link", "--links")
    if bad:
        raise OptionError(bad)
    return [Outage(link, "link", (link,), cut_percent, days) for link in chosen]


#: The kinds of node whose failure is studied by default: the infrastructure between
#: supplies and markets (a field, market or city fails only when named).
INFRASTRUCTURE: Final = ("terminal", "port", "junction", "border_crossing", "refinery", "storage")


def node_outages(
    network: Network,
    nodes: Iterable[str] | None = None,
    *,
    cut_percent: float = 100.0,
    days: float = DAYS_PER_YEAR,
) -> list[Outage]:
    """One outage per node: every link that starts or ends there fails at once (by default
    every terminal, port, junction, border crossing, refinery and storage)."""
    _checked_share(cut_percent, days)
    infrastructure = network.nodes.index[network.nodes["kind"].isin(INFRASTRUCTURE)]
    chosen = list(infrastructure) if nodes is None else list(nodes)
    bad = unknown_ids(chosen, network.nodes.index, "node", "--nodes")
    if bad:
        raise OptionError(bad)
    ends = network.links[["from_node", "to_node"]]
    outages = []
    for node in chosen:
        touching = ends.index[(ends["from_node"] == node) | (ends["to_node"] == node)]
        if len(touching):
            outages.append(Outage(node, "node", tuple(touching), cut_percent, days, (node,)))
    return outages


# --------------------------------------------------------------------------- one solve's view


@dataclass(frozen=True)
class _View:
    """What an outage is compared on: deliveries, flows, agreements and cost of one solve."""

    delivered: pd.Series  # (node_id, commodity) -> volume
    flows: pd.Series  # (link_id, commodity) -> volume
    agreements: pd.Series  # agreement_id -> delivered
    units: dict[str, str]  # commodity -> unit
    cost: float  # USD/yr (the value stage's objective)

    @classmethod
    def of(cls, results: Results, units: dict[str, str]) -> _View:
        """The view of a solve's result tables (``units``: each commodity's canonical unit)."""
        served = pd.concat([results.unmet, results.markets], ignore_index=True)
        delivered = served.groupby(["node_id", "commodity"])["delivered"].sum()
        flows = results.flows.groupby(["link_id", "commodity"])["flow"].sum()
        agreements = results.agreements.set_index("agreement_id")["delivered"]
        return cls(delivered, flows, agreements, units, float(results.objective))


def _light_view(held: Held, units: dict[str, str]) -> _View:
    """Solve the held model and read what an outage is compared on straight from the solution
    (no result tables: deliveries, flows per link, agreement volumes and the USD objective)."""
    model, lp = held.model, held.model.lp
    solution = model.solve()
    check_solution(
        lp,
        solution.x,
        col_upper=model.col_upper,
        row_upper=model.row_upper,
        tolerance=held.options.tolerance,
    )
    x = np.where(np.abs(solution.x) < 1e-9, 0.0, solution.x)
    commodity = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity]
    served = np.isin(lp.col_block, ("d", "m"))
    node = np.asarray(lp.net.nodes, dtype=object)[lp.col_node[served]]
    delivered = pd.Series(x[served]).groupby([node, commodity[served]]).sum()
    delivered.index.names = ["node_id", "commodity"]
    flowing = lp.col_block == "x"
    link = lp.net.link_ids[lp.arc_link[lp.col_arc[flowing]]]
    flows = pd.Series(x[flowing]).groupby([link, commodity[flowing]]).sum()
    flows.index.names = ["link_id", "commodity"]
    volume = np.flatnonzero(lp.col_block == "v")
    names = [lp.layer_list[int(j)].agreement_id for j in lp.col_layer[volume]]
    agreements = pd.Series(x[volume], index=names, dtype=float)
    return _View(delivered, flows, agreements, units, float(solution.objective))


def _drop(before: pd.Series, after: pd.Series) -> pd.Series:
    """``before - after`` over the union of their keys (missing counts as 0)."""
    both = pd.concat([before, after], axis=1, keys=["before", "after"]).fillna(0.0)
    return both["before"] - both["after"]


def _apply(held: Held, outage: Outage) -> None:
    """Cut the outage's links in the held model (a full outage closes them)."""
    capped = held.network.links["capacity"].notna()
    for link in outage.links:
        if not outage.full and not capped.get(link, False):
            raise OptionError(
                [
                    f"{outage.name}: link {link} has no capacity in the data, so only a full "
                    "outage (--cut 100 --days 365) can be studied"
                ]
            )
        held.model.cut_link(link, 1.0 if outage.full else outage.share)
    if outage.full:
        for node in outage.nodes:
            held.model.close_node(node)


def _restore(held: Held, outage: Outage) -> None:
    for link in outage.links:
        held.model.reset_link(link)
    for node in outage.nodes:
        held.model.reset_node(node)


# --------------------------------------------------------------------------- the comparison


def _words(values: pd.Series, units: dict[str, str], sign: str = "") -> str:
    """``L_A +4.79 Mt/yr; L_B +1 bcm/yr`` from an (id, commodity) -> amount series, or
    ``crude_oil 27.9 Mt/yr`` from a commodity -> amount one."""
    parts = []
    for key, amount in values.items():
        name, commodity = key if isinstance(key, tuple) else (key, key)
        parts.append(f"{name} {sign}{quantity_with_unit(float(amount), units[commodity])}")
    return "; ".join(parts)


def _compare(
    outage: Outage, intact: _View, hit: _View, links_of: Sequence[str], agreement_units: pd.Series
) -> tuple[dict[str, object], list[pd.DataFrame]]:
    """The ranking row of ``outage`` and its rows of the detail tables."""
    market_drop = _drop(intact.delivered, hit.delivered)
    market_drop = market_drop[market_drop.abs() > TOLERANCE]
    lost = market_drop.groupby(level="commodity").sum()
    lost = lost[lost > TOLERANCE]
    gain = -_drop(intact.flows, hit.flows)
    gain = gain[(gain > TOLERANCE) & ~gain.index.get_level_values(0).isin(links_of)]
    gain = gain.sort_values(ascending=False)
    short = _drop(intact.agreements, hit.agreements)
    short = short[short > TOLERANCE]
    row = {
        "outage": outage.name,
        "kind": outage.kind,
        "links": ";".join(outage.links),
        "cut_percent": outage.cut_percent,
        "days": outage.days,
        "cost_increase": hit.cost - intact.cost,
        "cost_unit": "USD/yr",
        "lost": _words(lost, intact.units),
        "agreements_short": "; ".join(
            f"{a} -{quantity_with_unit(float(v), str(agreement_units.get(a, '')))}"
            for a, v in short.items()
        ),
        "takes_over": _words(gain.head(TAKEOVER_SHOWN), hit.units, "+"),
    }
    details = [
        pd.DataFrame(
            {
                "outage": outage.name,
                "commodity": lost.index,
                "lost": lost.to_numpy(),
                "unit": [intact.units[c] for c in lost.index],
            }
        ),
        pd.DataFrame(
            {
                "outage": outage.name,
                "node_id": market_drop.index.get_level_values(0),
                "commodity": market_drop.index.get_level_values(1),
                "lost": market_drop.to_numpy(),
                "unit": [intact.units[c] for c in market_drop.index.get_level_values(1)],
            }
        ),
        pd.DataFrame(
            {
                "outage": outage.name,
                "link_id": gain.index.get_level_values(0),
                "commodity": gain.index.get_level_values(1),
                "gain": gain.to_numpy(),
                "unit": [hit.units[c] for c in gain.index.get_level_values(1)],
            }
        ),
        pd.DataFrame(
            {
                "outage": outage.name,
                "agreement_id": short.index,
                "lost": short.to_numpy(),
                "unit": [agreement_units.get(a, "") for a in short.index],
            }
        ),
    ]
    return row, details


def outage_criticality(
    network: Network,
    scenario: object = None,
    options: SolveOptions | None = None,
    *,
    outages: Sequence[Outage] | None = None,
) -> Criticality:
    """Solve the year once intact and once per outage (warm), and rank the outages by the cost
    they add (default: every link and every infrastructure node, each out for the whole year).

    Raises
    ------
    OptionError
        If an outage names a link or node the dataset lacks, or cuts part of a link that has
        no capacity in the data.
    """
    held = hold(network, scenario, options)  # type: ignore[arg-type]
    chosen = (
        list(outages)
        if outages is not None
        else [
            *link_outages(held.network),
            *node_outages(held.network),
        ]
    )
    bad = unknown_ids(
        sorted({link for o in chosen for link in o.links}),
        held.network.links.index,
        "link",
        "outage",
    )
    if bad:
        raise OptionError(bad)
    base = solve_model(held.network, held.model, held.options)
    intact = _View.of(base, canonical_units(held.network.commodities))
    agreement_units = base.agreements.set_index("agreement_id")["unit"]
    rows: list[dict[str, object]] = []
    details: list[list[pd.DataFrame]] = [[], [], [], []]
    for outage in chosen:
        try:
            _apply(held, outage)
            hit = _light_view(held, intact.units)
        finally:
            _restore(held, outage)
        row, parts = _compare(outage, intact, hit, outage.links, agreement_units)
        rows.append(row)
        for store, part in zip(details, parts, strict=True):
            store.append(part)
    ranking = pd.DataFrame(rows)
    if not ranking.empty:
        ranking = ranking.sort_values(["cost_increase", "outage"], ascending=[False, True])
        ranking = ranking.reset_index(drop=True)
        ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    tables = [pd.concat(parts, ignore_index=True) if parts else pd.DataFrame() for parts in details]
    return Criticality(base.year, ranking, *tables)


def write_criticality(criticality: Criticality, folder: Path | str) -> Path:
    """Write the tables as CSV and Parquet into ``folder``, swapped in whole."""
    target = Path(folder)

    def write(tmp: Path) -> None:
        for name in ("ranking", "lost", "markets", "takeover", "agreements"):
            frame: pd.DataFrame = getattr(criticality, name)
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)

    atomic_write_dir(target, write, option="--out")
    return target
