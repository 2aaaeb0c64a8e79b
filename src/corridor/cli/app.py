"""The `corridor` command: entry point, error handling and exit codes.

Each command's module (and what it needs: pandas, the solver, pydantic, GeoPandas, ...) is
imported only when that command runs, so ``corridor --help`` and ``--version`` start fast.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, cast

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from corridor.cli.console import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INVALID,
    err_console,
    reset_consoles,
)
from corridor.errors import CorridorError, ValidationError

__all__ = ["COMMANDS", "EXTRAS", "MissingExtraError", "app", "load_command", "main", "run"]


@dataclass(frozen=True)
class LazyCommand:
    """A command of `corridor`, by where it is defined and its line in ``corridor --help``."""

    module: str
    attribute: str  #: a command function, or a ``typer.Typer`` of subcommands
    help: str  #: the first line of its help (a test checks it against the command's own)


#: The commands in the order ``corridor --help`` lists them.
COMMANDS: Final = {
    "validate": LazyCommand(
        "corridor.cli.validate_cmd",
        "validate",
        "Validate a dataset folder; exit 1 if it has errors.",
    ),
    "solve": LazyCommand(
        "corridor.cli.solve_cmd",
        "solve",
        "Optimise the flows of a year: routes, bottlenecks, unmet demand, agreements.",
    ),
    "compare": LazyCommand(
        "corridor.cli.scenario_cmd",
        "compare",
        "Solve scenarios and show their differences side by side (Δ = scenario - first).",
    ),
    "report": LazyCommand(
        "corridor.cli.report_cmd",
        "report",
        "Write a self-contained HTML report: flow map, Sankey, bottlenecks, agreements, sources.",
    ),
    "backtest": LazyCommand(
        "corridor.cli.backtest_cmd",
        "backtest",
        "Check the model against observed flows: error and verdict per observation.",
    ),
    "resilience": LazyCommand(
        "corridor.cli.resilience_cmd", "app", "Resilience: which failures cost most."
    ),
    "plan": LazyCommand(
        "corridor.cli.plan_cmd",
        "plan_command",
        "Plan investments: the projects and years that reach a target at least cost.",
    ),
    "data": LazyCommand("corridor.cli.data_cmd", "app", "Look at a dataset and export it."),
    "transit": LazyCommand(
        "corridor.cli.transit_cmd",
        "app",
        "Transit time: route skims and the Caspian crossing simulation.",
    ),
    "scenario": LazyCommand(
        "corridor.cli.scenario_cmd",
        "app",
        "What-if scenarios: list, show and validate scenario files.",
    ),
}

#: The optional extras (pyproject.toml) and the packages each one installs that commands import.
EXTRAS: Final = {
    "geo": ("geopandas", "pyogrio"),
    "report": ("matplotlib", "geopandas", "pyogrio"),
    "transit": ("networkx", "simpy", "matplotlib"),
    "dask": ("dask", "distributed"),
}


class MissingExtraError(CorridorError):
    """A command needs a package of an optional extra that is not installed."""


def missing_extra(err: ModuleNotFoundError, command: str | None) -> MissingExtraError | None:
    """What to install when ``command`` failed because ``err``'s package is missing: the extra
    named after the command if it has the package, else the first one that does (``None`` when
    no extra installs it: a bug, not a missing extra)."""
    package = (err.name or "").partition(".")[0]
    extras = [extra for extra, packages in EXTRAS.items() if package in packages]
    if not extras:
        return None
    extra = command if command in extras else extras[0]
    who = f"corridor {command}" if command else "this command"
    return MissingExtraError(
        f"{who} needs {package}, which is not installed; install the {extra!r} extra: "
        f'pip install "corridor[{extra}]"'
    )


@contextmanager
def _extras_named(command: str | Callable[[], str | None]) -> Iterator[None]:
    """Turn a missing optional package into a :class:`MissingExtraError` for ``command`` (a
    name, or a function that tells it once known)."""
    try:
        yield
    except ModuleNotFoundError as err:
        missing = missing_extra(err, command if isinstance(command, str) else command())
        if missing is None:
            raise
        raise missing from err


def load_command(name: str) -> Any:
    """The (click) command ``name`` of `corridor`, built as ``app.command()`` or
    ``app.add_typer()`` would build it: its module is imported here."""
    lazy = COMMANDS[name]
    target = getattr(importlib.import_module(lazy.module), lazy.attribute)
    holder = typer.Typer(add_completion=False)
    holder.callback()(lambda: None)  # a group, so that ``name`` is built as a subcommand
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return cast(TyperGroup, typer.main.get_command(holder)).commands[name]


class _Listed(TyperCommand):
    """A command's line in ``corridor --help``, until the command is loaded."""


class LazyGroup(TyperGroup):
    """The root command: lists every command of :data:`COMMANDS` and imports one only to run
    it (or show its own help)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, lazy in COMMANDS.items():
            self.commands[name] = _Listed(name, short_help=lazy.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Listed):
            with _extras_named(name):
                command = self.commands[name] = load_command(name)
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        with _extras_named(lambda: ctx.invoked_subcommand):
            return super().invoke(ctx)


app = typer.Typer(
    name="corridor",
    help="Energy and freight corridors from Central Asia across the Caspian to Türkiye and Europe.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        from corridor.version import __version__

        typer.echo(f"corridor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each pipeline stage."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    from rich.logging import RichHandler

    level = logging.INFO if verbose else logging.WARNING
    # the handler's level too: libraries that set their own loggers' levels (Dask) stay quiet
    handler = RichHandler(console=err_console, show_path=False, level=level)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])


def run(args: Sequence[str] | None = None, prog_name: str | None = None) -> int:
    """Run the CLI on ``args`` (default: ``sys.argv[1:]``) and return its exit code.

    corridor's errors become messages on stderr and exit codes, never tracebacks: 1 for an
    invalid dataset, 2 for bad input (and usage errors), 3 for a bug, 130 when interrupted.
    """
    reset_consoles()
    try:
        code = app(args=args, prog_name=prog_name, standalone_mode=False)
    except ValidationError as err:
        err.report.render(err_console, show_warnings=False)
        return EXIT_INVALID
    except CorridorError as err:
        err_console.print(f"[bold red]error:[/] {escape(str(err))}")  # its text, not markup
        return EXIT_BAD_INPUT
    except typer.Exit as err:
        return err.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 130
    except KeyboardInterrupt:
        return 130
    except typer.TyperException as err:  # usage errors: typer prints them like click does
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"[bold red]error:[/] {err.format_message()}")
        return EXIT_BAD_INPUT
    except Exception as err:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(err).__name__}: {escape(str(err))}\n"
            "This is a corridor bug. Run again with CORRIDOR_DEBUG=1 for the traceback and "
            "please report it."
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else 0


def main() -> None:
    """Run the CLI; turn corridor's errors into messages and exit codes, never tracebacks."""
    sys.exit(run())


if __name__ == "__main__":
    main()
