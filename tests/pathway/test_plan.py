"""Investment pathways (issue 15 §2-§5): hand-solved plans on the tiny network, the MILP against
every subset, budgets, the written plan solved as a scenario, and bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.errors import OptionError
from corridor.pathway.model import PathwaySettings, PathwaySolver, build_pathway
from corridor.pathway.plan import Plan, plan
from corridor.pathway.write import write_plan
from corridor.pipeline import run
from corridor.scenario import ScenarioError
from tests.cli.runner import run as run_cli
from tests.pathway.conftest import SETTINGS, target_scenario, write_projects


def _built(p: Plan) -> dict[str, tuple[int, float]]:
    return {
        b.project_id: (int(b.decision_year), round(float(b.share), 6))
        for b in p.builds.itertuples()
    }


def test_cheapest_project_in_time_is_built(folder: Path) -> None:
    """+3 Mt/yr from 2024: three quarters of SMALL decided in 2023 (USD 22.5 million,
    undiscounted) beat BIG in 2024 (100 / 1.05 = 95.2 million)."""
    done = plan(corridor.load(folder), target_scenario(folder, 8), SETTINGS)
    assert _built(done) == {"P_SMALL": (2023, 0.75)}
    assert done.builds["capital_discounted_usd"].sum() == pytest.approx(22.5e6)
    assert done.unmet[done.unmet["year"] >= 2024].empty
    assert done.would_take.empty


def test_lumpy_project_when_the_divisible_is_too_small(folder: Path) -> None:
    """+5 from 2024: SMALL adds at most 4, so BIG, decided in 2024 (no lead time) for
    100 / 1.05 = 95.238 million discounted; nothing is built in 2023."""
    done = plan(corridor.load(folder), target_scenario(folder, 10), SETTINGS)
    assert _built(done) == {"P_BIG": (2024, 1.0)}
    assert done.builds["capital_discounted_usd"].sum() == pytest.approx(100e6 / 1.05)
    assert done.unmet[done.unmet["year"] >= 2024].empty


def test_budget_leaves_a_labelled_shortfall_and_what_it_would_take(folder: Path) -> None:
    """USD 15 million buys half of SMALL: 1 Mt/yr stays short, and 1 more on L_BC would
    close it."""
    settings = PathwaySettings(2023, 2025, budget_usd=15e6)
    done = plan(corridor.load(folder), target_scenario(folder, 8), settings)
    assert _built(done) == {"P_SMALL": (2023, 0.5)}
    short = done.unmet[done.unmet["year"] >= 2024]
    assert short["unmet"].to_numpy() == pytest.approx([1.0, 1.0])
    need = done.would_take[done.would_take["year"] >= 2024]
    assert set(need["id"]) == {"L_BC"} and need["added"].to_numpy() == pytest.approx([1.0, 1.0])


def _with_target(path: Path, value: float, unit: str = "Mt/yr") -> Path:
    """``path`` with a delivery target: ``value`` through L_BC from 2024."""
    text = path.read_text(encoding="utf-8") + (
        f"targets:\n  - {{name: bc, links: [L_BC], value: {value}, unit: {unit}, "
        "sources: [S_TEST]}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_delivery_target_beyond_demand_is_a_labelled_shortfall(folder: Path) -> None:
    """10 Mt/yr through L_BC while C takes 8 (its agreement's 1 inside that): the plan builds
    what the deliveries need (three quarters of SMALL), not capacity for flow with nowhere to
    go, and reports the target 2 Mt/yr short in 2024 and 2025; a solve reports its 5 of 10."""
    target = _with_target(target_scenario(folder, 8), 10)
    done = plan(corridor.load(folder), target, SETTINGS)
    assert _built(done) == {"P_SMALL": (2023, 0.75)}
    assert done.goals["year"].tolist() == [2024, 2025]
    assert done.goals["achieved"].to_numpy() == pytest.approx([8.0, 8.0])
    assert done.goals["short"].to_numpy() == pytest.approx([2.0, 2.0])
    solved = run_cli("solve", "--scenario", str(target), "--data", str(folder))
    assert "target bc: 5 of 10 Mt/yr through L_BC (short by 5 Mt/yr)" in solved.stdout


def test_target_in_another_unit_is_an_error(folder: Path) -> None:
    target = _with_target(target_scenario(folder, 8), 9, unit="bcm/yr")
    with pytest.raises(OptionError, match=r"targets\[0\]\.unit 'bcm/yr'.*Mt/yr"):
        plan(corridor.load(folder), target, SETTINGS)


def test_higher_budget_never_increases_shortage(folder: Path) -> None:
    network, target = corridor.load(folder), target_scenario(folder, 10)
    shortages = [
        plan(network, target, PathwaySettings(2023, 2025, budget_usd=b), values=False)
        .unmet["unmet"]
        .sum()
        for b in (0, 10e6, 40e6, 100e6, 130e6)
    ]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(shortages))
    assert shortages[0] > shortages[-1] == pytest.approx(0.0)


@pytest.mark.parametrize("seed", range(5))
def test_milp_matches_every_subset(folder: Path, seed: int) -> None:
    """On random candidate sets (lumpy, an exclusive pair) the MILP's objective is the least
    over every subset of projects and every decision year of each."""
    rng = np.random.default_rng(seed)
    rows = [
        {"project_id": f"P_{k}", "increment": int(rng.integers(1, 5)),
         "capital_cost": int(rng.integers(5, 90)), "lead_time_years": int(rng.integers(0, 2))}
        for k in range(4)
    ]  # fmt: skip
    rows[0]["excludes"] = "P_1"
    rows[1]["excludes"] = "P_0"
    (folder / "projects.csv").unlink()
    write_projects(folder, rows)
    network = corridor.load(folder)
    target = target_scenario(folder, float(rng.integers(6, 11)))
    done = plan(network, target, SETTINGS, values=False)
    from corridor.pathway.plan import hold_years  # the plan's own yearly LPs

    cands = done.candidates.set_index("project_id")
    lps = [h.model.lp for h in hold_years(list(done.years), cands)]
    p = build_pathway(lps, cands, SETTINGS)
    solver = PathwaySolver(p)
    _, best = solver.solve()
    options = [[None, *g["col"].astype(int)] for _, g in p.decisions.groupby("project_id")]
    names = list(p.decisions.groupby("project_id").groups)
    every = [int(c) for c in p.decisions["col"]]
    objectives = []
    for choice in itertools.product(*options):  # each project: not built, or built in one year
        built = {n for n, c in zip(names, choice, strict=True) if c is not None}
        if {"P_0", "P_1"} <= built:
            continue
        fixed = {c: float(c in choice) for c in every}
        objectives.append(solver.solve(upper=fixed, lower=fixed)[1])
    assert best == pytest.approx(min(objectives), rel=1e-9)
    assert done.objective == pytest.approx(best, rel=1e-9)


def test_written_plan_solves_to_the_plans_deliveries(folder: Path, tmp_path: Path) -> None:
    network = corridor.load(folder)
    done = plan(network, target_scenario(folder, 8), SETTINGS)
    out = write_plan(done, network, tmp_path / "plan")
    assert {"plan.yaml", "summary.json", "timeline.svg", "builds.csv", "builds.parquet"} <= {
        f.name for f in out.iterdir()
    }
    solved = run(network, out / "plan.yaml").results.unmet.set_index("node_id")
    planned = done.deliveries[
        (done.deliveries["year"] == 2024) & (done.deliveries["to"] == "demand")
    ]
    for r in planned.itertuples():
        assert solved.at[r.node_id, "delivered"] == pytest.approx(r.delivered)


def test_written_plan_adds_to_the_targets_own_expansion(folder: Path, tmp_path: Path) -> None:
    """The target expands L_BC by 1 (to 6) and C takes 10: all of SMALL (+4) closes the rest,
    and plan.yaml adds it on top of the target's expansion (not a total over the dataset's 5)."""
    target = target_scenario(folder, 10)
    target.write_text(
        target.read_text(encoding="utf-8")
        + "expansions:\n  - {link: L_BC, add: 1, year: 2024, sources: [S_TEST]}\n",
        encoding="utf-8",
    )
    network = corridor.load(folder)
    done = plan(network, target, SETTINGS, values=False)
    assert _built(done) == {"P_SMALL": (2023, 1.0)}
    out = write_plan(done, network, tmp_path / "plan")
    solved = run(network, out / "plan.yaml").results
    assert solved.unmet.set_index("node_id").at["M_C", "delivered"] == pytest.approx(10.0)
    assert solved.unmet["unmet"].sum() == pytest.approx(0.0)


def _with_projects(path: Path, entries: str) -> Path:
    """``path`` with a ``projects:`` section (YAML flow mappings, one a line)."""
    text = path.read_text(encoding="utf-8") + "projects:\n" + entries
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_gives_a_project_its_cost(folder: Path) -> None:
    """P_FREE (+5, lumpy, no lead time) has no published cost: the plan cannot choose it until
    the target gives one (USD 10 million); then it beats SMALL: decided 2024, 10 / 1.05 million
    discounted."""
    projects = pd.read_csv(folder / "projects.csv", dtype=str)
    free = {**projects.iloc[0].to_dict(), "project_id": "P_FREE", "name": "Free"}
    free["capital_cost"] = None
    pd.concat([projects, pd.DataFrame([free])]).to_csv(folder / "projects.csv", index=False)
    with (folder / "provenance.csv").open("a", encoding="utf-8") as f:
        for column, value in (("increment", 5), ("cost_year", 2023), ("lead_time_years", 0)):
            f.write(f"projects,P_FREE,{column},{value},,,2023,plan,M,S_TEST,\n")
    network = corridor.load(folder)
    before = plan(network, target_scenario(folder, 8), SETTINGS, values=False)
    reason = before.candidates.set_index("project_id").at["P_FREE", "reason"]
    assert reason == "no published capital cost" and "P_FREE" not in _built(before)
    entry = "  - {id: P_FREE, capital_cost: 10, sources: [S_TEST], note: our estimate}\n"
    done = plan(network, _with_projects(target_scenario(folder, 8), entry), SETTINGS, values=False)
    assert _built(done) == {"P_FREE": (2024, 1.0)}
    assert done.builds["capital_discounted_usd"].sum() == pytest.approx(10e6 / 1.05)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: P_BGI, capital_cost: 10, sources: [S_TEST]}",
         r"projects\[0\]\.id: no project.*did you mean P_BIG"),
        ("{id: P_BIG, capital_cost: 10, cost_unit: million GBP, sources: [S_TEST]}",
         r"projects\[0\]\.cost_unit: not a cost unit; expected one of million USD"),
        ("{id: P_BIG, capital_cost: 10, cost_unit: million EUR, sources: [S_TEST]}",
         r"projects\[0\]\.cost_year: no exchange rate for EUR in 2023"),
        ("{id: P_BIG, fixed_cost: 1, cost_unit: million AZN, sources: [S_TEST]}",
         r"projects\[0\]\.cost_unit: it would change the unit of the project's capital_cost"),
        ("{id: P_BIG, lead_time_years: 1, sources: [S_NOPE]}",
         r"projects\[0\]\.sources: no source"),
        ("{id: P_BIG, sources: [S_TEST]}", r"projects\[0\]: give at least one"),
        ("{id: P_BIG, capital_cost: 10}", r"projects\[0\]\.sources"),
    ],
)  # fmt: skip
def test_bad_project_changes_are_clear_errors(folder: Path, entry: str, expected: str) -> None:
    target = _with_projects(target_scenario(folder, 8), f"  - {entry}\n")
    with pytest.raises(ScenarioError, match=expected):
        plan(corridor.load(folder), target, SETTINGS, values=False)


def test_shipped_eu_target_plan_scenario_reproduces(tmp_path: Path) -> None:
    """The done-when of the issue: the plan of eu-20bcm-2027 either meets the gas demand or says
    what no candidate covers; its plan.yaml solves to the same gas deliveries."""
    network = corridor.load()
    done = plan(network, "eu-20bcm-2027", values=False)
    out = write_plan(done, network, tmp_path / "eu")
    solved = run(network, out / "plan.yaml").results.unmet.set_index("node_id")
    gas = done.deliveries[(done.deliveries["year"] == 2027) & (done.deliveries["to"] == "demand")]
    for r in gas.itertuples():
        assert solved.at[r.node_id, "delivered"] == pytest.approx(r.delivered, abs=1e-6)
    if (gas["unmet"] > 0).any():
        assert not done.would_take.empty
    # Baku-Supsa's restart adds capacity only while the link runs (to its data's last year)
    wrep = done.timeline[done.timeline["project_id"] == "P_WREP_RESTART"].set_index("year")
    last = int(network.links.at["L_WREP", "end_year"])
    assert (wrep.loc[wrep.index > last, "capacity_added"] == 0).all()
    assert (wrep.loc[wrep.index <= last, "capacity_added"] > 0).all()


def test_what_it_would_take_is_the_same_choice_every_year() -> None:
    """middle-corridor-2030 leaves Italy 7.5 bcm/yr short from 2027: equal alternatives (more
    Turkish supply at one field or another) are taken alike in every year, not one a year."""
    done = plan(corridor.load(), "middle-corridor-2030", values=False)
    need = done.would_take[done.would_take["year"] >= 2027]
    pairs = need.assign(pair=list(zip(need["id"], need["added"].round(6), strict=True)))
    by_year = pairs.groupby("year")["pair"].agg(frozenset)
    assert len(set(by_year)) == 1, by_year.to_dict()
    assert {"L_TANAP_0", "L_TAP_A"} <= {i for i, _ in by_year.iloc[0]}


def test_bad_settings_are_clear_errors(folder: Path) -> None:
    network, target = corridor.load(folder), target_scenario(folder, 8)
    with pytest.raises(OptionError, match="--from 2026 is after --to 2025"):
        plan(network, target, PathwaySettings(2026, 2025))
    with pytest.raises(OptionError, match="outside the plan's years"):
        plan(network, target, PathwaySettings(2025, 2026))
    with pytest.raises(OptionError, match="a budget is a non-negative"):
        plan(network, target, PathwaySettings(2023, 2025, budget_usd=-1))
    with pytest.raises(OptionError, match="--budget-per-year nan: a budget is a non-negative"):
        plan(network, target, PathwaySettings(2023, 2025, budget_usd_per_year=float("nan")))
    with pytest.raises(OptionError, match="did you mean P_BIG"):
        plan(network, target, SETTINGS, without=["P_BGI"])
    with pytest.raises(ScenarioError, match="no scenario file"):
        plan(network, folder / "missing.yaml", SETTINGS)


def test_cli_plan(folder: Path, tmp_path: Path) -> None:
    target = target_scenario(folder, 8)
    args = [
        "plan",
        "--target",
        str(target),
        "--from",
        "2023",
        "--to",
        "2025",
        "--data",
        str(folder),
    ]
    done = run_cli(*args, "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "P_SMALL" in done.stdout and "every demand and target is met" in done.stdout
    assert len(pd.read_csv(tmp_path / "out" / "values.csv")) == 2  # BIG and SMALL
    quick = run_cli(*args, "--no-values", "-o", str(tmp_path / "quick"))
    assert quick.returncode == 0, quick.stderr
    assert "P_SMALL" in quick.stdout
    unvalued = pd.read_csv(tmp_path / "quick" / "values.csv")
    assert unvalued.empty and "value_per_usd" in unvalued.columns
    assert (tmp_path / "out" / "plan.yaml").is_file()
    bad = run_cli(*args, "--without", "P_NOPE")
    assert (
        bad.returncode == 2 and "--without P_NOPE" in bad.stderr and "Traceback" not in bad.stderr
    )
    into_data = run_cli(*args, "-o", str(folder / "plan"))
    assert into_data.returncode == 2 and "Traceback" not in into_data.stderr
