"""The map's region: the basemap clipped and simplified around the nodes drawn, and the
corridor's core that the page opens on."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from corridor.errors import ParameterError
from corridor.geo.basemap import read_basemap

__all__ = ["basemap_to_json", "clip_basemap", "focus_bounds", "region_bounds"]

Bounds = tuple[float, float, float, float]


def region_bounds(nodes: Iterable[pd.DataFrame], *, margin_deg: float = 4.0) -> Bounds:
    """(min lon, min lat, max lon, max lat) of the nodes of every table, plus a margin."""
    frame = pd.concat([n[["lon", "lat"]] for n in nodes]).dropna()
    return (
        max(float(frame["lon"].min()) - margin_deg, -180.0),
        max(float(frame["lat"].min()) - margin_deg, -90.0),
        min(float(frame["lon"].max()) + margin_deg, 180.0),
        min(float(frame["lat"].max()) + margin_deg, 90.0),
    )


def _shortest_range(values: Sequence[float], share: float) -> tuple[float, float]:
    """The shortest interval holding ``share`` of the values (at least one)."""
    ordered = sorted(values)
    count = max(1, math.ceil(share * len(ordered)))
    start = min(range(len(ordered) - count + 1), key=lambda i: ordered[i + count - 1] - ordered[i])
    return ordered[start], ordered[start + count - 1]


def focus_bounds(
    points: Iterable[Sequence[float]], *, share: float = 0.8, margin_deg: float = 2.0
) -> Bounds | None:
    """Where most of the network lies: per axis, the shortest range holding ``share`` of the
    points (lon, lat), plus a margin; None without points.

    On link ends this is the Caspian-Black Sea region: the long arms to Rotterdam and Xi'an
    are few of the ends, so they fall outside.

    Raises
    ------
    ParameterError
        If ``share`` is not in (0, 1].
    """
    if not 0 < share <= 1:
        raise ParameterError(f"share must be in (0, 1], got {share}")
    finite = [(float(p[0]), float(p[1])) for p in points if all(map(math.isfinite, p[:2]))]
    if not finite:
        return None
    lon = _shortest_range([p[0] for p in finite], share)
    lat = _shortest_range([p[1] for p in finite], share)
    return (
        max(lon[0] - margin_deg, -180.0),
        max(lat[0] - margin_deg, -90.0),
        min(lon[1] + margin_deg, 180.0),
        min(lat[1] + margin_deg, 90.0),
    )


def clip_basemap(bounds: Bounds, *, tolerance_deg: float = 0.04) -> gpd.GeoDataFrame:
    """Country polygons (iso_a2, name) cut to ``bounds`` and simplified, in WGS84."""
    frame = read_basemap()
    geoms = shapely.simplify(
        shapely.intersection(frame.geometry.to_numpy(), shapely.box(*bounds)), tolerance_deg
    )
    clipped = gpd.GeoDataFrame(
        {"iso_a2": frame["iso_a2"].to_numpy(), "name": frame["name"].to_numpy()},
        geometry=geoms,
        crs=frame.crs,
    )
    return clipped[~clipped.geometry.is_empty].reset_index(drop=True)


def _rings(geom: shapely.Geometry) -> list[list[list[float]]]:
    """Outer and inner rings of a (multi)polygon as [[lon, lat], ...] rounded to 0.01°."""
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    rings = []
    for poly in polygons:
        for ring in (poly.exterior, *poly.interiors):
            rings.append([[round(x, 2), round(y, 2)] for x, y in ring.coords])
    return rings


def basemap_to_json(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The countries of :func:`clip_basemap` as JSON-able dicts: iso, name, rings."""
    return [
        {"iso": str(iso), "name": str(name), "rings": _rings(geom)}
        for iso, name, geom in zip(frame["iso_a2"], frame["name"], frame.geometry, strict=True)
    ]
