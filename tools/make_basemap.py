"""Build src/corridor/data/basemap/countries.geojson from Natural Earth 1:50m admin-0 boundaries.

Input: ``countries-50m.json`` (TopoJSON) from the npm package world-atlas 2.0.2, which repackages
Natural Earth (public domain). Run once when the basemap needs refreshing:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_basemap.py package/countries-50m.json

The output keeps the region corridor models (lon 0–125 E, lat 20–62 N), adds ISO alpha-2 codes
and rounds coordinates to 0.01°.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry
import shapely
from shapely.geometry import box, mapping, shape

REGION = box(0.0, 20.0, 125.0, 62.0)
OUT = Path(__file__).resolve().parent.parent / "src/corridor/data/basemap/countries.geojson"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Decode delta-encoded, quantized TopoJSON arcs to lon/lat lists."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def main(path: str) -> None:
    topo = json.loads(Path(path).read_text())
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        coords = [[ring(r, arcs) for r in poly] for poly in polys]
        g = shape({"type": "MultiPolygon", "coordinates": coords}).buffer(0)
        clipped = g.intersection(REGION)
        if clipped.is_empty:
            continue
        numeric = str(geom.get("id", "")).zfill(3)
        country = pycountry.countries.get(numeric=numeric)
        name = geom.get("properties", {}).get("name", "")
        code = country.alpha_2 if country else {"Kosovo": "XK", "N. Cyprus": "CY"}.get(name, "")
        simplified = clipped.simplify(0.01, preserve_topology=True)
        rounded = shapely.set_precision(simplified, 0.01)
        gj = json.loads(json.dumps(mapping(rounded)), parse_float=lambda s: round(float(s), 2))
        features.append(
            {"type": "Feature", "properties": {"iso_a2": code, "name": name}, "geometry": gj}
        )
    out = {
        "type": "FeatureCollection",
        "name": "countries",
        "source": "Natural Earth 1:50m admin-0 countries via world-atlas 2.0.2 (public domain)",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")))
    print(f"wrote {OUT} with {len(features)} countries")


if __name__ == "__main__":
    main(sys.argv[1])
