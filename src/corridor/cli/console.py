"""Shared CLI plumbing: the consoles, exit codes and the --data option."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.console import Console

from corridor.io.atomic import check_output_folder, check_output_path

if TYPE_CHECKING:  # the data and solver modules load with the commands that use them
    from corridor.dataset.network import Network
    from corridor.options import RouteRules

__all__ = [
    "CLI_LABELS",
    "EXIT_BAD_INPUT",
    "EXIT_INVALID",
    "EXIT_OK",
    "DataOption",
    "check_not_an_input",
    "comma_list",
    "err_console",
    "out_console",
    "output_folder",
    "reset_consoles",
    "route_rules",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3

#: What the route options are called in messages (the library names its keywords).
CLI_LABELS: Final = {
    "avoid": "--avoid",
    "only_groups": "--only-groups",
    "avoid_links": "--avoid-links",
    "year": "--year",
}

out_console = Console()
err_console = Console(stderr=True)


def reset_consoles() -> None:
    """Set the consoles up again from the environment (``COLUMNS``, ``NO_COLOR``, whether the
    output is a terminal), as at start-up: each run of the CLI in one process (the tests) then
    writes to the ``sys.stdout`` and ``sys.stderr`` of that run, at the width it was given.

    The objects stay the same, so the commands' ``from ... import out_console`` keep working.
    """
    Console.__init__(out_console)
    Console.__init__(err_console, stderr=True)


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="Dataset folder (default: the shipped corridor dataset).",
        show_default=False,
    ),
]


def output_folder(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Check an ``--out`` folder when the command starts, not after its work is done."""
    if value is not None:
        check_output_folder(value, option=max(param.opts, key=len))
    return value


def _run_inputs(
    data: Path | None,
    scenarios: Sequence[tuple[str, Sequence[Path]]] = (),
    *,
    scenario_option: str = "--scenario",
) -> dict[Path, str]:
    """The run's input paths and how messages name them: the dataset folder and each scenario's
    files (``scenarios``: the name given and the files read, the named one last)."""
    from corridor.dataset.read import default_data_path

    if data is None:
        inputs = {default_data_path(): f"the shipped dataset folder {default_data_path()}"}
    else:
        inputs = {data: f"the input dataset folder --data {data}"}
    named = f"{scenario_option} " if scenario_option else ""
    for given, lineage in scenarios:
        *parents, file = lineage
        inputs.setdefault(file, f"the scenario file {named}{given}")
        for parent in parents:
            inputs.setdefault(parent, f"the scenario file {parent}, which {named}{given} extends")
    return inputs


def check_not_an_input(
    out: Path | None,
    data: Path | None,
    scenarios: Sequence[tuple[str, Sequence[Path]]] = (),
    *,
    option: str = "--out",
    scenario_option: str = "--scenario",
    noun: str = "folder",
) -> None:
    """Refuse an output path that is, contains or lies inside the dataset folder or a scenario
    file of the run (checked in the command's body, once ``--data`` is known)."""
    if out is not None:
        inputs = _run_inputs(data, scenarios, scenario_option=scenario_option)
        check_output_path(out, inputs=inputs, option=option, noun=noun)


def route_rules(
    network: Network, avoid: str | None, only_groups: str | None, avoid_links: str | None
) -> RouteRules:
    """The route options of a command, each comma-separated name checked against the data."""
    from corridor.routing.inputs import resolve_rules

    return resolve_rules(
        network,
        avoid=comma_list(avoid),
        only_groups=comma_list(only_groups),
        avoid_links=comma_list(avoid_links),
        labels=CLI_LABELS,
    )


def comma_list(text: str | None) -> list[str]:
    """The items of a comma-separated option value (``RU, CN`` -> ``['RU', 'CN']``)."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def refuse_year_with_scenario(year: object) -> None:
    """A scenario sets its own year: ``--year`` beside ``--scenario`` is a usage error."""
    if year is not None:
        raise typer.BadParameter(
            "a scenario sets its own year; drop --year or change `year:` in the scenario",
            param_hint="--year",
        )
