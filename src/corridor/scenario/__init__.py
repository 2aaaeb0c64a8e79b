"""Scenarios: what-if files applied to the dataset, solved, and compared side by side."""

from corridor.scenario.apply import AppliedScenario, apply_scenario, outage_factor, solve_scenario
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
    "solve_scenario",
]
