"""The `corridor` command as a user runs it: exit codes, messages, no tracebacks, atomic output."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import corridor
from tests.cli.runner import run
from tests.conftest import TINY, edit_csv


def test_validate_good_dataset_exits_zero() -> None:
    result = run("validate", str(TINY))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_validate_broken_dataset_names_file_row_column_value(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", lambda f: f.assign(capacity=["10", "lots"]))
    result = run("validate", "--data", str(tiny_copy))
    assert result.returncode == 1
    out = result.stdout
    assert "bad-value" in out and "links.csv:3" in out and "capacity" in out and "lots" in out
    assert "Traceback" not in out + result.stderr


def test_validate_json_report(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", lambda f: f.assign(to_node=["T_B", "M_NOWHERE"]))
    result = run("validate", str(tiny_copy), "--json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    codes = {i["code"] for i in payload["issues"]}
    assert "unknown-node" in codes and payload["ok"] is False


def test_missing_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_data_show_on_a_broken_dataset_reports_and_exits_one(tiny_copy: Path) -> None:
    (tiny_copy / "nodes.csv").write_text("node_id,name\nX,\n")
    result = run("data", "show", "--data", str(tiny_copy))
    assert result.returncode == 1
    assert "missing-column" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = run("data", "export", "--format", "shapefile", "-o", "x")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_data_show_summarises(tiny_copy: Path) -> None:
    result = run("data", "show", "--data", str(tiny_copy))
    assert result.returncode == 0, result.stderr
    assert "nodes by kind" in result.stdout and "L_BC" in result.stdout
    assert "5 Mt/yr" in result.stdout  # 100,000 b/d at 7.3 bbl/t


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_formats(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / ("out" if fmt == "csv" else f"net.{fmt}")
    result = run("data", "export", "--format", fmt, "-o", str(target), "--data", str(TINY))
    assert result.returncode == 0, result.stderr
    if fmt == "geojson":
        payload = json.loads(target.read_text())
        kinds = [f["properties"]["feature_type"] for f in payload["features"]]
        assert kinds.count("node") == 3 and kinds.count("link") == 2
        link = next(f for f in payload["features"] if f["properties"].get("link_id") == "L_AB")
        assert link["geometry"]["coordinates"] == [[49.87, 40.41], [44.79, 41.72]]
    elif fmt == "gpkg":
        links = gpd.read_file(target, layer="links")
        assert set(links["link_id"]) == {"L_AB", "L_BC"}
        assert links.crs.to_epsg() == 4326
    else:
        again = corridor.load(target)
        original = corridor.load(TINY)
        for name in ("nodes", "links", "provenance", "agreements"):
            pd.testing.assert_frame_equal(getattr(again, name), getattr(original, name))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not leftovers, "atomic writes leave no temporary files"


def test_export_replaces_its_own_output_but_not_files_added_to_it(tmp_path: Path) -> None:
    target = tmp_path / "out"
    first = run("data", "export", "-f", "csv", "-o", str(target), "--data", str(TINY))
    assert first.returncode == 0, first.stderr
    result = run("data", "export", "-f", "csv", "-o", str(target), "--data", str(TINY))
    assert result.returncode == 0, result.stderr
    assert corridor.load(target).nodes.index.tolist() == ["F_A", "T_B", "M_C"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (target / "mine.csv").write_text("keep me")
    result = run("data", "export", "-f", "csv", "-o", str(target), "--data", str(TINY))
    assert result.returncode == 2 and "did not write (mine.csv)" in result.stderr
    assert (target / "mine.csv").read_text() == "keep me"


def test_output_never_replaces_a_folder_or_file_corridor_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    a_file = tmp_path / "results.txt"
    a_file.write_text("keep me too")
    for target in (mine, a_file):
        result = run("solve", "--year", "2023", "--data", str(TINY), "--out", str(target))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "corridor did not write" in result.stderr or "is a file" in result.stderr
    assert (mine / "notes.txt").read_text() == "keep me" and len(list(mine.iterdir())) == 1
    assert a_file.read_text() == "keep me too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-notes", "results.txt"]


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and corridor.__version__ in result.stdout


def test_solve_writes_results_atomically(tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run("solve", "--year", "2023", "--data", str(TINY), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Flows on the main corridors" in result.stdout
    for name in (
        "flows",
        "links",
        "unmet",
        "markets",
        "supply",
        "agreements",
        "paths",
        "transit",
        "costs",
    ):
        assert (out / f"{name}.csv").exists()
        pd.read_parquet(out / f"{name}.parquet")
    summary = json.loads((out / "summary.json").read_text())
    delivered = summary["delivered_to_demand"]["crude_oil"]
    assert summary["year"] == 2023 and delivered["value"] == pytest.approx(5.0)
    assert delivered["unit"] == "Mt/yr"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_solve_with_rules_and_unknown_option(tmp_path: Path) -> None:
    result = run("solve", "--data", str(TINY), "--year", "2023", "--avoid", "GE")
    assert result.returncode == 0
    assert "capacity of" in result.stdout or "no route" in result.stdout or "Unmet" in result.stdout
    bad = run("solve", "--data", str(TINY), "--method", "magic")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
