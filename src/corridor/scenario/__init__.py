"""The scenario stage: what-if files read, checked and applied to the dataset's typed tables
(with provenance); :func:`corridor.run` solves them and :mod:`corridor.results.compare`
puts them side by side."""

from corridor.scenario.apply import AppliedScenario, apply_scenario, outage_factor
from corridor.scenario.files import (
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    ScenarioProblem,
    find_scenario,
    read_scenario,
    shipped_scenarios,
)
from corridor.scenario.model import ScenarioSpec

__all__ = [
    "SCENARIO_DIR",
    "AppliedScenario",
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "ScenarioSpec",
    "apply_scenario",
    "find_scenario",
    "outage_factor",
    "read_scenario",
    "shipped_scenarios",
]
