"""Outage criticality: what each single failure (N-1), or a chosen set of them (N-k), costs.

Every outage is a warm re-solve of one held LP (:func:`corridor.pipeline.hold`): the outage's
links lose a share of their capacity (a full outage closes them, also those without a capacity
in the data), the model is solved, and the links get their bounds back. The intact solve and the
outages are read straight from the solution (the results-light path: deliveries, flows per
link, agreement volumes and the USD objective as vectors), never through the result tables.
Compared with the intact solve: delivered volume lost per market and commodity (in its unit),
the cost increase in USD/yr (sourced prices less known tariffs, never a penalty), the
agreements that fall short, and the links that take over.
"""

from __future__ import annotations

import dataclasses
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
from corridor.options import SolveOptions
from corridor.pipeline import Held, checked_solve, hold
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
        return _share(self.cut_percent, self.days)

    @property
    def full(self) -> bool:
        return not _partial(self.cut_percent, self.days)


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
        """The outage that loses most of ``commodity`` (its row of :attr:`lost`; a tie goes
        to the first by name)."""
        rows = self.lost[self.lost["commodity"] == commodity]
        if rows.empty:
            raise OptionError([f"no outage loses any {commodity}"])
        return rows.sort_values(["lost", "outage"], ascending=[False, True]).iloc[0]


def _share(cut_percent: float, days: float) -> float:
    """The share of a year's capacity an outage of ``cut_percent`` % for ``days`` days takes."""
    return cut_percent / 100.0 * min(days, DAYS_PER_YEAR) / DAYS_PER_YEAR


def _partial(cut_percent: float, days: float) -> bool:
    return not math.isclose(_share(cut_percent, days), 1.0)


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
        capped = network.links["capacity"].notna()
        partial = _partial(cut_percent, days)
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
    every terminal, port, junction, border crossing, refinery and storage); in a partial
    outage only the links with a capacity lose their share."""
    _checked_share(cut_percent, days)
    infrastructure = network.nodes.index[network.nodes["kind"].isin(INFRASTRUCTURE)]
    chosen = list(infrastructure) if nodes is None else list(nodes)
    bad = unknown_ids(chosen, network.nodes.index, "node", "--nodes")
    if bad:
        raise OptionError(bad)
    partial = _partial(cut_percent, days)
    ends = network.links[["from_node", "to_node"]]
    if partial:  # only links with a capacity can lose part of it
        ends = ends[network.links["capacity"].notna()]
    outages, bare = [], []
    for node in chosen:
        touching = ends.index[(ends["from_node"] == node) | (ends["to_node"] == node)]
        if len(touching):
            outages.append(Outage(node, "node", tuple(touching), cut_percent, days, (node,)))
        else:
            bare.append(node)
    if nodes is not None and bare and partial:
        raise OptionError(
            [f"--nodes: no link with a capacity touches {n}, so it cannot lose part" for n in bare]
        )
    return outages


# --------------------------------------------------------------------------- one solve's view


@dataclass(frozen=True)
class _Keys:
    """What the columns of a held model add up to, found once: deliveries per (market node,
    commodity), flow per (link, commodity) and each agreement's volume."""

    served: np.ndarray  # columns of deliveries (demand served, world markets)
    served_at: np.ndarray  # the key of each: its position in ``markets``
    markets: list[tuple[str, str]]  # (node_id, commodity)
    flowing: np.ndarray  # flow columns
    flowing_on: np.ndarray  # the key of each: its position in ``links``
    links: list[tuple[str, str]]  # (link_id, commodity)
    volumes: np.ndarray  # agreement volume columns
    agreements: list[str]
    agreement_units: list[str]
    units: dict[str, str]  # commodity -> canonical unit

    @classmethod
    def of(cls, held: Held) -> _Keys:
        lp = held.model.lp
        commodity = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity]
        served = np.flatnonzero(np.isin(lp.col_block, ("d", "m")))
        node = np.asarray(lp.net.nodes, dtype=object)[lp.col_node[served]]
        markets, served_at = _keyed(node, commodity[served])
        flowing = np.flatnonzero(lp.col_block == "x")
        link = lp.net.link_ids[lp.arc_link[lp.col_arc[flowing]]]
        links, flowing_on = _keyed(link, commodity[flowing])
        volumes = np.flatnonzero(lp.col_block == "v")
        layers = [lp.layer_list[int(j)] for j in lp.col_layer[volumes]]
        units = canonical_units(held.network.commodities)
        return cls(
            served, served_at, markets, flowing, flowing_on, links, volumes,
            [str(x.agreement_id) for x in layers], [units[x.commodity] for x in layers], units,
        )  # fmt: skip


