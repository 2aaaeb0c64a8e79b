"""What a Monte Carlo draw varies, read from the data, and how one draw is made.

Three things vary from draw to draw, each from the dataset:

- **Figures whose sources disagree**: a capacity, supply or demand whose provenance row has a
  ``low``-``high`` range of kind ``uncertain`` is drawn from the triangular distribution on that
  range with its default as the mode. A range of kind ``alternatives`` (another basis, a plan,
  an option) is never drawn. Capacities with the same sourced range (the same default, range
  and sources: the sections of one pipeline, such as TAP's three) are drawn together.
- **Outages**: a link of outages.csv fails, on average, as often a year as it failed in the
  years the table records (a Poisson number of outages per draw); each outage is one of the
  link's recorded ones, its days and cut drawn within their sourced ranges. An annual model
  sees an outage as the share of the year's capacity it takes (cut x days / 365); a link
  without a capacity can only be closed for the whole year.
- **Projects due by the year** (links not yet operating that the year includes) run with the
  probability ``arrival`` (1: as the data says).

:func:`draw_bounds` turns a draw's random numbers into the held model's bounds; the random
numbers of draw ``i`` come from ``numpy.random.default_rng([seed, i])`` alone, so any draw can
be made again, in any order, on any worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, canonical_units
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.routing.compiled import FUTURE_STATUSES
from corridor.schema.vocabulary import OUTAGE_RECORD_YEARS

__all__ = ["DrawBounds", "Ranges", "Risks", "draw_bounds", "risks_of"]

DAYS_PER_YEAR: Final = 365.0


@dataclass(frozen=True)
class Ranges:
    """Triangular distributions on [low, high] with mode ``mode`` (low == high: fixed)."""

    low: np.ndarray
    mode: np.ndarray
    high: np.ndarray

    @classmethod
    def fixed(cls, values: np.ndarray) -> Ranges:
        values = np.asarray(values, dtype=float)
        return cls(values, values, values)

    def at(self, u: np.ndarray) -> np.ndarray:
        """The values at cumulative probabilities ``u`` (inverse of the triangular CDF)."""
        a, c, b = self.low, self.mode, self.high
        width = b - a
        split = np.divide(c - a, width, out=np.zeros_like(width), where=width > 0)
        rising = a + np.sqrt(np.clip(u * width * (c - a), 0.0, None))
        falling = b - np.sqrt(np.clip((1.0 - u) * width * (b - c), 0.0, None))
        return np.where(width > 0, np.where(u < split, rising, falling), c)

    @property
    def drawn(self) -> int:
        """How many of the figures vary."""
        return int(np.count_nonzero(self.high > self.low))


@dataclass(frozen=True)
class Risks:
    """What varies in one year's held LP, as arrays on its rows and columns.

    Links are those running in the year (``links``); ``capacity`` is each one's capacity as a
    factor of its default; ``rate`` its outages a year; ``events`` the recorded outages
    (``event_link``: whose, ``event_days`` and ``event_cut``: their ranges). Capacity rows
    ``cap_rows`` belong to ``cap_link``; the flow columns of links without a capacity
    (``flow_cols`` of ``flow_link``) can only be closed. ``bound_cols`` are the supply and
    demand columns, with the drawn rows ``terms`` adding to them (``term_col``: which one,
    ``term_scale``: canonical units per unit of the row).
    """

    year: int
    links: tuple[str, ...]
    capacity: Ranges
    capacity_group: np.ndarray  # links drawn together share a group
    rate: np.ndarray
    event_link: np.ndarray
    event_days: Ranges
    event_cut: Ranges
    projects: np.ndarray
    arrival: float
    cap_rows: np.ndarray
    cap_link: np.ndarray
    cap_default: np.ndarray
    flow_cols: np.ndarray
    flow_link: np.ndarray
    flow_default: np.ndarray
    bound_cols: np.ndarray
    bound_default: np.ndarray
    terms: Ranges
    term_col: np.ndarray
    term_scale: np.ndarray
    demand: np.ndarray  # positions in bound_cols of the demand columns
    markets: tuple[tuple[str, str, str], ...]  # (node_id, commodity, unit) of each

    @property
    def drawn(self) -> dict[str, int]:
        """How many figures each kind of draw varies (for the run's summary)."""
        return {
            "capacities": self.capacity.drawn,
            "supply_and_demand_rows": self.terms.drawn,
            "links_that_fail": int(np.count_nonzero(self.rate > 0)),
            "projects": int(np.count_nonzero(self.projects)) if self.arrival < 1 else 0,
        }


@dataclass(frozen=True)
class DrawBounds:
    """One draw: the bounds to set, and what it did to each link (``lost``: share of the
    year's capacity its outages took; ``closed``: shut for the year, by an outage or a
    project that did not arrive)."""

    row_upper: np.ndarray
    col_upper: np.ndarray
    lost: np.ndarray
    closed: np.ndarray


def _uncertain(network: Network, table: str, column: str) -> pd.DataFrame:
    """The provenance rows of ``table.column`` whose range is an uncertainty, by row id."""
    prov = network.provenance
    kind = prov["range_kind"].astype("string")
    rows = prov[(prov["table"] == table) & (prov["column"] == column) & (kind == "uncertain")]
    return rows.set_index("row_id")[["value", "low", "high"]].astype(float)


def _groups(network: Network, links: pd.Index) -> np.ndarray:
    """A group per link: links whose capacity has the same sourced range share one."""
    prov = network.provenance
    rows = prov[(prov["table"] == "links") & (prov["column"] == "capacity")]
    rows = rows[rows["range_kind"].astype("string") == "uncertain"].set_index("row_id")
    keys: dict[object, int] = {}
    groups = []
    for link in links:
        if link in rows.index:
            r = rows.loc[link]
            key: object = (r["value"], r["low"], r["high"], tuple(r["source_ids"]))
        else:
            key = link
        groups.append(keys.setdefault(key, len(keys)))
    return np.array(groups, dtype=np.int64)


def _ranged(defaults: pd.Series, uncertain: pd.DataFrame) -> Ranges:
    """Ranges of ``defaults`` (by id), drawn where ``uncertain`` has a row for the id."""
    mode = defaults.to_numpy(dtype=float)
    found = uncertain.reindex(defaults.index)
    low = found["low"].fillna(found["value"]).fillna(defaults).to_numpy(dtype=float)
    high = found["high"].fillna(found["value"]).fillna(defaults).to_numpy(dtype=float)
    return Ranges(np.minimum(low, mode), mode, np.maximum(high, mode))


def _link_part(network: Network, lp: LinearProgram) -> dict[str, Any]:
    """The links running in the year: capacity factors, capacity rows, closable columns."""
    link_ids = lp.net.link_ids
    running = np.unique(lp.arc_link)
    links = tuple(str(x) for x in link_ids[running])
    position = {link: i for i, link in enumerate(links)}
    table = network.links.loc[list(links)]
    capacity = table["capacity"].astype(float)
    ranges = _ranged(capacity.fillna(1.0), _uncertain(network, "links", "capacity"))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = Ranges(
            *(
                np.where(ranges.mode > 0, r / ranges.mode, 1.0)
                for r in (ranges.low, ranges.mode, ranges.high)
            )
        )
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_link = np.array([position[str(x)] for x in link_ids[lp.arc_link[lp.row_arc[cap_rows]]]])
    uncapped = capacity.isna().to_numpy()
    x_cols = np.flatnonzero(lp.col_block == "x")
    x_link = np.array([position[str(x)] for x in link_ids[lp.arc_link[lp.col_arc[x_cols]]]])
    closable = uncapped[x_link] if len(x_link) else np.zeros(0, bool)
    status = table["status"].astype("string").fillna("")
    return {
        "links": links,
        "capacity": factor,
        "capacity_group": _groups(network, table.index),
        "projects": status.isin(FUTURE_STATUSES).to_numpy(dtype=bool),
        "cap_rows": cap_rows.astype(np.int32),
        "cap_link": cap_link.astype(np.int64),
        "cap_default": np.asarray(lp.row_upper[cap_rows], dtype=float),
        "flow_cols": x_cols[closable].astype(np.int32),
        "flow_link": x_link[closable].astype(np.int64),
        "flow_default": np.asarray(lp.col_upper[x_cols[closable]], dtype=float),
    }


def _outage_part(network: Network, links: tuple[str, ...]) -> dict[str, Any]:
    """Each running link's outage rate and its recorded outages (days and cut ranges)."""
    out = network.outages
    position = {link: i for i, link in enumerate(links)}
    own = out[out["link_id"].astype("string").isin(list(position))]
    years = OUTAGE_RECORD_YEARS[1] - OUTAGE_RECORD_YEARS[0] + 1
    rate = np.zeros(len(links))
    event_link = np.array([position[str(x)] for x in own["link_id"]], dtype=np.int64)
    np.add.at(rate, event_link, 1.0 / years)
    return {
        "rate": rate,
        "event_link": event_link,
        "event_days": _ranged(own["days"].astype(float), _uncertain(network, "outages", "days")),
        "event_cut": _ranged(
            own["cut_percent"].astype(float), _uncertain(network, "outages", "cut_percent")
        ),
    }


def _rows_of(network: Network, lp: LinearProgram, table: str, block: str) -> pd.DataFrame:
    """The year's rows of supply or demand, with the position of their column in the LP."""
    rows = network.tables[table]
    rows = rows[rows["year"] == lp.year]
    cols = np.flatnonzero(lp.col_block == block)
    nodes = np.asarray(lp.net.nodes, dtype=object)[lp.col_node[cols]]
    commodities = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity[cols]]
    where = {(str(n), str(c)): int(j) for n, c, j in zip(nodes, commodities, cols, strict=True)}
    column = [
        where.get((str(n), str(c)), -1)
        for n, c in zip(rows["node_id"], rows["commodity"], strict=True)
    ]
    return rows.assign(col=column)[lambda f: f["col"] >= 0]


