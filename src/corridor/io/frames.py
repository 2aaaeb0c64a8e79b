"""GeoPandas views of a network: nodes as points, links as straight lines between their ends."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from corridor.dataset.network import Network

__all__ = ["links_to_geodataframe", "nodes_to_geodataframe"]

WGS84 = "EPSG:4326"


def nodes_to_geodataframe(network: Network) -> gpd.GeoDataFrame:
    """Nodes as a GeoDataFrame of points (WGS84), indexed by node_id."""
    nodes = network.nodes
    return gpd.GeoDataFrame(
        nodes.copy(), geometry=gpd.points_from_xy(nodes["lon"], nodes["lat"]), crs=WGS84
    )


def links_to_geodataframe(network: Network) -> gpd.GeoDataFrame:
    """Links as a GeoDataFrame of straight two-point lines (WGS84), indexed by link_id.

    The lines show which nodes a link joins, not its real path on the ground.
    """
    links, nodes = network.links, network.nodes
    start = nodes.loc[links["from_node"], ["lon", "lat"]].to_numpy(dtype=float)
    end = nodes.loc[links["to_node"], ["lon", "lat"]].to_numpy(dtype=float)
    coords = pd.DataFrame({"x0": start[:, 0], "y0": start[:, 1], "x1": end[:, 0], "y1": end[:, 1]})
    lines = shapely.linestrings(coords[["x0", "y0", "x1", "y1"]].to_numpy().reshape(-1, 2, 2))
    return gpd.GeoDataFrame(links.copy(), geometry=lines, crs=WGS84)
