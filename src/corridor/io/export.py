"""Write a network for GIS tools (GeoJSON, GeoPackage) or as a dataset folder (CSV)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Final

import pandas as pd

from corridor.dataset.cells import flatten_lists
from corridor.dataset.network import Network
from corridor.errors import InputFileError
from corridor.io.atomic import atomic_write_dir, atomic_write_file, check_output_file
from corridor.schema import TABLES

__all__ = ["EXPORT_FORMATS", "export_network", "is_corridor_geojson", "tables_to_csv_frames"]

EXPORT_FORMATS: Final = ("geojson", "gpkg", "csv")
#: Top-level member of the GeoJSON corridor writes (a foreign member, RFC 7946 section 6.1).
GEOJSON_GENERATOR: Final = "corridor"
# written right after "type", so the first bytes tell a file corridor wrote
_OWN_GEOJSON = re.compile(
    rb'\A\s*\{\s*"type"\s*:\s*"FeatureCollection"\s*,\s*"generator"\s*:\s*'
    + re.escape(json.dumps(GEOJSON_GENERATOR).encode())
)


def tables_to_csv_frames(network: Network) -> dict[str, pd.DataFrame]:
    """The network's tables in dataset-file form: id column first, spec columns only."""
    frames = {}
    for name, spec in TABLES.items():
        frame = getattr(network, name)
        if spec.id_column:
            frame = frame.reset_index()
        frames[name] = flatten_lists(frame[list(spec.column_names)])
    return frames


def _write_csv_folder(network: Network, folder: Path) -> None:
    for name, frame in tables_to_csv_frames(network).items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def _write_geojson(network: Network, file: Path) -> None:
    from corridor.io.frames import links_to_geodataframe, nodes_to_geodataframe  # geo extra

    features = []
    for kind, gdf in (
        ("node", nodes_to_geodataframe(network)),
        ("link", links_to_geodataframe(network)),
    ):
        flat = flatten_lists(gdf.reset_index())
        collection = json.loads(flat.to_json(na="null", drop_id=True))
        for feature in collection["features"]:
            feature["properties"] = {"feature_type": kind, **feature["properties"]}
        features += collection["features"]
    collection = {
        "type": "FeatureCollection",
        "generator": GEOJSON_GENERATOR,
        "features": features,
    }
    file.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")


def _write_gpkg(network: Network, file: Path) -> None:
    from corridor.io.frames import links_to_geodataframe, nodes_to_geodataframe  # geo extra

    nodes = flatten_lists(nodes_to_geodataframe(network).reset_index())
    links = flatten_lists(links_to_geodataframe(network).reset_index())
    nodes.to_file(file, layer="nodes", driver="GPKG", engine="pyogrio")
    links.to_file(file, layer="links", driver="GPKG", engine="pyogrio", mode="a")


def is_corridor_geojson(path: Path) -> bool:
    """Whether ``path`` is a GeoJSON file corridor wrote (its ``"generator": "corridor"``)."""
    with path.open("rb") as file:
        return _OWN_GEOJSON.match(file.read(256)) is not None


def export_network(network: Network, path: Path | str, fmt: str, *, force: bool = False) -> Path:
    """Write ``network`` to ``path`` atomically.

    Parameters
    ----------
    fmt
        ``geojson``: one FeatureCollection of node points and link lines (property
        ``feature_type``; top-level ``"generator": "corridor"``); ``gpkg``: a GeoPackage with
        layers ``nodes`` and ``links``; ``csv``: a dataset folder in corridor's own format
        (loadable with ``corridor.load``).
    force
        Overwrite an existing file (GeoJSON or GeoPackage) that corridor did not write. Without
        it only a GeoJSON file corridor wrote is replaced (a GeoPackage carries no mark, so an
        existing one is refused). Never a folder: a csv export replaces only an empty folder or
        an earlier output of corridor holding just the files it wrote.

    Raises
    ------
    InputFileError
        If the format is unknown, or ``path`` may not be replaced.
    """
    target = Path(path)
    if fmt not in EXPORT_FORMATS:
        raise InputFileError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if fmt == "csv":
        atomic_write_dir(target, lambda tmp: _write_csv_folder(network, tmp))
    elif fmt == "geojson":
        check_output_file(target, is_own=is_corridor_geojson, force=force)
        atomic_write_file(target, lambda tmp: _write_geojson(network, tmp))
    else:
        check_output_file(target, force=force)
        atomic_write_file(target, lambda tmp: _write_gpkg(network, tmp))
    return target
