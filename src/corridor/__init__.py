"""corridor: energy and freight corridors from Central Asia via the Caspian to Türkiye and Europe.

Public API::

    import corridor
    net = corridor.load()                  # the shipped, sourced dataset
    report, _ = corridor.validate()        # every problem of a dataset folder
    corridor.export_network(net, "net.gpkg", "gpkg")
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

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

validate = validate_dataset

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

logging.getLogger(__name__).addHandler(logging.NullHandler())
