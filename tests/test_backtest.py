"""observations.csv and `corridor backtest`: the table validates like every other; the model
side is the solved flow; the command's exit codes, JSON and output folder."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.dataset import validate_dataset
from corridor.dataset.network import commodity_factors
from corridor.options import SolveOptions
from corridor.pipeline import backtest, run
from corridor.results.backtest import TOLERANCE_PERCENT, backtest_summary
from corridor.units import convert
from tests.cli.runner import run as run_cli
from tests.conftest import edit_csv, shipped_network

Frame = pd.DataFrame
HEADER = "obs_id,kind,target,commodity,year,period,value,unit,status,confidence,sources,note\n"
ROWS = (
    "O_AB,link_throughput,L_AB,crude_oil,2023,,6,Mt/yr,actual,H,S_TEST,\n"
    "O_BC,link_throughput,L_BC,crude_oil,2023,,90000,b/d,actual,H,S_TEST,\n"
    "O_AB_H1,link_throughput,L_AB,crude_oil,2023,2023-01/2023-06,3,Mt/yr,actual,H,S_TEST,\n"
)


def _with_observations(folder: Path) -> Path:
    """Give a copy of the tiny dataset three observations and their provenance rows."""
    (folder / "observations.csv").write_text(HEADER + ROWS, encoding="utf-8")
    with (folder / "provenance.csv").open("a", encoding="utf-8") as f:
        for oid, value in (("O_AB", "6"), ("O_BC", "90000"), ("O_AB_H1", "3")):
            f.write(f"observations,{oid},value,{value},,,2023,actual,H,S_TEST,\n")
    return folder


@pytest.fixture
def observed(tiny_copy: Path) -> Path:
    return _with_observations(tiny_copy)


def _set(row: int, column: str, value: str) -> Callable[[Frame], Frame]:
    def change(frame: Frame) -> Frame:
        frame.loc[row, column] = value
        return frame

    return change


BREAKS = [
    (_set(0, "target", "L_NOWHERE"), "unknown-link", "target", 2),
    (_set(1, "sources", "S_MISSING"), "unknown-source", "sources", 3),
    (_set(0, "commodity", "uranium"), "unknown-commodity", "commodity", 2),
    (_set(0, "unit", "barrels"), "not-allowed", "unit", 2),
    (_set(1, "unit", "bcm/yr"), "unit-mismatch", "unit", 3),
    (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), "duplicate-id", "obs_id", 2),
    (_set(2, "period", "2023-01/2024-06"), "bad-period", "period", 4),
    (_set(2, "period", "first half"), "bad-period", "period", 4),
    (_set(0, "kind", "port_loadings"), "not-allowed", "kind", 2),
    (_set(0, "kind", "terminal_loading"), "unknown-node", "target", 2),  # L_AB is not a node
    (_set(0, "status", "guess"), "not-allowed", "status", 2),
    (_set(0, "value", "7"), "provenance-mismatch", "value", None),
]


def test_the_observations_validate(observed: Path) -> None:
    report, _ = validate_dataset(observed)
    assert report.ok, report.to_frame()


@pytest.mark.parametrize(("change", "code", "column", "line"), BREAKS)
def test_each_break_is_reported_with_file_row_and_column(
    observed: Path, change: Callable[[Frame], Frame], code: str, column: str, line: int | None
) -> None:
    edit_csv(observed, "observations", change)
    report, _ = validate_dataset(observed)
    found = [i for i in report.issues if i.code == code and i.table in ("observations", None)]
    found = found or [i for i in report.issues if i.code == code]
    assert found, report.to_frame()[["code", "message"]]
    issue = found[0]
    assert issue.column == column and issue.hint
    if line is not None:
        assert line in issue.rows and "observations.csv" in issue.where


def test_a_figure_without_provenance_is_unsourced(observed: Path) -> None:
    edit_csv(observed, "provenance", lambda f: f[f["row_id"] != "O_BC"])
    report, _ = validate_dataset(observed)
    assert "unsourced-figure" in report.codes()


def test_a_terminal_loading_is_what_leaves_the_network_at_its_node(observed: Path) -> None:
    edit_csv(observed, "observations", _set(0, "kind", "terminal_loading"))
    edit_csv(observed, "observations", _set(0, "target", "M_C"))
    network = corridor.load(observed)
    table = backtest(network, [2023]).set_index("obs_id")
    unmet = run(network, options=SolveOptions(year=2023)).results.unmet
    served = float(unmet.loc[unmet["node_id"] == "M_C", "delivered"].sum())
    assert served > 0
    assert table.at["O_AB", "kind"] == "terminal_loading"
    assert table.at["O_AB", "model"] == pytest.approx(served)


def test_a_commodity_the_link_does_not_carry_is_a_warning(observed: Path) -> None:
    edit_csv(observed, "observations", _set(0, "commodity", "natural_gas"))
    edit_csv(observed, "observations", _set(0, "unit", "bcm/yr"))
    report, _ = validate_dataset(observed)
    assert "commodity-not-carried" in {i.code for i in report.warnings}


def test_model_values_are_the_solved_flows_in_the_observed_unit(observed: Path) -> None:
    network = corridor.load(observed)
    table = backtest(network, [2023]).set_index("obs_id")
    links = run(network, options=SolveOptions(year=2023)).results.links
    factors = commodity_factors(network.conversions, network.commodities, "crude_oil")
    for oid, link in (("O_AB", "L_AB"), ("O_BC", "L_BC")):
        rows = links[links["link_id"] == link]
        unit = table.at[oid, "unit"]
        expected = convert(rows["used"].sum(), rows["unit"].iloc[0], unit, **factors)
        assert table.at[oid, "model"] == pytest.approx(expected)
        observed_value = table.at[oid, "observed"]
        assert table.at[oid, "error"] == pytest.approx(expected - observed_value)
        assert table.at[oid, "error_percent"] == pytest.approx(
            100 * (expected - observed_value) / observed_value
        )
    assert (table["tolerance_percent"] == TOLERANCE_PERCENT).all()
    assert math.isnan(table.at["O_AB_H1", "model"])  # a half year is never annualised
    assert table.at["O_AB_H1", "verdict"].startswith("not compared")


def test_the_summary_counts_compared_items_only(observed: Path) -> None:
    summary = backtest_summary(backtest(corridor.load(observed)))
    assert summary["compared"] == 2 and summary["items"] == 3
    assert summary["tolerance"] == {"value": TOLERANCE_PERCENT, "unit": "%"}
    assert summary["median_absolute_error"]["unit"] == "%"
    assert len(summary["worst"]) == 2


def test_the_shipped_backtest_covers_the_main_pipelines() -> None:
    table = backtest(corridor.load(), [2023, 2024])
    assert {"L_BTC", "L_CPC"} <= set(table["target"])
    assert set(table["year"]) == {2023, 2024}
    assert table["verdict"].isin(["within", "outside"]).sum() >= 4


def test_cli_prints_the_table_and_fits_80_columns(observed: Path) -> None:
    result = run_cli("backtest", "--data", str(observed), columns=80)
    assert result.returncode == 0, result.stderr
    assert "O_AB" in result.stdout and "Median absolute error" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_cli_json_parses(observed: Path) -> None:
    result = run_cli("backtest", "--data", str(observed), "--year", "2023", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    first = payload["backtest"][0]
    assert first["observed"] == {"value": 6.0, "unit": "Mt/yr"}
    assert set(first["model"]) == {"value", "unit"}
    assert payload["summary"]["compared"] == 2


@pytest.mark.parametrize(
    ("year", "says"),
    [("1850", "no supply or demand"), ("x", "")],
)
def test_cli_unknown_years_exit_two(observed: Path, year: str, says: str) -> None:
    result = run_cli("backtest", "--data", str(observed), "--year", year)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr


def test_cli_a_year_without_observations_exits_two(tiny_copy: Path) -> None:
    result = run_cli("backtest", "--data", str(tiny_copy), "--year", "2023")
    assert result.returncode == 2
    assert "observations.csv has no figure for 2023" in result.stderr


def test_cli_writes_its_folder_atomically(observed: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt"
    for _ in range(2):  # its own earlier output is replaced
        result = run_cli("backtest", "--data", str(observed), "-o", str(out))
        assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} >= {"backtest.csv", "summary.json"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["tolerance"]["unit"] == "%"
    assert len(pd.read_csv(out / "backtest.csv")) == 3
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    refused = run_cli("backtest", "--data", str(observed), "-o", str(out))
    assert refused.returncode == 2 and (out / "mine.txt").exists()


def test_cli_refuses_an_output_inside_the_dataset(observed: Path) -> None:
    result = run_cli("backtest", "--data", str(observed), "-o", str(observed / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_scenario_is_checked_against_the_record_of_its_year() -> None:
    net = shipped_network()
    base = backtest(net, [2023]).set_index("obs_id")["model"]
    closed = backtest(net, scenario="cpc-closed").set_index("obs_id")
    assert set(closed["year"]) == {2023}
    assert closed.loc["O_CPC_KZ_2023", "model"] == pytest.approx(0, abs=1e-6)  # L_CPC closed
    supply = net.supply
    russian = supply.loc[(supply["node_id"] == "T_CPC") & (supply["year"] == 2023), "value"].sum()
    assert russian > 0  # Russian crude enters CPC in Russia and is still loaded
    assert closed.loc["O_CPC_2023", "model"] == pytest.approx(russian)
    assert closed.loc["O_CPC_2023", "verdict"] == "outside"
    assert (
        closed.loc["O_BTC_2023", "model"] >= base["O_BTC_2023"] - 1e-6
    )  # closing CPC never lowers BTC


def test_cli_scenario_backtest_and_its_refusals() -> None:
    done = run_cli("backtest", "--scenario", "baseline-2023", columns=80)
    assert done.returncode == 0, done.stderr
    assert "of scenario baseline-2023 (2023)" in " ".join(done.stdout.split())
    both = run_cli("backtest", "--scenario", "baseline-2023", "--year", "2023")
    assert both.returncode == 2 and "sets its own year" in both.stderr
    later = run_cli("backtest", "--scenario", "middle-corridor-2030")
    assert later.returncode == 2 and "observations.csv has no figure for 2030" in " ".join(
        later.stderr.split()
    )
    assert "Traceback" not in done.stderr + both.stderr + later.stderr


#: The main pipelines and the targets their observations measure.
MAIN_PIPELINES = {
    "BTC": {"L_BTC"},
    "CPC": {"L_CPC", "T_CPC"},
    "SCP": {"L_SCP"},
    "TANAP": {"L_TANAP_0", "L_TANAP_1"},
    "TAP": {"L_TAP_A", "L_TAP_B", "L_TAP_C"},
}


def test_the_main_pipelines_match_the_record() -> None:
    """Every BTC, CPC, SCP, TANAP and TAP observation of 2023 and 2024 is within the one
    tolerance; the other items of those years are reported, not required."""
    table = backtest(shipped_network(), [2023, 2024])
    main = {target for targets in MAIN_PIPELINES.values() for target in targets}
    ours = table[table["target"].isin(main)]
    for year in (2023, 2024):
        for pipeline, targets in MAIN_PIPELINES.items():
            observed = ours[(ours["year"] == year) & ours["target"].isin(targets)]
            assert len(observed), f"no {pipeline} observation for {year}"
    outside = ours[ours["verdict"] != "within"]
    shown = outside[["obs_id", "observed", "model", "unit", "error_percent"]].to_string()
    assert outside.empty, f"outside ±{TOLERANCE_PERCENT} %:\n{shown}"
    assert (ours["tolerance_percent"] == TOLERANCE_PERCENT).all()
    rest = table[~table["target"].isin(main)]
    print(rest[["obs_id", "observed", "model", "unit", "error_percent", "verdict"]].to_string())


def test_a_target_that_is_not_in_the_data_gets_a_did_you_mean(observed: Path) -> None:
    edit_csv(observed, "observations", _set(0, "kind", "terminal_loading"))
    edit_csv(observed, "observations", _set(0, "target", "M_CC"))
    report, _ = validate_dataset(observed)
    (issue,) = [i for i in report.issues if i.code == "unknown-node"]
    assert "M_CC: did you mean 'M_C'?" in issue.hint and 2 in issue.rows
