"""The shipped basemap: Natural Earth 1:50m country polygons for the modelled region."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

__all__ = ["BASEMAP_PATH", "REGION_CRS", "country_distances_km", "read_basemap"]

BASEMAP_PATH = Path(__file__).resolve().parent.parent / "data" / "basemap" / "countries.geojson"
#: Azimuthal equidistant projection centred on the Caspian, in km: within ~4 % over the region.
REGION_CRS = "+proj=aeqd +lat_0=42 +lon_0=50 +units=km +datum=WGS84"


@lru_cache(maxsize=1)
def read_basemap() -> gpd.GeoDataFrame:
    """Country polygons (column ``iso_a2``) of lon 0–125 E, lat 20–62 N, in WGS84."""
    frame = gpd.read_file(BASEMAP_PATH)
    return frame[frame["iso_a2"] != ""].dissolve(by="iso_a2", as_index=False)


@lru_cache(maxsize=1)
def _projected_countries() -> tuple[list[str], npt.NDArray[np.object_]]:
    basemap = read_basemap().to_crs(REGION_CRS)
    return list(basemap["iso_a2"]), np.asarray(basemap.geometry.values, dtype=object)


def country_distances_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Distance from each point to each country of the basemap.

    Returns
    -------
    codes, distances
        ISO alpha-2 codes and a (points x countries) array of distances in km (0 inside).
    """
    codes, geoms = _projected_countries()
    points = gpd.GeoSeries(
        gpd.points_from_xy(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)),
        crs="EPSG:4326",
    ).to_crs(REGION_CRS)
    pts = np.asarray(points.values, dtype=object)
    return codes, np.asarray(shapely.distance(pts[:, None], geoms[None, :]), dtype=float)
