"""corridor: energy and freight corridors from Central Asia via the Caspian to Türkiye and Europe.

Public API::

    import corridor
    net = corridor.load()                  # the shipped, sourced dataset
    report, _ = corridor.validate()        # every problem of a dataset folder
    done = corridor.run(net, "cpc-closed") # apply a scenario, solve, results
    corridor.export_network(net, "net.gpkg", "gpkg")

The names are imported on first use (``import corridor`` loads neither pandas nor GeoPandas),
so a command that does not need the solver or the GIS views does not pay for them.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.dataset import ValidationReport, validate_dataset
    from corridor.dataset.network import Network, load
    from corridor.errors import (
        CorridorError,
        InputFileError,
        OptionError,
        ParameterError,
        ReportError,
        ScenarioError,
        SkimError,
        SolveError,
        UnitError,
        ValidationError,
    )
    from corridor.io.export import export_network
    from corridor.io.frames import links_to_geodataframe, nodes_to_geodataframe
    from corridor.options import RouteRules, SolveOptions
    from corridor.pathway.model import PathwaySettings
    from corridor.pathway.plan import Plan, plan
    from corridor.pipeline import Run, run, solve
    from corridor.results import Results
    from corridor.units import convert
    from corridor.version import __version__

    validate = validate_dataset

#: Where each public name is defined (module, attribute).
_LAZY: dict[str, tuple[str, str]] = {
    "CorridorError": ("corridor.errors", "CorridorError"),
    "InputFileError": ("corridor.errors", "InputFileError"),
    "Network": ("corridor.dataset.network", "Network"),
    "OptionError": ("corridor.errors", "OptionError"),
    "ParameterError": ("corridor.errors", "ParameterError"),
    "PathwaySettings": ("corridor.pathway.model", "PathwaySettings"),
    "Plan": ("corridor.pathway.plan", "Plan"),
    "ReportError": ("corridor.errors", "ReportError"),
    "Results": ("corridor.results", "Results"),
    "RouteRules": ("corridor.options", "RouteRules"),
    "Run": ("corridor.pipeline", "Run"),
    "ScenarioError": ("corridor.errors", "ScenarioError"),
    "SkimError": ("corridor.errors", "SkimError"),
    "SolveError": ("corridor.errors", "SolveError"),
    "SolveOptions": ("corridor.options", "SolveOptions"),
    "UnitError": ("corridor.errors", "UnitError"),
    "ValidationError": ("corridor.errors", "ValidationError"),
    "ValidationReport": ("corridor.dataset", "ValidationReport"),
    "convert": ("corridor.units", "convert"),
    "export_network": ("corridor.io.export", "export_network"),
    "links_to_geodataframe": ("corridor.io.frames", "links_to_geodataframe"),
    "load": ("corridor.dataset.network", "load"),
    "nodes_to_geodataframe": ("corridor.io.frames", "nodes_to_geodataframe"),
    "plan": ("corridor.pathway.plan", "plan"),
    "run": ("corridor.pipeline", "run"),
    "solve": ("corridor.pipeline", "solve"),
    "validate": ("corridor.dataset", "validate_dataset"),
    "validate_dataset": ("corridor.dataset", "validate_dataset"),
    "__version__": ("corridor.version", "__version__"),
}

__all__ = [
    "CorridorError",
    "InputFileError",
    "Network",
    "OptionError",
    "ParameterError",
    "PathwaySettings",
    "Plan",
    "ReportError",
    "Results",
    "RouteRules",
    "Run",
    "ScenarioError",
    "SkimError",
    "SolveError",
    "SolveOptions",
    "UnitError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "convert",
    "export_network",
    "links_to_geodataframe",
    "load",
    "nodes_to_geodataframe",
    "plan",
    "run",
    "solve",
    "validate",
    "validate_dataset",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it in the module."""
    if name not in _LAZY:
        raise AttributeError(f"module 'corridor' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


logging.getLogger(__name__).addHandler(logging.NullHandler())
