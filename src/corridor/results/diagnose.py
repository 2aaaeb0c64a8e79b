"""Why a delivery falls short: link capacity, route rules, missing links or no supply left.

One flow layer's arcs are searched from where volume is still available (supplies with spare
volume, or an agreement's origin) over the residual network of the solve. If the target is not
reached, the search is repeated with the saturated links opened (is capacity the limit?), with
the links the route rules close opened (are the rules the limit?) and with both: the answer names
what opens the way, in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from corridor.dataset.network import Network
from corridor.optimize.build import LinearProgram
from corridor.options import RouteRules
from corridor.routing.layers import allowed_arcs

__all__ = ["LayerSearch", "shortfall_reason"]

_TOL = 1e-6
_SHOWN = 6  # links named before "…"


def _reached(n: int, tail: np.ndarray, head: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Nodes reachable from any of ``starts`` over the arcs (tail -> head)."""
    source = n  # a virtual node linked to every start
    rows = np.concatenate([tail, np.full(len(starts), source)])
    cols = np.concatenate([head, starts])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    seen = np.zeros(n + 1, dtype=bool)
    seen[breadth_first_order(graph, source, directed=True, return_predecessors=False)] = True
    return seen[:n]


def _named(links: Sequence[str]) -> str:
    shown = ", ".join(links[:_SHOWN])
    return shown + (f" … ({len(links)} links)" if len(links) > _SHOWN else "")


@dataclass(frozen=True)
class LayerSearch:
    """The arcs of one flow layer in a solved model, ready for reachability questions."""

    lp: LinearProgram
    layer: int
    tail: np.ndarray
    head: np.ndarray
    carries: np.ndarray  # arcs of the layer's commodity running this year
    allowed: np.ndarray  # ... that the layer's route rules allow
    room: np.ndarray  # capacity left on each arc (inf where none)
    flow: np.ndarray  # the layer's flow on each arc

    @classmethod
    def of(
        cls, network: Network, lp: LinearProgram, layer: int, x: np.ndarray, room: np.ndarray
    ) -> LayerSearch:
        """The search structure of ``layer`` given the solution ``x`` and each arc's room."""
        net = lp.net
        commodity = net.commodities.index(lp.layer_list[layer].commodity)
        mine = (lp.col_block == "x") & (lp.col_layer == layer)
        flow = np.zeros(len(lp.arc_link))
        np.add.at(flow, lp.col_arc[mine], x[mine])
        reverse = lp.arc_reverse
        tail = np.where(reverse, net.link_head[lp.arc_link], net.link_tail[lp.arc_link])
        head = np.where(reverse, net.link_tail[lp.arc_link], net.link_head[lp.arc_link])
        allowed = allowed_arcs(network, net, lp.arc_link, (lp.layer_list[layer],))[:, 0]
        return cls(lp, layer, tail, head, net.carries[lp.arc_link, commodity], allowed, room, flow)

    def _reached(self, starts: np.ndarray, opened: np.ndarray | None = None) -> np.ndarray:
        """Nodes the starts reach over the residual network plus the ``opened`` arcs."""
        forward = self.allowed & (self.room > _TOL)
        if opened is not None:
            forward = forward | opened
        back = self.flow > _TOL  # flow already sent can be rerouted
        tail = np.concatenate([self.tail[forward], self.head[back]])
        head = np.concatenate([self.head[forward], self.tail[back]])
        return _reached(len(self.lp.nodes), tail, head, starts)

    def reaches(
        self, starts: np.ndarray, targets: np.ndarray, *, full: bool = False, ruled: bool = False
    ) -> bool:
        """Whether a start reaches a target over the residual network; ``full`` opens the
        saturated arcs the rules allow, ``ruled`` the arcs the rules close."""
        opened = np.zeros(len(self.allowed), dtype=bool)
        if full:
            opened |= self.allowed
        if ruled:
            opened |= self.carries & ~self.allowed & (self.room > _TOL)
        if full and ruled:
            opened |= self.carries
        return bool(self._reached(starts, opened)[targets].any())

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


def shortfall_reason(
    search: LayerSearch, network: Network, starts: Sequence[str], targets: Sequence[str]
) -> str:
    """What keeps volume available at ``starts`` from reaching ``targets``, in words.

    Returns "" when a route with room exists (the shortfall then lies upstream: no volume left).
    """
    nodes = search.lp.nodes
    s = np.asarray(nodes.get_indexer(list(starts)), dtype=np.int64)
    t = np.asarray(nodes.get_indexer(list(targets)), dtype=np.int64)
    s, t = s[s >= 0], t[t >= 0]
    commodity = search.lp.layer_list[search.layer].commodity
    if search.reaches(s, t):
        return ""
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
