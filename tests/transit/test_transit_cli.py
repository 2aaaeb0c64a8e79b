"""`corridor transit` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from tests.cli.runner import run
from tests.transit.test_skims import _network


def test_skim_without_a_route_for_the_commodity_is_a_clear_error(tmp_path: Path) -> None:
    _network(tmp_path / "data")
    # the fixture carries general freight only; containers have no route there
    result = run("transit", "skim", "--from", "N0", "--to", "N4", "--data", str(tmp_path / "data"))
    assert result.returncode == 2 and "no containers route" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_skim_on_the_shipped_data(tmp_path: Path) -> None:
    out = tmp_path / "skim"
    result = run(
        "transit", "skim", "--from", "C_XIAN", "--to", "C_DUISBURG", "--by-family", "--out",
        str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Northern" in result.stdout and "Middle Corridor via Aktau" in result.stdout
    routes = pd.read_csv(out / "routes.csv")
    steps = pd.read_csv(out / "steps.csv")
    assert routes["total_h"].iloc[0] == 312.0
    per_route = steps.groupby("rank")["hours"].sum().to_numpy()
    assert np.allclose(per_route, routes["total_h"].to_numpy())
    bad = run("transit", "skim", "--from", "C_NOWHERE", "--to", "C_DUISBURG")
    assert bad.returncode == 2 and "unknown origin node 'C_NOWHERE'" in bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr
    typo = run("transit", "skim", "--from", "C_XIAN", "--to", "C_DUSIBURG")
    assert typo.returncode == 2 and "(did you mean 'C_DUISBURG'?)" in " ".join(typo.stderr.split())


def test_simulate_writes_tables_summary_and_charts(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = run("transit", "simulate", "--years", "0.1", "--seed", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "mean wait for a ferry" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["units_arrived"] > 0
    units = pd.read_csv(out / "units.csv")
    assert len(units) == summary["units_arrived"]
    for png in ("transit_time.png", "queues.png"):
        with Image.open(out / png) as image:
            pixels = np.asarray(image.convert("L"))
            assert image.size[0] > 400 and len(np.unique(pixels)) > 10
    bad = run("transit", "simulate", "--handling", "0", "--out", str(tmp_path / "never"))
    assert bad.returncode == 2 and "handling_factor must be a finite number above 0" in bad.stderr
    assert not (tmp_path / "never").exists()


def test_sweep_rejects_bad_numbers() -> None:
    result = run("transit", "sweep", "--volume", "four")
    assert result.returncode == 2
    assert "--volume takes numbers" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_bad_simulation_settings_are_input_errors_not_crashes() -> None:
    for args, words in (
        (("simulate", "--policy", "schedule", "--headway", "0"), "headway_hours"),
        (("simulate", "--years", "0"), "simulate.years"),
        (("simulate", "--seed", "-1"), "simulate.seed"),
        (("simulate", "--policy", "nope"), "policy"),
        (("sweep", "--volume", "4.5", "--workers", "0"), "sweep.workers"),
        (("sweep", "--volume", "4.5", "--ferries", "2.7"), "whole numbers"),
    ):
        result = run("transit", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "internal error" not in result.stderr
