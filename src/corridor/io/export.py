"""Write a network for GIS tools (GeoJSON, GeoPackage) or as a dataset folder (CSV)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, TypeVar

import pandas as pd

from corridor.errors import InputFileError
from corridor.geo.frames import links_to_geodataframe, nodes_to_geodataframe
from corridor.io.atomic import atomic_write_dir, atomic_write_file
from corridor.network import Network
from corridor.schema import TABLES

FrameT = TypeVar("FrameT", bound=pd.DataFrame)

__all__ = ["EXPORT_FORMATS", "export_network", "tables_to_csv_frames"]

EXPORT_FORMATS: Final = ("geojson", "gpkg", "csv")
_LIST_SEP = ";"


def _flatten(frame: FrameT) -> FrameT:
    """Join list cells with ';' so that every cell is a scalar."""
    out: FrameT = frame.copy()
    for column in out.columns:
        if any(isinstance(v, tuple | list) for v in out[column]):
            out[column] = out[column].map(
                lambda v: _LIST_SEP.join(v) if isinstance(v, tuple | list) else v
            )
    return out


def tables_to_csv_frames(network: Network) -> dict[str, pd.DataFrame]:
    """The network's tables in dataset-file form: id column first, spec columns only."""
    frames = {}
    for name, spec in TABLES.items():
        frame = getattr(network, name)
        if spec.id_column:
            frame = frame.reset_index()
        frames[name] = _flatten(frame[list(spec.column_names)])
    return frames


def _write_csv_folder(network: Network, folder: Path) -> None:
    for name, frame in tables_to_csv_frames(network).items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def _write_geojson(network: Network, file: Path) -> None:
    features = []
    for kind, gdf in (
        ("node", nodes_to_geodataframe(network)),
        ("link", links_to_geodataframe(network)),
    ):
        flat = _flatten(gdf.reset_index())
        collection = json.loads(flat.to_json(na="null", drop_id=True))
        for feature in collection["features"]:
            feature["properties"] = {"feature_type": kind, **feature["properties"]}
        features += collection["features"]
    file.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )


def _write_gpkg(network: Network, file: Path) -> None:
    nodes = _flatten(nodes_to_geodataframe(network).reset_index())
    links = _flatten(links_to_geodataframe(network).reset_index())
    nodes.to_file(file, layer="nodes", driver="GPKG", engine="pyogrio")
    links.to_file(file, layer="links", driver="GPKG", engine="pyogrio", mode="a")


def export_network(network: Network, path: Path | str, fmt: str) -> Path:
    """Write ``network`` to ``path`` atomically.

    Parameters
    ----------
    fmt
        ``geojson``: one FeatureCollection of node points and link lines (property
        ``feature_type``); ``gpkg``: a GeoPackage with layers ``nodes`` and ``links``; ``csv``:
        a dataset folder in corridor's own format (loadable with ``corridor.load``).

    Raises
    ------
    InputFileError
        If the format is unknown.
    """
    target = Path(path)
    if fmt not in EXPORT_FORMATS:
        raise InputFileError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if fmt == "csv":
        atomic_write_dir(target, lambda tmp: _write_csv_folder(network, tmp))
    elif fmt == "geojson":
        atomic_write_file(target, lambda tmp: _write_geojson(network, tmp))
    else:
        atomic_write_file(target, lambda tmp: _write_gpkg(network, tmp))
    return target
