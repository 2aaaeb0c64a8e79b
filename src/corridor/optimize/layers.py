"""Flow layers: one per commodity, and one per agreement so its route can be traced end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.network import Network
from corridor.optimize.options import RouteRules

__all__ = ["agreement_rules", "allowed_arcs", "build_layers", "group_countries"]


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


def build_layers(network: Network, year: int, rules: RouteRules) -> pd.DataFrame:
    """One row per flow layer.

    Commodity layers carry the free flows of a commodity; agreement layers carry the volume of
    one agreement from its origin to its destinations. Columns: layer, kind, commodity,
    agreement_id, origin, destinations, min_volume, max_volume (canonical units), rules.
    """
    commodities = sorted({c for cs in network.links["commodities"] for c in cs})
    rows = [
        {
            "kind": "commodity",
            "commodity": c,
            "agreement_id": None,
            "origin": None,
            "destinations": (),
            "min_volume": np.nan,
            "max_volume": np.nan,
            "rules": rules,
        }
        for c in commodities
    ]
    a = network.agreements
    start = a["start_year"].astype("float64")
    end = a["end_year"].astype("float64")
    valid = (start.isna() | (start <= year)) & (end.isna() | (end >= year))
    for agreement_id, row in a[valid.fillna(False).astype(bool)].iterrows():
        if row["commodity"] not in commodities:
            continue
        rows.append(
            {
                "kind": "agreement",
                "commodity": row["commodity"],
                "agreement_id": agreement_id,
                "origin": row["origin"],
                "destinations": tuple(row["destinations"]),
                "min_volume": row["min_volume_canonical"],
                "max_volume": row["max_volume_canonical"],
                "rules": rules.merged(agreement_rules(row)),
            }
        )
    layers = pd.DataFrame(rows)
    layers.index.name = "layer"
    return layers


def _incidence(cells: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Boolean (rows x labels) matrix of which labels each collection cell contains.

    Cells are factorised first, so the work grows with the number of distinct cells (a few
    hundred at most), not with the number of rows.
    """
    codes, uniques = pd.factorize(cells)
    labels = sorted({label for cell in uniques for label in cell})
    column = {label: j for j, label in enumerate(labels)}
    table = np.zeros((len(uniques), len(labels)), dtype=bool)
    for i, cell in enumerate(uniques):
        table[i, [column[label] for label in cell]] = True
    return table[codes], labels


def allowed_arcs(network: Network, arcs: pd.DataFrame, layers: pd.DataFrame) -> np.ndarray:
    """Boolean (arcs x layers) matrix: which arcs each layer may use."""
    carries, commodities = _incidence(arcs["commodities"])
    crosses, countries = _incidence(arcs["countries"])
    commodity_col = pd.Index(commodities).get_indexer(layers["commodity"])
    allowed: np.ndarray = carries[:, commodity_col] & (commodity_col >= 0)
    country_index = pd.Index(countries)
    for j, rules in enumerate(layers["rules"]):
        if rules.empty:
            continue
        if rules.avoid_countries:
            hit = country_index.get_indexer(sorted(rules.avoid_countries))
            allowed[:, j] &= ~crosses[:, hit[hit >= 0]].any(axis=1)
        if rules.only_groups:
            members = group_countries(network, rules.only_groups)
            outside = ~country_index.isin(sorted(members))
            allowed[:, j] &= ~crosses[:, outside].any(axis=1)
        if rules.avoid_links:
            allowed[:, j] &= ~arcs["link_id"].isin(sorted(rules.avoid_links)).to_numpy()
    return allowed
