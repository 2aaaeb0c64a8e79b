"""Monte Carlo (issue 14 §2-4): draws of the data's uncertain ranges and outage history give
the shortfall probabilities they must, reproducibly (the same seed, the same bytes, whatever
the workers), stored batch by batch so that an interrupted run resumes."""

from __future__ import annotations

import filecmp
import math
import shutil
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.errors import InputFileError, OptionError
from corridor.options import SolveOptions
from corridor.pipeline import hold
from corridor.resilience import monte_carlo
from corridor.resilience.risks import draw_bounds, risks_of
from corridor.schema import TABLES
from tests.cli.runner import run as run_cli
from tests.conftest import shipped_network
from tests.optimize.builders import TINY, TINY_TABLES, complete_tables, dataset_tables

OPTS = SolveOptions(year=2024)
DRAWS = 4000


def _dataset(
    folder: Path,
    *,
    capacity_range: tuple[float, float, str] | None = None,
    outages: list[tuple[str, float, float]] = (),  # type: ignore[assignment]
) -> corridor.Network:
    """N0 --L0 (10 Mt/yr)--> N1, supply 20 at N0, demand 10 at N1 (100 USD/t); L0's capacity
    may have a provenance range (low, high, kind) and recorded outages (start, days, cut %)."""
    tables = dataset_tables(
        2, [(0, 1, 10, 10, "crude_oil")], [(0, "crude_oil", 20)], [(1, "crude_oil", 10, 100)]
    )
    tables["outages"] = pd.DataFrame(
        [
            {
                "outage_id": f"X{i}",
                "link_id": "L0",
                "start": start,
                "days": days,
                "cut_percent": cut,
                "cause": "storm",
            }
            for i, (start, days, cut) in enumerate(outages)
        ],
        columns=["outage_id", "link_id", "start", "days", "cut_percent", "cause"],
    )
    complete = complete_tables(tables)
    prov = complete["provenance"].reindex(columns=list(TABLES["provenance"].column_names))
    prov = prov.astype(object).fillna("")
    if capacity_range is not None:
        at = (prov["table"] == "links") & (prov["column"] == "capacity")
        prov.loc[at, ["low", "high", "range_kind"]] = list(capacity_range)
    complete["provenance"] = prov
    folder.mkdir(parents=True, exist_ok=True)
    for name in TINY_TABLES:
        shutil.copy(TINY / f"{name}.csv", folder / f"{name}.csv")
    for name, frame in complete.items():
        frame.to_csv(folder / TABLES[name].filename, index=False)
    return corridor.load(folder)


def _within(value: float, expected: float, se: float, k: float = 4.0) -> bool:
    return abs(value - expected) <= k * se


def test_an_uncertain_capacity_is_short_half_the_time(tmp_path: Path) -> None:
    # capacity ~ triangular(8, 10, 12) against demand 10: short when below 10, P = 0.5;
    # mean unmet = integral over 8-10 of (10 - x)(x - 8)/4 dx = 1/3 Mt/yr
    net = _dataset(tmp_path, capacity_range=(8, 12, "uncertain"))
    run = monte_carlo(net, options=OPTS, draws=DRAWS, seed=5, workers=1)
    row = run.shortfall.set_index("node_id").loc["N1"]
    assert row["unit"] == "Mt/yr" and row["intact_unmet"] == 0
    assert _within(row["shortfall_probability"], 0.5, row["probability_se"])
    assert _within(row["unmet_mean"], 1 / 3, row["unmet_se"])
    assert run.probability("N1", "crude_oil") == row["shortfall_probability"]
    assert run.settings["drawn"]["capacities"] == 1


def test_a_range_of_alternatives_is_never_drawn(tmp_path: Path) -> None:
    net = _dataset(tmp_path, capacity_range=(8, 12, "alternatives"))
    run = monte_carlo(net, options=OPTS, draws=300, seed=5, workers=1)
    assert run.settings["drawn"]["capacities"] == 0
    assert (run.unmet["unmet"] == 0).all() and (run.draws["cost_increase"] == 0).all()


