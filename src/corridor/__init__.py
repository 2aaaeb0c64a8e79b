"""corridor: energy and freight corridors from Central Asia via the Caspian to Türkiye and Europe.

Public API::

    import corridor
    net = corridor.load()                  # the shipped, sourced dataset
    report, _ = corridor.validate()        # every problem of a dataset folder
    done = corridor.run(net, "cpc-closed") # apply a scenario, solve, results
    corridor.export_network(net, "net.gpkg", "gpkg")
"""

from __future__ import annotations

import logging

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
from corridor.metadata import corridor_version
from corridor.options import RouteRules, SolveOptions
from corridor.pipeline import Run, run, solve
from corridor.results import Results
from corridor.units import convert

validate = validate_dataset

__all__ = [
    "CorridorError",
    "InputFileError",
    "Network",
    "OptionError",
    "ParameterError",
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
    "run",
    "solve",
    "validate",
    "validate_dataset",
]

__version__ = corridor_version()

logging.getLogger(__name__).addHandler(logging.NullHandler())
