"""Directed arcs of a network in a year: which links run, in which direction, with what limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.routing.compiled import CompiledNetwork, active_links

__all__ = ["arc_ends", "arcs_frame", "build_arcs"]


def build_arcs(c: CompiledNetwork, year: int) -> tuple[np.ndarray, np.ndarray]:
    """The usable directions of each link active in ``year``: (link position, reverse flag).

    Every active link runs from ``from_node`` to ``to_node``; bidirectional links also run
    back (those arcs come after all forward arcs).
    """
    forward = np.flatnonzero(active_links(c, year))
    backward = forward[c.link_bidirectional[forward]]
    arc_link = np.concatenate([forward, backward])
    reverse = np.concatenate([np.zeros(len(forward), bool), np.ones(len(backward), bool)])
    return arc_link, reverse


def arc_ends(
    c: CompiledNetwork, arc_link: np.ndarray, reverse: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Node positions (tail, head) of each arc."""
    tail = np.where(reverse, c.link_head[arc_link], c.link_tail[arc_link])
    head = np.where(reverse, c.link_tail[arc_link], c.link_head[arc_link])
    return tail, head


def arcs_frame(c: CompiledNetwork, arc_link: np.ndarray, reverse: np.ndarray) -> pd.DataFrame:
    """One row per arc: link_id, tail, head (node ids), reverse, capacity (canonical, NaN = no
    limit), canonical_unit, efficiency (1 - loss_fraction), length_km (the link's, else the
    great-circle distance between its ends), countries (frozenset of ISO codes crossed),
    commodities (tuple), tariff and tariff_unit (as published)."""
    tail, head = arc_ends(c, arc_link, reverse)
    return pd.DataFrame(
        {
            "link_id": c.link_ids[arc_link],
            "tail": c.nodes.to_numpy(dtype=object)[tail],
            "head": c.nodes.to_numpy(dtype=object)[head],
            "reverse": reverse,
            "capacity": c.link_capacity[arc_link],
            "canonical_unit": c.link_unit[arc_link],
            "efficiency": c.link_efficiency[arc_link],
            "length_km": c.link_length_km[arc_link],
            "countries": c.link_countries[arc_link],
            "commodities": c.link_commodities[arc_link],
            "tariff": c.link_tariff[arc_link],
            "tariff_unit": c.link_tariff_unit[arc_link],
        }
    )
