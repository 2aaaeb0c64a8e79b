"""Door-to-door route skims: the k fastest routes between two nodes, with their time broken down.

A route's time is the sum of

- line haul on land links and sailing on water links: the link's own ``transit_time_h``, else
  its length divided by the speed of its mode (in the country where it starts, else anywhere);
- at every node the route passes through: the border-crossing time at border crossings, the
  gauge-change time where one is given, and at ports where the route boards a vessel the port
  dwell and the wait for a vessel (leaving a vessel: the port dwell).

Every figure comes from the dataset's ``transit`` table or the links' ``transit_time_h`` (each
sourced in provenance.csv); a place with no figure adds nothing, and the route lists it under
``gaps``. Routes are found with Yen's k-shortest simple paths (networkx) on the line graph of
the arcs, so times that depend on the pair of links used at a node (boarding a ferry) are exact.
The same route rules as the flow engine apply.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from corridor.dataset.network import Network
from corridor.errors import SkimError
from corridor.options import RouteFamilies, RouteRules
from corridor.routing.arcs import arcs_frame, build_arcs
from corridor.routing.compiled import compiled
from corridor.routing.layers import Layer, allowed_arcs
from corridor.transit.lookup import TransitLookup

__all__ = ["COMPONENTS", "SkimError", "Skims", "skim"]

WATER_MODES = frozenset({"ferry", "sea", "tanker"})
#: Time components of a route, in the order they are reported.
COMPONENTS = (
    "line_haul_h",
    "sailing_h",
    "border_crossing_h",
    "gauge_change_h",
    "port_dwell_h",
    "ferry_wait_h",
)
_MAX_CANDIDATES = 500  # line-graph paths examined before giving up on more routes


@dataclass(frozen=True)
class Skims:
    """The routes found, fastest first.

    Attributes
    ----------
    routes
        One row per route: rank, family, total_h, total_days, distance_km, the time components
        (``COMPONENTS``), countries, nodes, links, gaps (places whose time no source gives),
        known_cost_usd_per_teu (the sum of the costs the data gives) and cost_gaps (the steps
        without one: the known cost is complete only when that is empty).
    steps
        One row per step of every route: rank, place (link or node id), component, hours, basis
        (the transit parameter or link figure it comes from), usd_per_teu (NaN where no tariff,
        cost rate or fee is in the data) and usd_basis.
    """

    origin: str
    destination: str
    routes: pd.DataFrame
    steps: pd.DataFrame


@dataclass(frozen=True)
class _Arcs:
    link: list[str]
    mode: list[str]
    tail: list[str]
    head: list[str]
    hours: np.ndarray
    basis: list[str]
    km: np.ndarray
    usd: np.ndarray  # USD per TEU (NaN: no tariff or cost rate in the data)
    usd_basis: list[str]


def _arcs(
    network: Network, year: int, rules: RouteRules, commodity: str, times: TransitLookup
) -> _Arcs:
    c = compiled(network)
    arc_link, reverse = build_arcs(c, year)
    keep = allowed_arcs(network, c, arc_link, (Layer("commodity", commodity, rules),))[:, 0]
    arcs = arcs_frame(c, arc_link[keep], reverse[keep])
    arcs["mode"] = arcs["link_id"].map(network.links["mode"]).astype(str)
    own = arcs["link_id"].map(network.links["transit_time_h"]).to_numpy(float, na_value=np.nan)
    country = arcs["tail"].map(network.nodes["country"]).astype(str)
    hours, basis, usd, usd_basis = [], [], [], []
    for i, a in enumerate(arcs.itertuples(index=False)):
        if str(a.tariff_unit) == "USD/TEU" and not np.isnan(a.tariff):
            usd.append(a.tariff)
            usd_basis.append(f"{a.link_id}.tariff")
        else:
            rate = times.by_mode("cost_rate", a.mode, country.iloc[i])
            usd.append(a.length_km * rate[0] if rate else np.nan)
            usd_basis.append(f"{a.link_id}.length_km x {rate[1]}" if rate else "")
        if not np.isnan(own[i]):
            hours.append(own[i])
            basis.append(f"{a.link_id}.transit_time_h")
            continue
        speed = times.by_mode("speed", a.mode, country.iloc[i])
        hours.append(a.length_km / speed[0] if speed else np.nan)
        basis.append(f"{a.link_id}.length_km / {speed[1]}" if speed else "")
    return _Arcs(
        link=list(arcs["link_id"]),
        mode=list(arcs["mode"]),
        tail=list(arcs["tail"]),
        head=list(arcs["head"]),
        hours=np.asarray(hours, dtype=float),
        basis=basis,
        km=arcs["length_km"].to_numpy(dtype=float),
        usd=np.asarray(usd, dtype=float),
        usd_basis=usd_basis,
    )


Step = tuple[str, float, str, float, str]  # component, hours, basis, USD per TEU, its basis


def _node_steps(
    times: TransitLookup, node: str, kind: str, came: str | None, goes: str | None
) -> list[Step]:
    """Steps at ``node`` between a link of mode ``came`` and one of mode ``goes`` (None at the
    route's ends): (component, hours, basis, USD per TEU, basis of the cost)."""
    steps: list[Step] = []

    def add(component: str, mode: str | None, cost: str | None = None) -> None:
        found = times.at_node(component, node, mode)
        hours, basis = found if found else (0.0, "")
        usd, usd_basis = np.nan, ""
        if cost is None:
            usd, usd_basis = 0.0, "no charge"
        elif priced := times.at_node(cost, node, mode):
            usd, usd_basis = priced
        steps.append((f"{component}_h", hours, basis, usd, usd_basis))

    if came is not None and goes is not None:
        if kind == "border_crossing":
            add("border_crossing", came, "border_cost")
        if times.at_node("gauge_change", node, None) or times.at_node("gauge_cost", node, None):
            add("gauge_change", None, "gauge_cost")
    boards = goes in WATER_MODES and came not in WATER_MODES
    leaves = came in WATER_MODES and goes not in WATER_MODES
    if boards:
        add("port_dwell", goes, "port_cost")
        if goes == "ferry":
            add("ferry_wait", goes)
    elif leaves or (came in WATER_MODES and goes in WATER_MODES):
        add("port_dwell", came, "port_cost")
    return steps


def _family(network: Network, arcs: _Arcs, path: list[int], families: RouteFamilies) -> str:
    ferries = [i for i in path if arcs.mode[i] == "ferry"]
    if ferries:
        name = str(network.nodes.at[arcs.tail[ferries[0]], "name"]).split()[0]
        return f"Middle Corridor via {name}"
    crossed = set(network.nodes.loc[[arcs.tail[i] for i in path], "country"])
    crossed |= {c for i in path for c in network.links.at[arcs.link[i], "countries"]}
    if families.northern in crossed:
        return families.northern_label
    if any(arcs.mode[i] in WATER_MODES for i in path):
        return "Sea"
    return "Overland"


def skim(
    network: Network,
    origin: str,
    destination: str,
    *,
    year: int = 2024,
    rules: RouteRules | None = None,
    k: int = 3,
    commodity: str = "containers",
    one_per_family: bool = False,
    route_families: RouteFamilies | None = None,
) -> Skims:
    """The ``k`` fastest routes from ``origin`` to ``destination`` (node ids) in ``year``.

    With ``one_per_family`` only the fastest route of each family (Middle Corridor via each
    Caspian port, Northern, Sea, Overland) is kept, up to ``k`` families; ``route_families`` names
    the country that makes a route Northern (Russia by default).

    Raises
    ------
    SkimError
        If a node is unknown or no route exists under the rules.
    """
    for name, node in (("origin", origin), ("destination", destination)):
        if node not in network.nodes.index:
            close = difflib.get_close_matches(node, [str(i) for i in network.nodes.index], n=2)
            guess = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            raise SkimError(
                f"unknown {name} node {node!r}{guess}; see `corridor data show` for node ids"
            )
    rules = rules or RouteRules()
    times = TransitLookup(network)
    arcs = _arcs(network, year, rules, commodity, times)
    kinds = network.nodes["kind"]
    graph = nx.DiGraph()
    out_of: dict[str, list[int]] = {}
    for i, tail in enumerate(arcs.tail):
        out_of.setdefault(tail, []).append(i)
    usable = ~np.isnan(arcs.hours)

    def cost(steps: list[Step]) -> float:
        return float(sum(step[1] for step in steps))

    for i in (int(a) for a in np.flatnonzero(usable)):
        if arcs.tail[i] == origin:
            first = _node_steps(times, origin, str(kinds[origin]), None, arcs.mode[i])
            graph.add_edge("start", i, weight=arcs.hours[i] + cost(first))
        if arcs.head[i] == destination:
            last = _node_steps(times, destination, str(kinds[destination]), arcs.mode[i], None)
            graph.add_edge(i, "end", weight=cost(last))
            continue
        for j in out_of.get(arcs.head[i], []):
            if not usable[j] or arcs.link[j] == arcs.link[i]:
                continue
            node = arcs.head[i]
            at = _node_steps(times, node, str(kinds[node]), arcs.mode[i], arcs.mode[j])
            graph.add_edge(i, j, weight=cost(at) + arcs.hours[j])
    if "start" not in graph or "end" not in graph or not nx.has_path(graph, "start", "end"):
        raise SkimError(
            f"no {commodity} route from {origin} to {destination} in {year} under the rules"
            " (or a link on every route has no time: give it transit_time_h or a mode speed)"
        )
    routes: list[dict[str, object]] = []
    steps: list[dict[str, object]] = []
    families: set[str] = set()
    candidates = nx.shortest_simple_paths(graph, "start", "end", weight="weight")
    for line_path in itertools.islice(candidates, _MAX_CANDIDATES):
        path = [int(i) for i in line_path[1:-1]]
        places = [arcs.tail[path[0]], *(arcs.head[i] for i in path)]
        if len(set(places)) < len(places):
            continue  # a physical loop
        family = _family(network, arcs, path, route_families or RouteFamilies())
        if one_per_family and family in families:
            continue
        families.add(family)
        rank = len(routes) + 1
        route_steps = _route_steps(arcs, times, kinds, path, rank)
        routes.append(_route_row(network, arcs, path, rank, family, route_steps))
        steps.extend(route_steps)
        if len(routes) >= k:
            break
    return Skims(
        origin,
        destination,
        pd.DataFrame(routes),
        pd.DataFrame(
            steps,
            columns=["rank", "place", "component", "hours", "basis", "usd_per_teu", "usd_basis"],
        ),
    )


def _route_steps(
    arcs: _Arcs, times: TransitLookup, kinds: pd.Series, path: list[int], rank: int
) -> list[dict[str, object]]:
    steps: list[dict[str, object]] = []

    def at_node(node: str, came: str | None, goes: str | None) -> None:
        for component, hours, basis, usd, usd_basis in _node_steps(
            times, node, str(kinds[node]), came, goes
        ):
            steps.append(
                {"rank": rank, "place": node, "component": component, "hours": hours,
                 "basis": basis, "usd_per_teu": usd, "usd_basis": usd_basis}
            )  # fmt: skip

    at_node(arcs.tail[path[0]], None, arcs.mode[path[0]])
    for n, i in enumerate(path):
        component = "sailing_h" if arcs.mode[i] in WATER_MODES else "line_haul_h"
        steps.append(
            {"rank": rank, "place": arcs.link[i], "component": component,
             "hours": float(arcs.hours[i]), "basis": arcs.basis[i],
             "usd_per_teu": float(arcs.usd[i]), "usd_basis": arcs.usd_basis[i]}
        )  # fmt: skip
        goes = arcs.mode[path[n + 1]] if n + 1 < len(path) else None
        at_node(arcs.head[i], arcs.mode[i], goes)
    return steps


def _route_row(
    network: Network,
    arcs: _Arcs,
    path: list[int],
    rank: int,
    family: str,
    steps: list[dict[str, object]],
) -> dict[str, object]:
    frame = pd.DataFrame(steps)
    by = frame.groupby("component")["hours"].sum()
    total = float(frame["hours"].sum())
    nodes = [arcs.tail[path[0]], *(arcs.head[i] for i in path)]
    countries = list(dict.fromkeys(network.nodes.loc[nodes, "country"].astype(str)))
    gaps = (
        frame.loc[frame["basis"] == "", "place"]
        + ":"
        + frame.loc[frame["basis"] == "", "component"].str.removesuffix("_h")
    )
    return {
        "rank": rank,
        "family": family,
        "total_h": total,
        "total_days": total / 24.0,
        "distance_km": float(sum(arcs.km[i] for i in path)),
        **{c: float(by.get(c, 0.0)) for c in COMPONENTS},
        "countries": " > ".join(countries),
        "nodes": " > ".join(nodes),
        "links": " > ".join(arcs.link[i] for i in path),
        "gaps": "; ".join(gaps),
        "known_cost_usd_per_teu": float(frame["usd_per_teu"].sum(skipna=True)),
        "cost_gaps": "; ".join(
            frame.loc[frame["usd_per_teu"].isna(), "place"]
            + ":"
            + frame.loc[frame["usd_per_teu"].isna(), "component"].str.removesuffix("_h")
        ),
    }