def _keyed(ids: np.ndarray, commodities: np.ndarray) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The distinct (id, commodity) pairs and each row's position among them."""
    pairs = pd.MultiIndex.from_arrays([ids.astype(str), commodities.astype(str)])
    codes, unique = pd.factorize(pairs)
    return list(unique), np.asarray(codes)


@dataclass(frozen=True)
class _View:
    """What an outage is compared on, as vectors on :class:`_Keys`: deliveries, flows,
    agreement volumes and the cost (USD/yr: the value stage's objective)."""

    delivered: np.ndarray
    flows: np.ndarray
    agreements: np.ndarray
    cost: float

    @classmethod
    def of(cls, keys: _Keys, x: np.ndarray, cost: float) -> _View:
        """The view of a solution ``x``."""
        x = np.where(np.abs(x) < 1e-9, 0.0, x)
        return cls(
            np.bincount(keys.served_at, weights=x[keys.served], minlength=len(keys.markets)),
            np.bincount(keys.flowing_on, weights=x[keys.flowing], minlength=len(keys.links)),
            x[keys.volumes],
            cost,
        )


def _light_view(held: Held, keys: _Keys) -> _View:
    """Solve the held model (warm) and read the outage's view straight from the solution,
    checked like every solve (no result tables)."""
    solution = checked_solve(held.model, held.options)
    return _View.of(keys, solution.x, float(solution.objective))


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


def _words(parts: list[tuple[str, float, str]], sign: str = "") -> str:
    """``L_A +4.79 Mt/yr; L_B +1 bcm/yr`` from (name, amount, unit) triples."""
    return "; ".join(
        f"{name} {sign}{quantity_with_unit(amount, unit)}" for name, amount, unit in parts
    )


@dataclass
class _Details:
    """The rows of the detail tables, gathered outage by outage."""

    lost: list[tuple[str, str, float, str]]
    markets: list[tuple[str, str, str, float, str]]
    takeover: list[tuple[str, str, str, float, str]]
    agreements: list[tuple[str, str, float, str]]

    def frames(self) -> list[pd.DataFrame]:
        columns = (
            ["outage", "commodity", "lost", "unit"],
            ["outage", "node_id", "commodity", "lost", "unit"],
            ["outage", "link_id", "commodity", "gain", "unit"],
            ["outage", "agreement_id", "lost", "unit"],
        )
        rows = (self.lost, self.markets, self.takeover, self.agreements)
        return [pd.DataFrame(r, columns=c) for r, c in zip(rows, columns, strict=True)]


