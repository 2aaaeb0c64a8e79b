"""Look-ups in the dataset's transit table: the most specific sourced figure for a place."""

from __future__ import annotations

import pandas as pd

from corridor.dataset.network import Network

__all__ = ["Figure", "TransitLookup"]

Figure = tuple[float, str]  # value in the canonical unit, and the parameter id it comes from


class TransitLookup:
    """The figures of ``network.transit``; a node's, link's or country's own figure wins over
    its mode's. The table is indexed once, so each question is a dictionary look-up (a skim
    asks the same question for many pairs of links)."""

    def __init__(self, network: Network) -> None:
        rows = network.transit[network.transit["value_canonical"].notna()]
        self._figures: dict[tuple[str, ...], Figure] = {}
        for param_id, r in zip(rows.index, rows.itertuples(index=False), strict=True):
            figure = (float(r.value_canonical), str(param_id))
            keys = [
                (r.component, "node", r.node_id),
                (r.component, "link", r.link_id),
                (r.component, "country", r.mode, r.country),
            ]
            if pd.isna(r.country):
                keys.append((r.component, "mode", r.mode))
            for key in keys:
                if not any(pd.isna(k) for k in key):
                    self._figures.setdefault(key, figure)  # the first row wins, as listed

    def of_mode(self, component: str, mode: str) -> Figure | None:
        """``component`` of ``mode`` anywhere (the rows without a country)."""
        return self._figures.get((component, "mode", mode))

    def by_mode(self, component: str, mode: str, country: str) -> Figure | None:
        """``component`` (a speed or cost rate) of ``mode`` in ``country``, else anywhere."""
        own = self._figures.get((component, "country", mode, country))
        return own or self.of_mode(component, mode)

    def at_node(self, component: str, node: str, mode: str | None) -> Figure | None:
        """``component`` at ``node``, else for ``mode`` anywhere (if a mode is given)."""
        own = self._figures.get((component, "node", node))
        return own if own or mode is None else self.of_mode(component, mode)

    def at_link(self, component: str, link: str, mode: str | None) -> Figure | None:
        """``component`` of ``link``, else for ``mode`` anywhere (if a mode is given)."""
        own = self._figures.get((component, "link", link))
        return own if own or mode is None else self.of_mode(component, mode)