def test_recorded_outages_fail_a_link_as_often_as_they_did(tmp_path: Path) -> None:
    # 2 outages in the 4 recorded years: 0.5 a year (Poisson); each takes 36.5 of 365 days,
    # i.e. 1 of the 10 Mt/yr demand: P(short) = 1 - exp(-0.5), mean unmet = 0.5 x 1 Mt/yr
    net = _dataset(tmp_path, outages=[("2022-03-01", 36.5, 100), ("2024-11-02", 36.5, 100)])
    run = monte_carlo(net, options=OPTS, draws=DRAWS, seed=9, workers=1)
    row = run.shortfall.set_index("node_id").loc["N1"]
    assert _within(row["shortfall_probability"], 1 - math.exp(-0.5), row["probability_se"])
    assert _within(row["unmet_mean"], 0.5, row["unmet_se"])
    link = run.criticality.set_index("link_id").loc["L0"]
    assert link["out_share"] == pytest.approx(row["shortfall_probability"])
    assert link["criticality_index"] == pytest.approx(row["shortfall_probability"])
    # the cost of what is not delivered: 100 USD/t = 1e8 USD per Mt/yr, never a penalty
    assert run.cost.set_index("statistic").loc["mean", "cost_increase"] == pytest.approx(
        1e8 * run.unmet["unmet"].mean()
    )
    assert set(run.cost["unit"]) == {"USD/yr"}


def test_a_draw_depends_only_on_the_seed_and_its_number() -> None:
    held = hold(shipped_network(), None, OPTS)
    risks = risks_of(held.network, held.model.lp)
    a, b = draw_bounds(risks, 3, 17), draw_bounds(risks, 3, 17)
    assert np.array_equal(a.row_upper, b.row_upper) and np.array_equal(a.col_upper, b.col_upper)
    assert not np.array_equal(a.row_upper, draw_bounds(risks, 3, 18).row_upper)
    # CPC's range is of alternatives (72.5 Mt/yr is the Kazakh section's limit): only its
    # outages move it; BTC's is uncertain (50-60 Mt/yr) and drawn within it
    links = list(risks.links)
    cpc, btc = links.index("L_CPC"), links.index("L_BTC")
    assert risks.capacity.low[cpc] == risks.capacity.high[cpc] == 1.0
    assert risks.capacity.low[btc] == 1.0 and risks.capacity.high[btc] == pytest.approx(1.2)
    assert risks.rate[cpc] == pytest.approx(9 / 4)  # nine CPC outages in 2022-2025
    # TAP's three sections have one sourced range (10-11.5 bcm/yr): drawn together
    tap = [links.index(x) for x in ("L_TAP_A", "L_TAP_B", "L_TAP_C")]
    assert len(set(risks.capacity_group[tap])) == 1
    for draw in range(20):
        upper = draw_bounds(risks, 3, draw).row_upper
        on_tap = np.isin(risks.cap_link, tap)
        assert 10 - 1e-9 <= upper[on_tap].min() == upper[on_tap].max() <= 11.5 + 1e-9


def test_the_same_seed_writes_the_same_bytes_on_one_or_two_workers(tmp_path: Path) -> None:
    net = shipped_network()
    one, two = tmp_path / "one", tmp_path / "two"
    monte_carlo(net, options=OPTS, draws=600, seed=11, out=one, workers=1)
    monte_carlo(net, options=OPTS, draws=600, seed=11, out=two, workers=2)
    _assert_same_files(one, two)


def _assert_same_files(a: Path, b: Path) -> None:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert any(f.name == "shortfall.parquet" for f in files)
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(f) for f in files], shallow=False)
    assert not mismatch and not errors


class StoppedError(Exception):
    pass


def test_an_interrupted_run_keeps_its_batches_and_resumes(tmp_path: Path) -> None:
    net = shipped_network()
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    monte_carlo(net, options=OPTS, draws=700, seed=2, out=whole, workers=1)

    def stop_after_first(done: int, total: int) -> None:
        if done >= 250:
            raise StoppedError

    with pytest.raises(StoppedError):
        monte_carlo(
            net, options=OPTS, draws=700, seed=2, out=cut, workers=1, progress=stop_after_first
        )
    assert [p.name for p in (cut / "batches").iterdir()] == ["000000000"]
    seen: list[int] = []
    run = monte_carlo(
        net,
        options=OPTS,
        draws=700,
        seed=2,
        out=cut,
        workers=1,
        resume=True,
        progress=lambda done, total: seen.append(done),
    )
    assert seen[0] == 250 and seen[-1] == 700  # the stored batch is not made again
    assert run.draws["draw"].tolist() == list(range(700))
    _assert_same_files(whole, cut)


