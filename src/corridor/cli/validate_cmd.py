"""`corridor validate`: check a dataset folder and report every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.console import EXIT_INVALID, DataOption, out_console
from corridor.dataset import validate_dataset


def validate(
    path: Annotated[
        Path | None, typer.Argument(help="Dataset folder (default: shipped).", show_default=False)
    ] = None,
    data: DataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    errors_only: Annotated[bool, typer.Option("--errors-only", help="Hide warnings.")] = False,
) -> None:
    """Validate a dataset folder; exit 1 if it has errors."""
    report, _ = validate_dataset(path or data)
    if as_json:
        typer.echo(report.to_json())
    else:
        report.render(out_console, show_warnings=not errors_only)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)
