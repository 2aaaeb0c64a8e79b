"""Shared fixtures: the hand-made tiny dataset and writable copies of datasets."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

import corridor
from corridor.dataset.read import default_data_path

# CI runs the same examples every time (a red CI must be reproducible); locally each run
# explores new ones. Select with HYPOTHESIS_PROFILE=explore|ci.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "explore")
)

TINY = Path(__file__).parent / "data" / "tiny"
SHIPPED = default_data_path()


@cache
def shipped_network() -> corridor.Network:
    """The shipped dataset, loaded and validated once for the whole run: the tests that only
    read it share it (tests of loading itself call ``corridor.load()``)."""
    return corridor.load()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test that opens the report in Chromium (its ``chromium`` fixture),
    so that ``-m "not browser"`` runs the suite where no Chromium is installed."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of tests/data/tiny."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped dataset (CSV files only)."""
    target = tmp_path / "shipped"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("basemap", "__pycache__"))
    return target


def edit_csv(folder: Path, table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Rewrite ``folder/table.csv`` after applying ``change`` to its text frame."""
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame).to_csv(path, index=False)
