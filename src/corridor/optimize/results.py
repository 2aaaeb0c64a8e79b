"""Results of a solve: tidy frames of flows, utilisation, shadow prices, unmet demand, routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from corridor.network import Network, canonical_units
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.optimize.layers import allowed_arcs
from corridor.optimize.options import SolveOptions
from corridor.optimize.paths import decompose_paths
from corridor.optimize.solve import Solution

__all__ = ["Results", "extract_results"]

_TOL = 1e-7


@dataclass(frozen=True)
class Results:
    """What a solve found, as tidy DataFrames (canonical units: Mt/yr, bcm/yr, TEU/yr).

    Attributes
    ----------
    flows
        One row per link, direction, commodity and agreement with flow: link_id, from_node,
        to_node, commodity, agreement_id (empty for free flows), flow, delivered, unit.
    links
        One row per link direction in use or with a capacity: capacity, used, utilisation,
        shadow_price (objective units per unit of capacity per year), binding.
    unmet
        One row per demand: demand, delivered, unmet, and what limits it.
    markets
        Volume delivered to each open (world) market node, by commodity.
    supply
        One row per supply: available, used, unused.
    agreements
        One row per agreement valid in the year: target, delivered, shortfall, route, countries,
        cost, and what blocks it.
    paths
        Path decomposition of every layer: route, volume, countries, cost.
    transit
        Volume crossing each transit country (not where the route starts or ends), by
        commodity; and the tariff revenue of each country's share of tariffed links (the
        tariff split equally over the countries a link crosses), where tariffs are known.
    costs
        Cost breakdown: tariffs, distance tie-break, unmet-demand penalty, agreement reward.
    """

    year: int
    status: str
    objective: float
    solve_seconds: float
    flows: pd.DataFrame
    links: pd.DataFrame
    unmet: pd.DataFrame
    markets: pd.DataFrame
    supply: pd.DataFrame
    agreements: pd.DataFrame
    paths: pd.DataFrame
    transit: pd.DataFrame
    costs: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def binding(self) -> pd.DataFrame:
        """Links whose capacity limits the result, by shadow price (highest first)."""
        b = self.links[self.links["binding"]]
        return b.sort_values("shadow_price", ascending=False)

    @property
    def total_unmet(self) -> pd.Series:
        """Unmet demand by commodity."""
        return self.unmet.groupby("commodity")["unmet"].sum()


def _cut_links(
    lp: LinearProgram, layer: int, x: np.ndarray, used: np.ndarray, starts: list[str], target: str
) -> list[str]:
    """Saturated links separating ``starts`` from ``target`` in ``layer``'s residual network."""
    cols = lp.cols
    xs = (cols["block"] == "x").to_numpy() & (cols["layer"] == layer).to_numpy()
    arc = cols.loc[xs, "arc"].to_numpy(dtype=int)
    flow = x[xs]
    arcs = lp.arcs.iloc[arc]
    cap = arcs["capacity"].to_numpy()
    room = np.where(np.isnan(cap), np.inf, cap - used[arc])
    tail = lp.nodes.get_indexer(arcs["tail"])
    head = lp.nodes.get_indexer(arcs["head"])
    open_fwd = room > 1e-6
    open_back = flow > 1e-6
    n = len(lp.nodes) + 1
    rows = np.concatenate([tail[open_fwd], head[open_back], np.full(len(starts), n - 1)])
    cols_ = np.concatenate([head[open_fwd], tail[open_back], lp.nodes.get_indexer(starts)])
    keep = cols_ >= 0
    graph = coo_matrix((np.ones(keep.sum()), (rows[keep], cols_[keep])), shape=(n, n)).tocsr()
    reached = np.zeros(n, dtype=bool)
    reached[breadth_first_order(graph, n - 1, directed=True, return_predecessors=False)] = True
    if reached[lp.nodes.get_loc(target)]:
        return []
    cut = reached[tail] & ~reached[head] & ~open_fwd
    return sorted(set(arcs["link_id"].to_numpy()[cut]))


