"""`corridor --help` and `--version` start without the heavy libraries; each command imports what
it needs when it runs, and a missing optional extra is a message naming it, not a traceback."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from corridor.cli.app import COMMANDS, load_command
from tests.cli.runner import run
from tests.conftest import TINY

#: What --help and --version must not import (each costs 0.1-0.7 s of start-up).
HEAVY = (
    "geopandas",
    "pyogrio",
    "matplotlib",
    "pydantic",
    "dask",
    "distributed",
    "simpy",
    "networkx",
    "scipy.sparse.csgraph",
    "highspy",
    "pycountry",
    "yaml",
    "pandas",
)
#: The packages of the optional extras (pyproject.toml): a plain solve needs none of them.
OPTIONAL = ("geopandas", "pyogrio", "matplotlib", "networkx", "simpy", "dask", "distributed")

# Runs commands one after another in a fresh interpreter, as if the packages named in argv[1]
# were not installed (None in sys.modules: importing them raises ModuleNotFoundError), and
# prints, for each command, its exit code, its output and the modules it had imported.
PROBE = textwrap.dedent(
    """
    import io, json, sys
    from contextlib import redirect_stderr, redirect_stdout

    for name in json.loads(sys.argv[1]):
        sys.modules[name] = None
    from corridor.cli.app import run

    runs = []
    for args in json.loads(sys.argv[2]):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(args, prog_name="corridor")
        loaded = sorted(m for m, module in sys.modules.items() if module is not None)
        runs.append({"code": code, "out": out.getvalue(), "err": err.getvalue(), "loaded": loaded})
    print(json.dumps(runs))
    """
)


def probe(commands: list[list[str]], missing: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(missing), json.dumps(commands)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    runs: list[dict[str, Any]] = json.loads(result.stdout)
    return runs


def test_help_and_version_import_none_of_the_heavy_libraries() -> None:
    version, help_page, solve_help, validate = probe(
        [["--version"], ["--help"], ["solve", "--help"], ["validate", str(TINY)]]
    )
    assert version["code"] == 0 and version["out"].startswith("corridor ")
    assert help_page["code"] == 0 and "solve" in help_page["out"]
    for ran in (version, help_page):
        assert not [m for m in HEAVY if m in ran["loaded"]]
    # a command loads its own needs, and never the extras it does not use
    for ran in (solve_help, validate):
        assert ran["code"] == 0, ran["err"]
        assert not [m for m in OPTIONAL if m in ran["loaded"]]
    assert "highspy" in solve_help["loaded"] and "pandas" in validate["loaded"]


@dataclass
class WithoutExtras:
    """Commands run in one interpreter where no optional package can be imported."""

    folder: Path
    core: list[tuple[list[str], dict[str, Any]]]
    needing: list[tuple[list[str], str, dict[str, Any]]]  # (command, its extra, what it did)


@pytest.fixture(scope="module")
def without_extras(tmp_path_factory: pytest.TempPathFactory) -> WithoutExtras:
    folder = tmp_path_factory.mktemp("no-extras")
    core = [
        ["validate"],
        ["solve", "--year", "2024"],
        ["data", "show"],
        ["data", "export", "-f", "csv", "-o", str(folder / "csv")],
        ["scenario", "validate", "cpc-closed"],
    ]
    export = ["data", "export", "--data", str(TINY), "-f"]
    needing = [
        ([*export, "geojson", "-o", str(folder / "n.geojson")], "geo"),
        ([*export, "gpkg", "-o", str(folder / "n.gpkg")], "geo"),
        (["report", "-o", str(folder / "r.html")], "report"),
        (["transit", "skim", "--from", "C_XIAN", "--to", "C_DUISBURG"], "transit"),
        (["transit", "simulate", "--years", "0.05"], "transit"),
    ]
    runs = probe(core + [args for args, _ in needing], missing=OPTIONAL)
    return WithoutExtras(
        folder,
        list(zip(core, runs[: len(core)], strict=True)),
        [(args, extra, ran) for (args, extra), ran in zip(needing, runs[len(core) :], strict=True)],
    )


def test_the_core_commands_run_without_any_extra(without_extras: WithoutExtras) -> None:
    for args, ran in without_extras.core:
        assert ran["code"] == 0, (args, ran["err"])
    assert (without_extras.folder / "csv" / "nodes.csv").exists()


def _says_install(ran: dict[str, Any], extra: str) -> None:
    message = " ".join(ran["err"].split())
    assert ran["code"] == 2, ran["err"]
    assert message.startswith("error: corridor ") and "which is not installed" in message
    assert f'pip install "corridor[{extra}]"' in message, message
    assert "Traceback" not in ran["err"] and "internal error" not in message


def test_a_command_whose_extra_is_missing_says_which_to_install(
    without_extras: WithoutExtras, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _, extra, ran in without_extras.needing:
        _says_install(ran, extra)
    assert [p.name for p in without_extras.folder.iterdir()] == ["csv"], "nothing else written"
    for name in ("dask", "dask.distributed", "distributed"):  # as if not installed
        monkeypatch.setitem(sys.modules, name, None)
    sweep = run("transit", "sweep", "--volume", "4.5")
    _says_install({"code": sweep.returncode, "err": sweep.stderr}, "dask")


def _first_paragraph(text: str | None) -> str:
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


def test_help_lists_every_command_with_its_own_first_line() -> None:
    for name, lazy in COMMANDS.items():
        assert lazy.help == _first_paragraph(load_command(name).help), name
    result = run("--help")
    assert result.returncode == 0
    page = " ".join(result.stdout.split())
    for name, lazy in COMMANDS.items():
        assert f"{name} {lazy.help}" in page
    assert list(COMMANDS)[:4] == ["validate", "solve", "compare", "report"]


def test_each_command_shows_its_own_help_and_a_typo_gets_a_suggestion() -> None:
    for args, option in (
        (["solve"], "--year"),
        (["report"], "--figures"),
        (["data", "export"], "--format"),
        (["transit", "sweep"], "--workers"),
        (["scenario"], "validate"),
    ):
        result = run(*args, "--help")
        assert result.returncode == 0 and option in result.stdout, args
    typo = run("solv")
    assert typo.returncode == 2 and "Did you mean 'solve'?" in typo.stderr