def test_a_local_worker_that_dies_leaves_a_resumable_run(tmp_path: Path) -> None:
    import multiprocessing
    import os
    import signal

    net = shipped_network()
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    monte_carlo(net, options=OPTS, draws=1500, seed=6, out=whole, workers=1)
    killed: list[int] = []

    def kill_a_worker(done: int, total: int) -> None:
        if done >= 250 and not killed:
            worker = multiprocessing.active_children()[0]
            os.kill(int(worker.pid or 0), signal.SIGKILL)
            killed.append(done)

    with pytest.raises(corridor.SolveError, match="--resume makes the rest"):
        monte_carlo(
            net, options=OPTS, draws=1500, seed=6, out=cut, workers=2, progress=kill_a_worker
        )
    monte_carlo(net, options=OPTS, draws=1500, seed=6, out=cut, workers=2, resume=True)
    _assert_same_files(whole, cut)


def test_resume_refuses_other_settings_and_a_folder_of_another_kind(tmp_path: Path) -> None:
    net = shipped_network()
    folder = tmp_path / "run"
    monte_carlo(net, options=OPTS, draws=250, seed=1, out=folder, workers=1)
    with pytest.raises(OptionError, match="seed: the run has 1, this command 2"):
        monte_carlo(net, options=OPTS, draws=250, seed=2, out=folder, resume=True, workers=1)
    # without --resume an earlier run (corridor's own) is replaced, and nothing else is left
    monte_carlo(net, options=OPTS, draws=250, seed=2, out=folder, workers=1)
    assert '"seed": 2' in (folder / "run.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    (folder / "notes.txt").write_text("my notes")
    with pytest.raises(InputFileError, match=r"holds files corridor did not write \(notes.txt"):
        monte_carlo(net, options=OPTS, draws=250, seed=1, out=folder, workers=1)
    assert (folder / "notes.txt").read_text() == "my notes"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    with pytest.raises(InputFileError, match="is a folder corridor did not write"):
        monte_carlo(net, options=OPTS, draws=10, out=mine, workers=1)
    with pytest.raises(InputFileError, match="holds no Monte Carlo run"):
        monte_carlo(net, options=OPTS, draws=10, out=mine, resume=True, workers=1)
    assert (mine / "notes.txt").read_text() == "my notes"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"draws": 0}, "--draws: 0 is not a whole number of draws"),
        ({"draws": -5}, "--draws: -5"),
        ({"draws": 10, "seed": -1}, "--seed: -1 is not a whole number >= 0"),
        ({"draws": 10, "arrival": 1.5}, "--arrival: 1.5 is not a probability"),
        ({"draws": 10, "workers": 0}, "--workers: 0"),
        ({"draws": 10, "scheduler": "localhost:8786"}, "is not a Dask address"),
        ({"draws": 10, "resume": True}, "--resume needs --out"),
    ],
)
def test_bad_settings_are_clear_errors(settings: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        monte_carlo(shipped_network(), options=OPTS, **settings)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_scheduler_that_does_not_answer_is_a_clear_error() -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(OptionError, match=f"--scheduler {address}: no Dask scheduler answered"):
        monte_carlo(shipped_network(), options=OPTS, draws=10, scheduler=address)


def test_the_command_answers_and_writes_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "mc"
    result = run_cli(
        "resilience",
        "monte-carlo",
        "--draws",
        "300",
        "--scenario",
        "eu-20bcm-2027",
        "--workers",
        "1",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "300 draws of 2027 (seed 0)" in result.stdout
    assert "M_MELENDUGNO" in result.stdout and "criticality index" in result.stdout
    for name in ("shortfall", "criticality", "cost", "convergence"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    shortfall = pd.read_csv(out / "shortfall.csv").set_index("node_id")
    # 19 bcm/yr asked at Melendugno in 2027 and TAP carries at most 11.5: always short
    assert shortfall.loc["M_MELENDUGNO", "shortfall_probability"] == 1.0
    assert shortfall.loc["M_MELENDUGNO", "unit"] == "bcm/yr"
    (out / "mine.txt").write_text("mine")
    again = run_cli("resilience", "monte-carlo", "--draws", "300", "-o", str(out))
    assert again.returncode != 0 and "Traceback" not in again.stderr
    assert "holds files corridor did not write (mine.txt)" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "--draws: 0"),
        (["--draws", "10", "--scheduler", "nowhere"], "is not a Dask address"),
        (["--draws", "10", "--year", "1999"], "1999"),
    ],
)
def test_the_command_refuses_bad_settings(args: list[str], message: str) -> None:
    result = run_cli("resilience", "monte-carlo", *args)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_the_report_shows_the_odds_and_the_criticality_when_asked(tmp_path: Path) -> None:
    html_path = tmp_path / "a" / "report.html"
    asked = run_cli("report", "--monte-carlo", "400", "-o", str(html_path))
    assert asked.returncode == 0, asked.stderr
    html = html_path.read_text(encoding="utf-8")
    assert "How likely a shortfall is (Monte Carlo)" in html and "400 draws (seed 0)" in html
    assert html.count('class="monte-carlo"') == 2  # Melendugno's histogram, the ranking
    assert html.count('class="mc-bar" x=') == 20 + 1  # 20 bins, one critical link (SCP)
    assert "M_MELENDUGNO (natural_gas): share of draws by unmet demand (bcm/yr)" in html
    assert "<title>L_SCP: " in html
    bad = run_cli("report", "--monte-carlo", "0", "-o", str(tmp_path / "b" / "report.html"))
    assert bad.returncode == 2 and "--monte-carlo" in bad.stderr
    assert not (tmp_path / "b").exists()