def _bound_part(network: Network, lp: LinearProgram) -> dict[str, Any]:
    """Supply and demand columns, and the drawn rows that add to them."""
    bound_cols = np.flatnonzero(np.isin(lp.col_block, ("s", "d")))
    place = {int(j): i for i, j in enumerate(bound_cols)}
    terms, cols, scales = [], [], []
    for table, block in (("supply", "s"), ("demand", "d")):
        rows = _rows_of(network, lp, table, block)
        value = rows["value"].astype(float)
        ranges = _ranged(value, _uncertain(network, table, "value"))
        drawn = ranges.high > ranges.low
        terms.append(Ranges(ranges.low[drawn], ranges.mode[drawn], ranges.high[drawn]))
        cols.append(np.array([place[int(j)] for j in rows["col"][drawn]], dtype=np.int64))
        canonical = rows["value_canonical"].astype(float).to_numpy()[drawn]
        given = value.to_numpy()[drawn]
        scales.append(np.divide(canonical, given, out=np.ones_like(given), where=given != 0))
    d_cols = np.flatnonzero(lp.col_block[bound_cols] == "d")
    units = canonical_units(network.commodities)
    markets = tuple(
        (
            str(lp.net.nodes[lp.col_node[bound_cols[i]]]),
            str(lp.net.commodities[lp.col_commodity[bound_cols[i]]]),
            units[str(lp.net.commodities[lp.col_commodity[bound_cols[i]]])],
        )
        for i in d_cols
    )
    return {
        "bound_cols": bound_cols.astype(np.int32),
        "bound_default": np.asarray(lp.col_upper[bound_cols], dtype=float),
        "terms": Ranges(
            *(np.concatenate([getattr(t, f) for t in terms]) for f in ("low", "mode", "high"))
        ),
        "term_col": np.concatenate(cols),
        "term_scale": np.concatenate(scales),
        "demand": d_cols.astype(np.int64),
        "markets": markets,
    }


