"""Shared CLI plumbing: the consoles, exit codes and the --data option."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import typer
from rich.console import Console

__all__ = ["EXIT_BAD_INPUT", "EXIT_INVALID", "EXIT_OK", "DataOption", "err_console", "out_console"]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3

out_console = Console()
err_console = Console(stderr=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="Dataset folder (default: the shipped corridor dataset).",
        show_default=False,
    ),
]
