"""Flow layers: one per commodity, and one per agreement so its route can be traced end to end."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.dataset.network import Network
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
    g = network.groups
    return frozenset(g.loc[g["group_id"].isin(groups), "country"].dropna().astype(str))


def agreement_rules(row: pd.Series) -> RouteRules:
    """The route rules written on an agreement row."""
    return RouteRules(
        avoid_countries=frozenset(row["avoid_countries"]),
        only_groups=frozenset(row["only_groups"]),
        avoid_links=frozenset(row["avoid_links"]),
        require_links=frozenset(row["require_links"]),
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
    a = network.agreements
    if a.empty:
        return tuple(layers)
    start = a["start_year"].to_numpy(dtype=float, na_value=np.nan)
    end = a["end_year"].to_numpy(dtype=float, na_value=np.nan)
    for agreement_id, row in a[valid_in(start, end, year)].iterrows():
        if row["commodity"] not in c.commodities:
            continue
        layers.append(
            Layer(
                "agreement",
                str(row["commodity"]),
                rules.for_commodity(str(row["commodity"]), scoped).merged(agreement_rules(row)),
                str(agreement_id),
                str(row["origin"]),
                tuple(row["destinations"]),
                float(row["min_volume_canonical"]),
                float(row["max_volume_canonical"]),
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
    for j, layer in enumerate(layers):
        rules = layer.rules
        if rules.empty:
            continue
        country_index = pd.Index(c.countries)
        crosses = c.crosses[arc_link]
        if rules.avoid_countries:
            hit = country_index.get_indexer(sorted(rules.avoid_countries))
            allowed[:, j] &= ~crosses[:, hit[hit >= 0]].any(axis=1)
        if rules.only_groups:
            members = group_countries(network, rules.only_groups)
            outside = ~country_index.isin(sorted(members))
            allowed[:, j] &= ~crosses[:, outside].any(axis=1)
        if rules.avoid_links:
            allowed[:, j] &= ~np.isin(c.link_ids[arc_link], sorted(rules.avoid_links))
    return allowed