def risks_of(network: Network, lp: LinearProgram, *, arrival: float = 1.0) -> Risks:
    """What varies in the LP of ``network``'s year (see the module's docstring)."""
    links = _link_part(network, lp)
    return Risks(
        year=lp.year,
        arrival=float(arrival),
        **links,
        **_outage_part(network, links["links"]),
        **_bound_part(network, lp),
    )


def _lost(risks: Risks, rng: np.random.Generator) -> np.ndarray:
    """Each link's share of the year's capacity that its outages of one draw take (0-1)."""
    counts = rng.poisson(risks.rate)
    lost = np.zeros(len(risks.links))
    for link in np.flatnonzero(counts):
        own = np.flatnonzero(risks.event_link == link)
        picked = own[rng.integers(0, len(own), size=int(counts[link]))]
        u = rng.random((2, len(picked)))
        days = _pick(risks.event_days, picked).at(u[0])
        cut = _pick(risks.event_cut, picked).at(u[1])
        taken = float(np.sum(cut / 100.0 * np.minimum(days, DAYS_PER_YEAR)))
        lost[link] = min(1.0, taken / DAYS_PER_YEAR)
    return lost


def _pick(ranges: Ranges, at: np.ndarray) -> Ranges:
    return Ranges(ranges.low[at], ranges.mode[at], ranges.high[at])


def draw_bounds(risks: Risks, seed: int, draw: int) -> DrawBounds:
    """The bounds of draw ``draw`` of a run seeded ``seed`` (the same on every machine)."""
    rng = np.random.default_rng([seed, draw])
    shared = rng.random(int(risks.capacity_group.max(initial=-1)) + 1)
    factor = risks.capacity.at(shared[risks.capacity_group])
    missing = rng.random(len(risks.links)) >= risks.arrival
    closed = risks.projects & missing
    lost = _lost(risks, rng)
    term = risks.terms.at(rng.random(len(risks.terms.mode)))
    closed |= lost >= 1.0
    keep = np.where(closed, 0.0, factor * (1.0 - lost))
    bounds = risks.bound_default.copy()
    np.add.at(bounds, risks.term_col, (term - risks.terms.mode) * risks.term_scale)
    flows = np.where(closed[risks.flow_link], 0.0, risks.flow_default)
    return DrawBounds(
        row_upper=risks.cap_default * keep[risks.cap_link],
        col_upper=np.concatenate([flows, np.maximum(bounds, 0.0)]),
        lost=lost,
        closed=closed,
    )
