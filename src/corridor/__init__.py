"""corridor: energy and freight corridors from Central Asia via the Caspian to Türkiye and Europe.

Public API::

    import corridor
    net = corridor.load()                  # the shipped, sourced dataset
    report, _ = corridor.validate()        # every problem of a dataset folder
    corridor.export_network(net, "net.gpkg", "gpkg")

The names are imported on first use (``import corridor`` loads neither pandas nor GeoPandas),
so a command that does not need the solver or the GIS views does not pay for them.
"""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.errors import (
        CorridorError,
        InputFileError,
        ScenarioError,
        UnitError,
        ValidationError,
    )
    from corridor.geo.frames import links_to_geodataframe, nodes_to_geodataframe
    from corridor.io.export import export_network
    from corridor.network import Network, load
    from corridor.optimize import Results, RouteRules, SolveOptions, solve
    from corridor.units import convert
    from corridor.validate import ValidationReport, validate_dataset
    from corridor.version import __version__

    validate = validate_dataset

#: Where each public name is defined (module, attribute).
_LAZY: dict[str, tuple[str, str]] = {
    "CorridorError": ("corridor.errors", "CorridorError"),
    "InputFileError": ("corridor.errors", "InputFileError"),
    "Network": ("corridor.network", "Network"),
    "Results": ("corridor.optimize", "Results"),
    "RouteRules": ("corridor.optimize", "RouteRules"),
    "ScenarioError": ("corridor.errors", "ScenarioError"),
    "SolveOptions": ("corridor.optimize", "SolveOptions"),
    "UnitError": ("corridor.errors", "UnitError"),
    "ValidationError": ("corridor.errors", "ValidationError"),
    "ValidationReport": ("corridor.validate", "ValidationReport"),
    "convert": ("corridor.units", "convert"),
    "export_network": ("corridor.io.export", "export_network"),
    "links_to_geodataframe": ("corridor.geo.frames", "links_to_geodataframe"),
    "load": ("corridor.network", "load"),
    "nodes_to_geodataframe": ("corridor.geo.frames", "nodes_to_geodataframe"),
    "solve": ("corridor.optimize", "solve"),
    "validate": ("corridor.validate", "validate_dataset"),
    "validate_dataset": ("corridor.validate", "validate_dataset"),
    "__version__": ("corridor.version", "__version__"),  # from the package metadata
}

__all__ = [
    "CorridorError",
    "InputFileError",
    "Network",
    "Results",
    "RouteRules",
    "ScenarioError",
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


class _Package(ModuleType):
    """The ``corridor`` module: ``corridor.validate`` stays the function.

    Importing the subpackage ``corridor.validate`` sets the attribute of that name on its
    parent; the subpackage stays reachable through ``sys.modules`` and ``from ... import``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "validate" and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


logging.getLogger(__name__).addHandler(logging.NullHandler())