def _connected(lp: LinearProgram, mask: np.ndarray, origin: str, targets: tuple[str, ...]) -> bool:
    """Whether ``origin`` reaches any of ``targets`` over the arcs selected by ``mask``."""
    n = len(lp.nodes)
    tail = lp.nodes.get_indexer(lp.arcs["tail"])[mask]
    head = lp.nodes.get_indexer(lp.arcs["head"])[mask]
    graph = coo_matrix((np.ones(len(tail)), (tail, head)), shape=(n, n)).tocsr()
    reached = breadth_first_order(
        graph, lp.nodes.get_loc(origin), directed=True, return_predecessors=False
    )
    return bool(set(lp.nodes[reached]) & set(targets))


def _rule_block(network: Network, lp: LinearProgram, layer: int) -> str:
    """Why an agreement has no route, if the route rules (or missing links) are the reason."""
    meta = lp.layers.loc[layer]
    carries = lp.net.carries[lp.arc_link, lp.net.commodities.index(meta["commodity"])]
    allowed = allowed_arcs(network, lp.net, lp.arc_link, (lp.layer_list[layer],))[:, 0]
    origin, targets = meta["origin"], tuple(meta["destinations"])
    if _connected(lp, allowed, origin, targets):
        return ""
    if not _connected(lp, carries, origin, targets):
        return f"no {meta['commodity']} link connects {origin} to {', '.join(targets)} this year"
    rules = meta["rules"]
    said = [
        f"{name.replace('_', ' ')} {', '.join(sorted(getattr(rules, name)))}"
        for name in ("avoid_countries", "only_groups", "avoid_links")
        if getattr(rules, name)
    ]
    excluded = sorted(set(lp.arcs.loc[carries & ~allowed, "link_id"]))
    shown = ", ".join(excluded[:8]) + (" …" if len(excluded) > 8 else "")
    return f"route rules ({'; '.join(said)}) exclude every route; excluded links: {shown}"


