"""The installed `corridor` command as a user starts it: its exit codes and messages, never a
traceback (the other CLI tests run the same code in the test process)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import corridor
from tests.cli.runner import run_installed
from tests.conftest import edit_csv


def test_version_is_the_installed_distribution() -> None:
    result = run_installed("--version")
    assert result.returncode == 0
    assert result.stdout == f"corridor {version('corridor')}\n"
    assert corridor.__version__ == version("corridor")


def test_exit_codes_and_no_traceback(tmp_path: Path, tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", lambda f: f.assign(capacity=["10", "lots"]))
    for args, code, said in (
        (["validate", str(tiny_copy)], 1, "links.csv:3"),
        (["validate", str(tmp_path / "nope")], 2, "does not exist"),
        (["data", "export", "--format", "shapefile", "-o", "x"], 2, "shapefile"),
    ):
        result = run_installed(*args)
        assert result.returncode == code, (args, result.stdout + result.stderr)
        assert said in result.stdout + result.stderr, args
        assert "Traceback" not in result.stdout + result.stderr
