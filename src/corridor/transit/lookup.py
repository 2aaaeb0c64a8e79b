"""Look-ups in the dataset's transit table: the most specific sourced figure for a place."""

from __future__ import annotations

import pandas as pd

from corridor.network import Network

__all__ = ["Figure", "TransitLookup"]

Figure = tuple[float, str]  # value in the canonical unit, and the parameter id it comes from


class TransitLookup:
    """The figures of ``network.transit``; a node's, link's or country's own figure wins over
    its mode's. Answers are cached (a skim asks the same question for many pairs of links)."""

    def __init__(self, network: Network) -> None:
        self.rows = network.transit[network.transit["value_canonical"].notna()]
        self._seen: dict[tuple[str, ...], Figure | None] = {}

    def _pick(self, key: tuple[str, ...], mask: pd.Series) -> Figure | None:
        if key not in self._seen:
            hit = self.rows[mask]
            self._seen[key] = (
                None if hit.empty else (float(hit["value_canonical"].iloc[0]), str(hit.index[0]))
            )
        return self._seen[key]

    def _mode(self, component: str, mode: str) -> Figure | None:
        t = self.rows
        of = (t["component"] == component) & (t["mode"] == mode) & t["country"].isna()
        return self._pick((component, "mode", mode), of)

    def by_mode(self, component: str, mode: str, country: str) -> Figure | None:
        """``component`` (a speed or cost rate) of ``mode`` in ``country``, else anywhere."""
        t = self.rows
        of = (t["component"] == component) & (t["mode"] == mode) & (t["country"] == country)
        return self._pick((component, "country", mode, country), of) or self._mode(component, mode)

    def at_node(self, component: str, node: str, mode: str | None) -> Figure | None:
        """``component`` at ``node``, else for ``mode`` anywhere (if a mode is given)."""
        t = self.rows
        own = self._pick(
            (component, "node", node), (t["component"] == component) & (t["node_id"] == node)
        )
        return own if own or mode is None else self._mode(component, mode)

    def at_link(self, component: str, link: str, mode: str | None) -> Figure | None:
        """``component`` of ``link``, else for ``mode`` anywhere (if a mode is given)."""
        t = self.rows
        own = self._pick(
            (component, "link", link), (t["component"] == component) & (t["link_id"] == link)
        )
        return own if own or mode is None else self._mode(component, mode)
