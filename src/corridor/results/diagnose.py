"""Why a delivery falls short: link capacity, route rules, missing links or no supply left.

One flow layer's arcs are searched from where volume is still available (supplies with spare
volume, or an agreement's origin) over the residual network of the solve. If the target is not
reached, the search is repeated with the saturated links opened (is capacity the limit?), with
the links the route rules close opened (are the rules the limit?) and with both: the answer names
what opens the way, in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from corridor.dataset.network import Network
from corridor.optimize.build import LinearProgram
from corridor.options import RouteRules

__all__ = ["LayerSearch", "shortfall_reason"]

_TOL = 1e-6
_SHOWN = 6  # links named before "…"


def _named(links: Sequence[str]) -> str:
    shown = ", ".join(links[:_SHOWN])
    return shown + (f" … ({len(links)} links)" if len(links) > _SHOWN else "")


class LayerSearch:
    """The arcs of one flow layer in a solved model, ready for reachability questions.

    Each question searches the residual network of the solve (arcs with room the rules allow,
    and flow already sent, which can be rerouted), with the saturated arcs or the arcs the
    rules close opened or not. The graph of each of these four is built once, when first
    searched, and what a set of starts reaches in it is kept: the unmet demands of one
    commodity all search from the same spare supplies.
    """

    def __init__(
        self,
        lp: LinearProgram,
        layer: int,
        tail: np.ndarray,
        head: np.ndarray,
        carries: np.ndarray,
        allowed: np.ndarray,
        room: np.ndarray,
        flow: np.ndarray,
        positions: Mapping[str, int] | None = None,
    ) -> None:
        self.lp, self.layer = lp, layer
        self.tail, self.head = tail, head
        self.carries = carries  # arcs of the layer's commodity running this year
        self.allowed = allowed  # ... that the layer's route rules allow
        self.room = room  # capacity left on each arc (inf where none)
        self.flow = flow  # the layer's flow on each arc
        self._positions = positions  # of each node id (by default, built when first needed)
        self._graphs: dict[tuple[bool, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._reached_from: dict[tuple[bool, bool, bytes], np.ndarray] = {}

    @classmethod
    def of(
        cls,
        network: Network,
        lp: LinearProgram,
        layer: int,
        x: np.ndarray,
        room: np.ndarray,
        *,
        positions: Mapping[str, int] | None = None,
    ) -> LayerSearch:
        """The search structure of ``layer`` given the solution ``x`` and each arc's room
        (``positions``: each node id's position in ``lp.nodes``, if already at hand)."""
        net = lp.net
        commodity = net.commodities.index(lp.layer_list[layer].commodity)
        mine = (lp.col_block == "x") & (lp.col_layer == layer)
        flow = np.zeros(len(lp.arc_link))
        np.add.at(flow, lp.col_arc[mine], x[mine])
        # the LP has a flow column for each arc a layer's rules allow, and only for those
        allowed = np.zeros(len(lp.arc_link), dtype=bool)
        allowed[lp.col_arc[mine]] = True
        reverse = lp.arc_reverse
        tail = np.where(reverse, net.link_head[lp.arc_link], net.link_tail[lp.arc_link])
        head = np.where(reverse, net.link_tail[lp.arc_link], net.link_head[lp.arc_link])
        carries = net.carries[lp.arc_link, commodity]
        return cls(lp, layer, tail, head, carries, allowed, room, flow, positions)

    def positions(self, node_ids: Sequence[str]) -> np.ndarray:
        """Position of each node id among the LP's nodes (those not found left out)."""
        if self._positions is None:
            self._positions = {n: i for i, n in enumerate(self.lp.nodes.to_numpy(object))}
        found = [self._positions.get(n, -1) for n in node_ids]
        return np.asarray([i for i in found if i >= 0], dtype=np.int64)

    def _graph(self, full: bool, ruled: bool) -> tuple[np.ndarray, np.ndarray]:
        """The residual network as (tail, head) arrays, with the saturated arcs the rules
        allow (``full``) and the arcs the rules close (``ruled``) opened."""
        if (full, ruled) not in self._graphs:
            forward = self.allowed & (self.room > _TOL)
            if full:
                forward |= self.allowed
            if ruled:
                forward |= self.carries & ~self.allowed & (self.room > _TOL)
            if full and ruled:
                forward |= self.carries
            back = self.flow > _TOL  # flow already sent can be rerouted
            tail = np.concatenate([self.tail[forward], self.head[back]])
            head = np.concatenate([self.head[forward], self.tail[back]])
            self._graphs[(full, ruled)] = (tail, head)
        return self._graphs[(full, ruled)]

    def _reached(
        self, starts: np.ndarray, *, full: bool = False, ruled: bool = False
    ) -> np.ndarray:
        """Nodes any of ``starts`` reaches (see :meth:`_graph`), breadth first."""
        starts = np.unique(starts)
        key = (full, ruled, starts.tobytes())
        if key not in self._reached_from:
            reached = np.zeros(len(self.lp.nodes), dtype=bool)
            reached[starts] = True
            tail, head = self._graph(full, ruled) if len(starts) else (starts, starts)
            step = reached[tail] & ~reached[head]
            while step.any():
                reached[head[step]] = True
                step = reached[tail] & ~reached[head]
            self._reached_from[key] = reached
        return self._reached_from[key]

    def reaches(
        self, starts: np.ndarray, targets: np.ndarray, *, full: bool = False, ruled: bool = False
    ) -> bool:
        """Whether a start reaches a target over the residual network; ``full`` opens the
        saturated arcs the rules allow, ``ruled`` the arcs the rules close."""
        return bool(self._reached(starts, full=full, ruled=ruled)[targets].any())

    def _leaving(self, starts: np.ndarray, arcs: np.ndarray) -> list[str]:
        """Links of ``arcs`` that lead out of what the starts reach."""
        reached = self._reached(starts)
        out = arcs & reached[self.tail] & ~reached[self.head]
        return sorted(set(self.lp.net.link_ids[self.lp.arc_link[out]]))

    def cut(self, starts: np.ndarray) -> list[str]:
        """Saturated allowed links leading out of what the starts reach."""
        return self._leaving(starts, self.allowed & (self.room <= _TOL))

    def closed_by_rules(self, starts: np.ndarray) -> list[str]:
        """Links the rules close that lead out of what the starts reach."""
        return self._leaving(starts, self.carries & ~self.allowed)


def _rules_in_words(
    rules: RouteRules, closed: str, targets: Sequence[str], network: Network
) -> str:
    """'route rules (avoid RU) close L_ATY_SAM, L_CPC; C_SAMARA is in RU'."""
    inside = [
        f"{t} is in {network.nodes.at[t, 'country']}"
        for t in targets
        if network.nodes.at[t, "country"] in rules.avoid_countries
    ]
    return "; ".join([f"route rules ({rules.describe()}) close {closed}", *inside])


def _full_required_links(search: LayerSearch) -> str:
    """The capacity of the layer's required links that have no room left ("" if none): a way
    round them exists, but the agreement may not take it."""
    rules = search.lp.layer_list[search.layer].rules
    required = np.isin(search.lp.net.link_ids[search.lp.arc_link], sorted(rules.require_links))
    full = required & search.allowed & (search.room <= 1e-9)
    if not full.any():
        return ""
    links = sorted(set(search.lp.net.link_ids[search.lp.arc_link[full]]))
    return f"capacity of {_named(links)}, which the agreement must use"


def shortfall_reason(
    search: LayerSearch, network: Network, starts: Sequence[str], targets: Sequence[str]
) -> str:
    """What keeps volume available at ``starts`` from reaching ``targets``, in words.

    Returns "" when a route with room exists (the shortfall then lies upstream: no volume left),
    unless a required link of the layer is full.
    """
    s, t = search.positions(starts), search.positions(targets)
    commodity = search.lp.layer_list[search.layer].commodity
    if search.reaches(s, t):
        return _full_required_links(search)
    if not search.reaches(s, t, full=True, ruled=True):
        return f"no {commodity} link connects {_named(list(starts))} to {', '.join(targets)}"
    by_capacity = search.reaches(s, t, full=True)
    by_rules = search.reaches(s, t, ruled=True)
    parts = []
    if by_capacity or not by_rules:
        parts.append("capacity of " + _named(search.cut(s)))
    if by_rules or not by_capacity:
        rules = search.lp.layer_list[search.layer].rules
        closed = _named(search.closed_by_rules(s))
        parts.append(_rules_in_words(rules, closed, targets, network))
    return "; ".join(parts)
