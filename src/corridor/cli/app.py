"""The `corridor` command: entry point, error handling and exit codes."""

from __future__ import annotations

import logging
import os
import sys

import typer
from rich.logging import RichHandler

from corridor.cli import data_cmd, scenario_cmd, transit_cmd
from corridor.cli.console import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INVALID, err_console
from corridor.cli.report_cmd import report
from corridor.cli.solve_cmd import solve
from corridor.cli.validate_cmd import validate
from corridor.errors import CorridorError, ValidationError
from corridor.metadata import corridor_version

__all__ = ["app", "main"]

app = typer.Typer(
    name="corridor",
    help="Energy and freight corridors from Central Asia across the Caspian to Türkiye and Europe.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(validate)
app.command()(solve)
app.add_typer(data_cmd.app, name="data")
app.add_typer(transit_cmd.app, name="transit")
app.add_typer(scenario_cmd.app, name="scenario")
app.command()(scenario_cmd.compare)
app.command()(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corridor {corridor_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each pipeline stage."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    level = logging.INFO if verbose else logging.WARNING
    # the handler's level too: libraries that set their own loggers' levels (Dask) stay quiet
    handler = RichHandler(console=err_console, show_path=False, level=level)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])


def main() -> None:
    """Run the CLI; turn corridor's errors into messages and exit codes, never tracebacks."""
    try:
        code = app(standalone_mode=False)
    except ValidationError as err:
        err.report.render(err_console, show_warnings=False)
        sys.exit(EXIT_INVALID)
    except CorridorError as err:
        err_console.print(f"[bold red]error:[/] {err}")
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as err:
        sys.exit(err.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.TyperException as err:  # usage errors: typer prints them like click does
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"[bold red]error:[/] {err.format_message()}")
        sys.exit(EXIT_BAD_INPUT)
    except Exception as err:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(err).__name__}: {err}\n"
            "This is a corridor bug. Run again with CORRIDOR_DEBUG=1 for the traceback and "
            "please report it."
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