def _compare(
    outage: Outage, keys: _Keys, intact: _View, hit: _View, details: _Details
) -> dict[str, object]:
    """The ranking row of ``outage``; its detail rows go into ``details``."""
    name, units = outage.name, keys.units
    drop = intact.delivered - hit.delivered
    moved = np.flatnonzero(np.abs(drop) > TOLERANCE)
    by_commodity: dict[str, float] = {}
    for i in moved:
        node, commodity = keys.markets[i]
        details.markets.append((name, node, commodity, float(drop[i]), units[commodity]))
        by_commodity[commodity] = by_commodity.get(commodity, 0.0) + float(drop[i])
    lost = [(c, v, units[c]) for c, v in sorted(by_commodity.items()) if v > TOLERANCE]
    details.lost += [(name, c, v, u) for c, v, u in lost]
    gain = hit.flows - intact.flows
    own = set(outage.links)
    rising = [i for i in np.argsort(-gain) if gain[i] > TOLERANCE and keys.links[i][0] not in own]
    takeover = [(keys.links[i][0], float(gain[i]), units[keys.links[i][1]]) for i in rising]
    details.takeover += [
        (name, keys.links[i][0], keys.links[i][1], float(gain[i]), units[keys.links[i][1]])
        for i in rising
    ]
    short = intact.agreements - hit.agreements
    falling = np.flatnonzero(short > TOLERANCE)
    agreements = [(keys.agreements[i], float(short[i]), keys.agreement_units[i]) for i in falling]
    details.agreements += [(name, a, v, u) for a, v, u in agreements]
    return {
        "outage": name,
        "kind": outage.kind,
        "links": ";".join(outage.links),
        "cut_percent": outage.cut_percent,
        "days": outage.days,
        "cost_increase": hit.cost - intact.cost,
        "cost_unit": "USD/yr",
        "lost": _words(lost),
        "agreements_short": _words(agreements, "-"),
        "takes_over": _words(takeover[:TAKEOVER_SHOWN], "+"),
    }


def _when(link: pd.Series) -> str:
    """A link's status and years in words: ``status proposed``, ``status operating, 2025-``."""
    start, end = link.get("start_year"), link.get("end_year")
    years = f"{'' if pd.isna(start) else int(start)}-{'' if pd.isna(end) else int(end)}"
    return f"status {link['status']}" + ("" if years == "-" else f", {years}")


def _running(held: Held, outages: Sequence[Outage], named: bool) -> list[Outage]:
    """The outages with the links that run in the year (a node or set keeps those of its links;
    ``named`` outages of links that do not run, or of nodes with none, are errors)."""
    year, links = held.options.year, held.network.links
    kept, problems = [], []
    for outage in outages:
        active = tuple(link for link in outage.links if held.model.has_link(link))
        if active:
            kept.append(dataclasses.replace(outage, links=active))
        elif named and outage.kind == "link":
            problems.append(
                f"{outage.name} does not run in {year} ({_when(links.loc[outage.links[0]])}): "
                "its outage changes nothing"
            )
        elif named:
            problems.append(f"{outage.name}: none of its links runs in {year}")
    if problems:
        raise OptionError(problems)
    if not kept:
        raise OptionError([f"no outage to study in {year}"])
    return kept


def outage_criticality(
    network: Network,
    scenario: object = None,
    options: SolveOptions | None = None,
    *,
    outages: Sequence[Outage] | None = None,
    cut_percent: float = 100.0,
    days: float = DAYS_PER_YEAR,
) -> Criticality:
    """Solve the year once intact and once per outage (warm), and rank the outages by the cost
    they add. Without ``outages``: every link that runs in the year and every infrastructure
    node, each losing ``cut_percent`` % of its capacity for ``days`` days.

    Raises
    ------
    OptionError
        If an outage names a link or node the dataset lacks or that does not run in the year,
        or cuts part of a link that has no capacity in the data.
    """
    held = hold(network, scenario, options)  # type: ignore[arg-type]
    if outages is None:
        every = [
            *link_outages(held.network, cut_percent=cut_percent, days=days),
            *node_outages(held.network, cut_percent=cut_percent, days=days),
        ]
    else:
        every = list(outages)
    bad = unknown_ids(
        sorted({link for o in every for link in o.links}),
        held.network.links.index,
        "link",
        "outage",
    )
    if bad:
        raise OptionError(bad)
    chosen = _running(held, every, named=outages is not None)
    keys = _Keys.of(held)
    intact = _light_view(held, keys)
    rows: list[dict[str, object]] = []
    details = _Details([], [], [], [])
    for outage in chosen:
        try:
            _apply(held, outage)
            hit = _light_view(held, keys)
        finally:
            _restore(held, outage)
        rows.append(_compare(outage, keys, intact, hit, details))
    ranking = pd.DataFrame(rows)
    if not ranking.empty:
        ranking = ranking.sort_values(["cost_increase", "outage"], ascending=[False, True])
        ranking = ranking.reset_index(drop=True)
        ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    return Criticality(held.options.year, ranking, *details.frames())


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