def extract_results(
    network: Network, lp: LinearProgram, sol: Solution, options: SolveOptions
) -> Results:
    """Turn a checked solution into :class:`Results`."""
    x = np.where(np.abs(sol.x) < 1e-9, 0.0, sol.x)
    units = canonical_units(network.commodities)
    cols, arcs, layers = lp.cols, lp.arcs, lp.layers
    is_x = (cols["block"] == "x").to_numpy()
    xcols = cols[is_x]
    arc_of = xcols["arc"].to_numpy(dtype=int)
    layer_of = xcols["layer"].to_numpy(dtype=int)
    fx = x[is_x]
    a_x = arcs.iloc[arc_of]
    unit_cost = lp.c[is_x]
    tariff = lp.net.tariff[lp.arc_link[arc_of], lp.col_commodity[is_x]]

    # flows
    flows = pd.DataFrame(
        {
            "link_id": a_x["link_id"].to_numpy(),
            "from_node": a_x["tail"].to_numpy(),
            "to_node": a_x["head"].to_numpy(),
            "reverse": a_x["reverse"].to_numpy(),
            "layer": layer_of,
            "commodity": xcols["commodity"].to_numpy(),
            "agreement_id": layers["agreement_id"].to_numpy()[layer_of],
            "flow": fx,
            "delivered": fx * a_x["efficiency"].to_numpy(),
            "efficiency": a_x["efficiency"].to_numpy(),
            "unit_cost": unit_cost,
            "tariff_usd_per_unit": tariff,
        }
    )
    flows = flows[flows["flow"] > _TOL].reset_index(drop=True)
    flows["unit"] = flows["commodity"].map(units)

    # capacity use and shadow prices per arc
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_arcs = lp.row_arc[cap_rows]
    activity = lp.a @ x
    used = np.zeros(len(arcs))
    used[cap_arcs] = activity[cap_rows]
    # arcs without a capacity row: used = sum of flows (in the commodity's own unit)
    uncapped_use = pd.Series(fx).groupby(arc_of).sum()
    no_cap = arcs["capacity"].isna().to_numpy()
    idx = uncapped_use.index.to_numpy()
    used[idx[no_cap[idx]]] = uncapped_use.to_numpy()[no_cap[idx]]
    shadow = np.zeros(len(arcs))
    shadow[cap_arcs] = -sol.row_dual[cap_rows]
    link_table = pd.DataFrame(
        {
            "link_id": arcs["link_id"],
            "from_node": arcs["tail"],
            "to_node": arcs["head"],
            "reverse": arcs["reverse"],
            "capacity": arcs["capacity"],
            "unit": arcs["canonical_unit"],
            "used": used,
        }
    )
    link_table["utilisation"] = link_table["used"] / link_table["capacity"]
    link_table["shadow_price"] = shadow
    link_table["binding"] = (shadow > 1e-6) & (
        link_table["used"] >= link_table["capacity"] * (1 - 1e-6) - 1e-9
    )
    link_table = link_table[(link_table["used"] > _TOL) | link_table["capacity"].notna()]
    names = network.links["name"]
    link_table.insert(1, "name", link_table["link_id"].map(names))
    link_table = link_table.reset_index(drop=True)

    def node_block(block: str, bound: str | None, solved: str) -> pd.DataFrame:
        """One row per (node, commodity) column of ``block``: its bound and solved value."""
        mask = (cols["block"] == block).to_numpy()
        frame = cols.loc[mask, ["node_id", "commodity"]].reset_index(drop=True)
        if bound is not None:
            frame[bound] = cols.loc[mask, "value_canonical"].to_numpy()
        frame[solved] = x[mask]
        frame["unit"] = frame["commodity"].map(units)
        return frame

    supply = node_block("s", "available", "used")
    supply.insert(4, "unused", (supply["available"] - supply["used"]).clip(lower=0))
    markets = node_block("m", None, "delivered")  # deliveries to open (world) markets
    m_mask = (cols["block"] == "m").to_numpy()

    # unmet demand and what limits it
    unmet = node_block("d", "demand", "delivered")
    unmet.insert(4, "unmet", (unmet["demand"] - unmet["delivered"]).clip(lower=0))
    unmet.loc[unmet["unmet"] < 1e-6, "unmet"] = 0.0
    reasons = []
    commodity_layer = {
        c: i
        for i, (k, c) in enumerate(zip(layers["kind"], layers["commodity"], strict=True))
        if k == "commodity"
    }
    for row in unmet.itertuples():
        if row.unmet <= 0:
            reasons.append("")
            continue
        spare = supply[(supply["commodity"] == row.commodity) & (supply["unused"] > 1e-6)]
        if spare.empty:
            reasons.append("all supply that can reach it is used")
            continue
        cut = _cut_links(
            lp, commodity_layer[row.commodity], x, used, list(spare["node_id"]), row.node_id
        )
        reasons.append(
            "capacity of " + ", ".join(cut)
            if cut
            else "no route from any supply with spare volume (route rules or missing links)"
        )
    unmet["limited_by"] = reasons

    # paths
    node_country = network.nodes["country"]
    paths = decompose_paths(flows, node_country, network.links["countries"])
    paths["commodity"] = (
        layers["commodity"].to_numpy()[paths["layer"].to_numpy(dtype=int)]
        if len(paths)
        else pd.Series(dtype=str)
    )
    paths["agreement_id"] = (
        layers["agreement_id"].to_numpy()[paths["layer"].to_numpy(dtype=int)]
        if len(paths)
        else pd.Series(dtype=str)
    )

    # agreements
    v_mask = (cols["block"] == "v").to_numpy()
    agreement_rows = []
    for col_i, layer in zip(
        np.flatnonzero(v_mask), cols.loc[v_mask, "layer"].astype(int), strict=True
    ):
        meta = layers.loc[layer]
        target = meta["max_volume"] if pd.notna(meta["max_volume"]) else meta["min_volume"]
        volume = float(x[col_i])
        layer_paths = paths[paths["layer"] == layer]
        layer_flows = flows[flows["layer"] == layer]
        shortfall = max(0.0, (target if pd.notna(target) else volume) - volume)
        blocked = ""
        if shortfall > 1e-6:
            cut = _cut_links(lp, layer, x, used, [meta["origin"]], meta["destinations"][0])
            blocked = _rule_block(network, lp, layer) or (
                "capacity of " + ", ".join(cut) if cut else "supply at the origin"
            )
        agreement_rows.append(
            {
                "agreement_id": meta["agreement_id"],
                "commodity": meta["commodity"],
                "origin": meta["origin"],
                "destinations": ";".join(meta["destinations"]),
                "min_volume": meta["min_volume"],
                "max_volume": meta["max_volume"],
                "delivered": volume,
                "shortfall": shortfall,
                "unit": units[meta["commodity"]],
                "route": " | ".join(" -> ".join(p) for p in layer_paths["nodes"]),
                "links": " | ".join(" > ".join(p) for p in layer_paths["links"]),
                "countries": ";".join(
                    dict.fromkeys(c for p in layer_paths["countries"] for c in p)
                ),
                "tariff_cost_usd": float(
                    (layer_flows["flow"] * layer_flows["tariff_usd_per_unit"]).sum()
                ),
                "blocked_by": blocked,
            }
        )
    agreements = pd.DataFrame(
        agreement_rows,
        columns=[
            "agreement_id",
            "commodity",
            "origin",
            "destinations",
            "min_volume",
            "max_volume",
            "delivered",
            "shortfall",
            "unit",
            "route",
            "links",
            "countries",
            "tariff_cost_usd",
            "blocked_by",
        ],
    )

    # transit by country (from paths) and tariff revenue (split over a link's countries)
    transit_rows = []
    for p in paths.itertuples():
        for c in p.countries[1:-1]:
            transit_rows.append({"country": c, "commodity": p.commodity, "volume": p.volume})
    transit = pd.DataFrame(transit_rows, columns=["country", "commodity", "volume"])
    transit = transit.groupby(["country", "commodity"], as_index=False)["volume"].sum()
    revenue = flows[flows["tariff_usd_per_unit"] > 0].copy()
    if not revenue.empty:
        revenue["countries"] = revenue["link_id"].map(
            lambda lid: sorted(lp.arcs.loc[lp.arcs["link_id"] == lid, "countries"].iloc[0])
        )
        revenue["usd"] = (
            revenue["flow"] * revenue["tariff_usd_per_unit"] / revenue["countries"].map(len)
        )
        revenue = revenue.explode("countries").groupby(["countries", "commodity"])["usd"].sum()
        transit = transit.merge(
            revenue.rename("tariff_revenue_usd")
            .rename_axis(["country", "commodity"])
            .reset_index(),
            on=["country", "commodity"],
            how="outer",
        )
    else:
        transit["tariff_revenue_usd"] = 0.0
    transit["volume"] = transit["volume"].fillna(0.0)  # hosts a tariffed link, not a transit
    transit["unit"] = transit["commodity"].map(units)

    # costs
    penalty = pd.to_numeric(unmet["commodity"].map(options.unmet_penalty), errors="coerce")
    penalty = penalty.astype("float64").fillna(1e10)
    costs = pd.DataFrame(
        {
            "item": [
                "tariffs",
                "distance tie-break",
                "unmet demand penalty",
                "agreement reward",
                "open-market value",
            ],
            "value": [
                float((flows["flow"] * flows["tariff_usd_per_unit"]).sum()),
                float((flows["flow"] * (flows["unit_cost"] - flows["tariff_usd_per_unit"])).sum()),
                float((unmet["unmet"] * penalty).sum()),
                float(np.dot(lp.c[v_mask], x[v_mask])),
                float(np.dot(lp.c[m_mask], x[m_mask])),  # open-market value
            ],
        }
    )
    return Results(
        year=lp.year,
        status=sol.status,
        objective=sol.objective,
        solve_seconds=sol.seconds,
        flows=flows.drop(columns=["layer", "efficiency", "unit_cost"]),
        links=link_table,
        unmet=unmet,
        markets=markets,
        supply=supply,
        agreements=agreements,
        paths=paths,
        transit=transit,
        costs=costs,
    )
