"""Run the `corridor` command as the tests need it.

:func:`run` calls the CLI in the test process, through the same exit-code mapping as the
installed command (:func:`corridor.cli.app.run`), at a terminal width of ``columns`` and
without colour, and returns what it printed: no interpreter start-up per command.
:func:`run_installed` runs the installed ``corridor`` entry point as a subprocess, for the few
tests of the command a user starts (exit codes, no traceback).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from corridor.cli import app as cli

#: The ``corridor`` script installed with the interpreter that runs the tests.
ENTRY_POINT = Path(sys.executable).with_name("corridor")


@dataclass(frozen=True)
class Ran:
    """What a command printed and its exit code (named as in subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path | None = None, columns: int = 160) -> Ran:
    """Run ``corridor *args`` in this process (in ``cwd`` if given)."""
    runner = CliRunner()
    env = {"COLUMNS": str(columns), "NO_COLOR": "1"}
    with contextlib.chdir(cwd or Path.cwd()), runner.isolation(env=env) as (out, err, _):
        code = cli.run(list(args), prog_name="corridor")
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = (stream.getvalue().decode(runner.charset) for stream in (out, err))
    return Ran(code, stdout, stderr)


def run_installed(
    *args: str, cwd: Path | None = None, columns: int = 160
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``corridor`` command in a new process."""
    assert ENTRY_POINT.exists(), f"corridor is not installed next to {sys.executable}"
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run(
        [str(ENTRY_POINT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )
