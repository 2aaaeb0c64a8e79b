"""Flow layers: one per commodity, and one per agreement so its route can be traced end to end."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, derived
from corridor.options import RouteRules
from corridor.routing.compiled import CompiledNetwork, commodity_positions, valid_in

__all__ = ["Layer", "agreement_rules", "allowed_arcs", "build_layers", "group_countries"]


@dataclass(frozen=True)
class Layer:
    """A flow layer: the free flows of a commodity, or the volume of one agreement."""

    kind: str  # "commodity" or "agreement"
    commodity: str
    rules: RouteRules
    agreement_id: str | None = None
    origin: str | None = None
    destinations: tuple[str, ...] = ()
    min_volume: float = np.nan  # canonical units
    max_volume: float = np.nan


def group_countries(network: Network, groups: frozenset[str]) -> frozenset[str]:
    """Countries that are members or observers of any of ``groups``."""
    members = derived(network, "group_countries", _members)
    return frozenset().union(*(members.get(g, frozenset()) for g in groups))


def _members(network: Network) -> dict[object, frozenset[str]]:
    """Each group id's member and observer countries."""
    g = network.groups
    return {
        gid: frozenset(part.dropna().astype(str))
        for gid, part in g["country"].groupby(g["group_id"], sort=False)
    }


def agreement_rules(row: pd.Series) -> RouteRules:
    """The route rules written on an agreement row."""
    return RouteRules(
        avoid_countries=frozenset(row["avoid_countries"]),
        only_groups=frozenset(row["only_groups"]),
        avoid_links=frozenset(row["avoid_links"]),
        require_links=frozenset(row["require_links"]),
    )


@dataclass(frozen=True)
class _Agreements:
    """The agreements table as plain values, read once per network."""

    start: np.ndarray
    end: np.ndarray
    ids: list[str]
    commodity: list[object]
    origin: list[str]
    destinations: list[tuple[str, ...]]
    min_volume: list[float]
    max_volume: list[float]
    rules: list[RouteRules]


def _agreements(network: Network) -> _Agreements:
    a = network.agreements
    return _Agreements(
        start=a["start_year"].to_numpy(dtype=float, na_value=np.nan),
        end=a["end_year"].to_numpy(dtype=float, na_value=np.nan),
        ids=[str(i) for i in a.index.tolist()],
        commodity=a["commodity"].tolist(),
        origin=[str(o) for o in a["origin"].tolist()],
        destinations=[tuple(d) for d in a["destinations"].tolist()],
        min_volume=[float(v) for v in a["min_volume_canonical"].tolist()],
        max_volume=[float(v) for v in a["max_volume_canonical"].tolist()],
        rules=[agreement_rules(row) for _, row in a.iterrows()],
    )


def build_layers(
    network: Network,
    c: CompiledNetwork,
    year: int,
    rules: RouteRules,
    commodity_rules: dict[str, RouteRules] | None = None,
) -> tuple[Layer, ...]:
    """Commodity layers (in ``c.commodities`` order), then one layer per agreement valid in
    ``year`` whose commodity some link carries. ``commodity_rules`` apply to one commodity's
    layers on top of ``rules``."""
    scoped = commodity_rules or {}
    layers = [
        Layer("commodity", commodity, rules.for_commodity(commodity, scoped))
        for commodity in c.commodities
    ]
    if network.agreements.empty:
        return tuple(layers)
    a = derived(network, "agreement_layers", _agreements)
    for i in np.flatnonzero(valid_in(a.start, a.end, year)).tolist():
        if a.commodity[i] not in c.commodities:
            continue
        commodity = str(a.commodity[i])
        layers.append(
            Layer(
                "agreement",
                commodity,
                rules.for_commodity(commodity, scoped).merged(a.rules[i]),
                a.ids[i],
                a.origin[i],
                a.destinations[i],
                a.min_volume[i],
                a.max_volume[i],
            )
        )
    return tuple(layers)


def layers_frame(layers: tuple[Layer, ...]) -> pd.DataFrame:
    """The layers as a table indexed by layer number."""
    frame = pd.DataFrame(
        {
            "kind": [x.kind for x in layers],
            "commodity": [x.commodity for x in layers],
            "agreement_id": [x.agreement_id for x in layers],
            "origin": [x.origin for x in layers],
            "destinations": [x.destinations for x in layers],
            "min_volume": [x.min_volume for x in layers],
            "max_volume": [x.max_volume for x in layers],
            "rules": [x.rules for x in layers],
        }
    )
    frame.index.name = "layer"
    return frame


def allowed_arcs(
    network: Network, c: CompiledNetwork, arc_link: np.ndarray, layers: tuple[Layer, ...]
) -> np.ndarray:
    """Boolean (arcs x layers) matrix: which arcs (given by their link) each layer may use."""
    commodity_col = commodity_positions(c, [x.commodity for x in layers])
    allowed: np.ndarray = c.carries[arc_link][:, commodity_col] & (commodity_col >= 0)
    crosses = c.crosses[arc_link]
    open_under: dict[RouteRules, np.ndarray] = {}
    for j, layer in enumerate(layers):
        rules = layer.rules
        if rules.empty:
            continue
        if rules not in open_under:
            open_under[rules] = _open_under(network, c, arc_link, crosses, rules)
        allowed[:, j] &= open_under[rules]
    return allowed


def _open_under(
    network: Network,
    c: CompiledNetwork,
    arc_link: np.ndarray,
    crosses: np.ndarray,
    rules: RouteRules,
) -> np.ndarray:
    """Which arcs ``rules`` leave open (``crosses``: the countries each arc crosses)."""
    position = {country: i for i, country in enumerate(c.countries)}
    keep = np.ones(len(arc_link), dtype=bool)
    if rules.avoid_countries:
        hit = [position[x] for x in sorted(rules.avoid_countries) if x in position]
        keep &= ~crosses[:, hit].any(axis=1)
    if rules.only_groups:
        members = group_countries(network, rules.only_groups)
        outside = np.array([country not in members for country in c.countries], dtype=bool)
        keep &= ~crosses[:, outside].any(axis=1)
    if rules.avoid_links:
        keep &= ~np.isin(c.link_ids[arc_link], sorted(rules.avoid_links))
    return keep