def test_a_scenario_adds_to_the_outage_history(tmp_path: Path) -> None:
    # two 30-day outages of TAP's offshore section in the record's four years: 0.5 a year
    scenario = tmp_path / "tap-fails.yaml"
    scenario.write_text(
        "title: TAP fails twice\n"
        "description: TAP's offshore section fails twice in the record's years, for the test.\n"
        "extends: baseline-2024\n"
        "outage_history:\n"
        "  - {link: L_TAP_C, start: 2023-03-01, days: 30, cause: technical,"
        " sources: [S_TREND_20240123]}\n"
        "  - {link: L_TAP_C, start: 2024-03-01, days: 30, cause: storm,"
        " sources: [S_TREND_20240123]}\n",
        encoding="utf-8",
    )
    held = hold(shipped_network(), scenario, OPTS)
    risks = risks_of(held.network, held.model.lp)
    assert risks.rate[list(risks.links).index("L_TAP_C")] == pytest.approx(0.5)
    run = monte_carlo(shipped_network(), scenario, draws=2000, workers=1)
    tap = run.criticality.set_index("link_id").loc["L_TAP_C"]
    assert _within(tap["out_share"], 1 - math.exp(-0.5), math.sqrt(0.4 * 0.6 / 2000))
    assert run.settings["scenario"] == "tap-fails"
    early = scenario.read_text(encoding="utf-8").replace("2023-03-01", "2019-03-01")
    scenario.write_text(early, encoding="utf-8")
    with pytest.raises(corridor.ScenarioError, match="outage-outside-record"):
        hold(shipped_network(), scenario, OPTS)


def test_projects_due_by_the_year_arrive_with_the_given_probability() -> None:
    # 2030: the Horadiz-Aghband (2027) and Kars-Dilucu (2030) railways are under construction,
    # the Anaklia port (2029) planned; each runs in a draw with probability `arrival`
    held = hold(shipped_network(), None, SolveOptions(year=2030))
    due = {"L_HORADIZ_AGHBAND", "L_KARS_DILUCU", "L_ANAKLIA_CONSTANTA"}
    always = risks_of(held.network, held.model.lp)
    links = list(always.links)
    assert {links[i] for i in np.flatnonzero(always.projects)} >= due
    assert not any(draw_bounds(always, 0, i).closed.any() for i in range(50))
    never = risks_of(held.network, held.model.lp, arrival=0.0)
    assert all(
        set(never.projects.nonzero()[0]) <= set(draw_bounds(never, 0, i).closed.nonzero()[0])
        for i in range(50)
    )
    half = risks_of(held.network, held.model.lp, arrival=0.5)
    at = links.index("L_KARS_DILUCU")
    share = np.mean([draw_bounds(half, 0, i).closed[at] for i in range(2000)])
    assert _within(float(share), 0.5, math.sqrt(0.25 / 2000))
