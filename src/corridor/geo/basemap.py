"""The shipped basemap: Natural Earth 1:50m country polygons for the modelled region.

The validator's distances need only shapely and pyproj (core dependencies); the GeoDataFrame of
:func:`read_basemap` (the report's map) needs GeoPandas, the ``geo`` extra.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import Transformer

__all__ = ["BASEMAP_PATH", "REGION_CRS", "country_distances_km", "read_basemap"]

BASEMAP_PATH = Path(__file__).resolve().parent.parent / "data" / "basemap" / "countries.geojson"
#: Azimuthal equidistant projection centred on the Caspian, in km: within ~4 % over the region.
REGION_CRS = "+proj=aeqd +lat_0=42 +lon_0=50 +units=km +datum=WGS84"
WGS84 = "EPSG:4326"


@lru_cache(maxsize=1)
def read_basemap() -> gpd.GeoDataFrame:
    """Country polygons (column ``iso_a2``) of lon 0–125 E, lat 20–62 N, in WGS84."""
    import geopandas as gpd

    frame = gpd.read_file(BASEMAP_PATH)
    return frame[frame["iso_a2"] != ""].dissolve(by="iso_a2", as_index=False)


def _country_shapes() -> tuple[list[str], npt.NDArray[np.object_]]:
    """The basemap's countries (sorted ISO codes) and each one's polygons merged, in WGS84:
    the rows and geometries of :func:`read_basemap`, read without GeoPandas."""
    import shapely
    from shapely.geometry import shape

    features = json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))["features"]
    parts: defaultdict[str, list[object]] = defaultdict(list)
    for feature in features:
        code = feature["properties"]["iso_a2"]
        if code:
            parts[code].append(shape(feature["geometry"]))
    codes = sorted(parts)
    return codes, np.asarray([shapely.union_all(parts[c]) for c in codes], dtype=object)


@lru_cache(maxsize=1)
def _transformer() -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(WGS84, REGION_CRS, always_xy=True)


def _to_region(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Geometries in WGS84 projected to :data:`REGION_CRS` (vertex by vertex, as GeoPandas'
    ``to_crs`` does)."""
    import shapely

    coords = shapely.get_coordinates(geoms)
    x, y = _transformer().transform(coords[:, 0], coords[:, 1])
    projected = shapely.set_coordinates(geoms.copy(), np.column_stack([x, y]))
    return np.asarray(projected, dtype=object)


@lru_cache(maxsize=1)
def _projected_countries() -> tuple[list[str], npt.NDArray[np.object_]]:
    codes, geoms = _country_shapes()
    return codes, _to_region(geoms)


def country_distances_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Distance from each point to each country of the basemap.

    Returns
    -------
    codes, distances
        ISO alpha-2 codes and a (points x countries) array of distances in km (0 inside).
    """
    import shapely

    codes, geoms = _projected_countries()
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    pts = _to_region(np.atleast_1d(np.asarray(points, dtype=object)))
    return codes, np.asarray(shapely.distance(pts[:, None], geoms[None, :]), dtype=float)
