"""Outage criticality (issue 14 §1): each failure is a warm re-solve of one held model, judged
against the intact solve in volume (its unit), USD/yr, agreements and takeover."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.errors import OptionError
from corridor.options import SolveOptions
from corridor.resilience import link_outages, node_outages, outage_criticality
from tests.cli.runner import run as run_cli
from tests.conftest import shipped_network
from tests.optimize.builders import write_dataset

OPTS = SolveOptions(year=2024)
USD_T = 100.0  # 100 USD/t = 1e8 USD per Mt


@pytest.fixture
def two_routes(tmp_path: Path) -> corridor.Network:
    # N0 --L0 (6 Mt/yr, 10 km)--> N2, and N0 --L1 (3)--> N1 --L2 (3, 10 km)--> N2
    # supply 8 at N0, demand 5 at N2 (priced 100 USD/t): all 5 go the short way over L0
    return write_dataset(
        tmp_path,
        3,
        [
            (0, 2, 6, 10, "crude_oil"),
            (0, 1, 3, 20, "crude_oil"),
            (1, 2, 3, 10, "crude_oil"),
        ],
        [(0, "crude_oil", 8)],
        [(2, "crude_oil", 5)],
        prices={"crude_oil": USD_T},
    )


def test_a_full_outage_loses_what_the_other_route_cannot_carry(
    two_routes: corridor.Network,
) -> None:
    # L0 out: only 3 Mt/yr go round by L1-L2, so 5 - 3 = 2 Mt/yr are lost, worth
    # 2 Mt x 100 USD/t = USD 200 million/yr; L1 and L2 take over 3 Mt/yr each.
    c = outage_criticality(two_routes, options=OPTS, outages=link_outages(two_routes, ["L0"]))
    row = c.ranking.set_index("outage").loc["L0"]
    assert row["cost_increase"] == pytest.approx(2 * 1e6 * USD_T)
    assert row["cost_unit"] == "USD/yr" and row["lost"] == "crude_oil 2 Mt/yr"
    lost = c.lost.set_index(["outage", "commodity"]).loc[("L0", "crude_oil")]
    assert lost["lost"] == pytest.approx(2) and lost["unit"] == "Mt/yr"
    gains = c.takeover.set_index("link_id")["gain"]
    assert gains.to_dict() == pytest.approx({"L1": 3, "L2": 3})
    assert c.markets.set_index("node_id").at["N2", "lost"] == pytest.approx(2)


def test_partial_outages_take_a_share_of_the_year(two_routes: corridor.Network) -> None:
    # L0 at 50 % all year keeps 3 + 3 round = 5 Mt/yr: nothing lost. L0 fully out for 292 of
    # 365 days keeps 6 x 73/365 = 1.2 Mt/yr: 1.2 + 3 = 4.2 delivered, 0.8 lost.
    half = link_outages(two_routes, ["L0"], cut_percent=50)
    most = link_outages(two_routes, ["L0"], days=292)
    c = outage_criticality(two_routes, options=OPTS, outages=[*half, *most])
    cost = c.ranking.set_index(["outage", "days"])["cost_increase"]
    assert cost[("L0", 365.0)] == pytest.approx(0, abs=1)
    assert cost[("L0", 292.0)] == pytest.approx(0.8 * 1e6 * USD_T)


def test_a_node_outage_closes_its_links_and_its_market(two_routes: corridor.Network) -> None:
    (market,) = node_outages(two_routes, ["N2"])
    assert set(market.links) == {"L0", "L2"} and market.nodes == ("N2",)
    c = outage_criticality(two_routes, options=OPTS, outages=[market])
    assert c.most_stranded("crude_oil")["lost"] == pytest.approx(5)


def test_the_model_gets_its_bounds_back_after_every_outage(two_routes: corridor.Network) -> None:
    # every link and node out in turn (links without a capacity are closed through the
    # bounds of their flows and reopened the same way): the intact answer is unchanged after
    intact = corridor.solve(two_routes, options=OPTS)
    first = outage_criticality(two_routes, options=OPTS)
    again = outage_criticality(two_routes, options=OPTS)
    pd.testing.assert_frame_equal(first.ranking, again.ranking)
    after = corridor.solve(two_routes, options=OPTS)
    assert after.objective == pytest.approx(intact.objective)


def test_an_uncapped_link_is_closed_and_reopened(tmp_path: Path) -> None:
    # N0 --L0 (no capacity)--> N1 and N0 --L1 (2)--> N1; supply 5, demand 4
    net = write_dataset(
        tmp_path,
        2,
        [(0, 1, None, 10, "crude_oil"), (0, 1, 2, 20, "crude_oil")],
        [(0, "crude_oil", 5)],
        [(1, "crude_oil", 4)],
        prices={"crude_oil": USD_T},
    )
    outages = [*link_outages(net, ["L0"]), *link_outages(net, ["L1"])]
    c = outage_criticality(net, options=OPTS, outages=outages).ranking.set_index("outage")
    assert c.at["L0", "lost"] == "crude_oil 2 Mt/yr"  # only L1's 2 Mt/yr get through
    assert c.at["L1", "lost"] == ""  # L0 carries everything once L1 is out
    with pytest.raises(OptionError, match="L0 has no capacity in the data"):
        outage_criticality(net, options=OPTS, outages=link_outages(net, ["L0"], cut_percent=50))
    assert [o.name for o in link_outages(net, cut_percent=50)] == ["L1"]  # only capped links


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda n: link_outages(n, ["L_CPCC"]), "'L_CPCC' is not a link of the dataset"),
        (lambda n: node_outages(n, ["T_CEYHAM"]), "(did you mean 'T_CEYHAN'?)"),
        (lambda n: link_outages(n, ["L_CPC"], cut_percent=0), "not a percentage in (0, 100]"),
        (lambda n: link_outages(n, ["L_CPC"], days=400), "not a number of days in (0, 365]"),
    ],
)
def test_bad_outages_are_clear_errors(make: object, said: str) -> None:
    with pytest.raises(OptionError) as err:
        make(shipped_network())  # type: ignore[operator]
    assert said in str(err.value)


def test_cpc_closed_in_2023_matches_the_question_answer() -> None:
    # The CPC-closed answer (tests/test_questions.py): 70.5 Mt of Kazakh crude, 22.1 reach
    # markets without CPC, so 48.4 Mt/yr are lost; Kenkiyak-Atyrau takes over towards China.
    # The CPC terminal as a node also stops the 7.474 Mt/yr of Russian crude loaded there.
    net = shipped_network()
    outages = [*link_outages(net, ["L_CPC"]), *node_outages(net, ["T_CPC"])]
    c = outage_criticality(net, options=SolveOptions(year=2023), outages=outages)
    lost = c.lost.set_index("outage")["lost"]
    assert lost["L_CPC"] == pytest.approx(48.4)
    assert lost["T_CPC"] == pytest.approx(48.4 + 7.474)
    takeover = c.takeover[c.takeover["outage"] == "L_CPC"].set_index("link_id")["gain"]
    assert takeover["L_KEN_ATASU"] == pytest.approx(6 - 1.209)
    assert c.ranking.iloc[0]["outage"] == "T_CPC"


def test_the_command_ranks_and_writes_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "resilience", "outages", "--links", "L_BTC,L_SCP", "--nodes", "T_CEYHAN", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "Most crude_oil lost:" in result.stdout and "Most natural_gas lost:" in result.stdout
    ranking = pd.read_csv(out / "ranking.csv")
    assert set(ranking["outage"]) == {"L_BTC", "L_SCP", "T_CEYHAN"}
    assert (ranking["cost_unit"] == "USD/yr").all()
    for name in ("lost", "markets", "takeover", "agreements"):
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert "unit" in frame.columns
    together = run_cli("resilience", "outages", "--links", "L_BTC,L_SCP", "--together")
    assert together.returncode == 0 and "L_BTC+L_SCP" in together.stdout


def test_the_command_refuses_bad_settings() -> None:
    bad = run_cli("resilience", "outages", "--links", "L_CPCC")
    assert bad.returncode == 2 and "did you mean 'L_CPC'" in " ".join(bad.stderr.split())
    assert "Traceback" not in bad.stderr
    cut = run_cli("resilience", "outages", "--cut", "150")
    assert cut.returncode == 2 and "--cut: 150" in cut.stderr
    year = run_cli("resilience", "outages", "--scenario", "cpc-closed", "--year", "2024")
    assert year.returncode == 2


def test_the_results_light_path_reads_what_the_result_tables_say() -> None:
    # The outages are read straight from the solution; the same solve's result tables must
    # give the same deliveries, flows, agreement volumes and cost.
    from corridor.pipeline import hold, solve_model
    from corridor.resilience.outages import _apply, _Keys, _light_view, _restore

    net = shipped_network()
    held = hold(net, None, SolveOptions(year=2024))
    keys = _Keys.of(held)
    for outage in [*link_outages(net, ["L_CPC", "L_SCP"]), *node_outages(net, ["T_CEYHAN"])]:
        _apply(held, outage)
        light = _light_view(held, keys)
        full = solve_model(held.network, held.model, held.options)
        _restore(held, outage)
        served = pd.concat([full.unmet, full.markets], ignore_index=True)
        tables = {
            "delivered": served.groupby(["node_id", "commodity"])["delivered"].sum(),
            "flows": full.flows.groupby(["link_id", "commodity"])["flow"].sum(),
            "agreements": full.agreements.set_index("agreement_id")["delivered"],
        }
        index = {"delivered": keys.markets, "flows": keys.links, "agreements": keys.agreements}
        for name, table in tables.items():
            mine = pd.Series(getattr(light, name), index=pd.Index(index[name]))
            keys_all = mine[mine.abs() > 1e-9].index.union(table[table.abs() > 1e-9].index)
            assert mine.reindex(keys_all).fillna(0).to_numpy() == pytest.approx(
                table.reindex(keys_all).fillna(0).to_numpy(), abs=1e-7
            ), (outage.name, name)
        assert light.cost == pytest.approx(full.objective, rel=1e-9)


def test_only_what_runs_in_the_year_fails() -> None:
    net = shipped_network()
    opts = SolveOptions(year=2024)
    with pytest.raises(OptionError, match=r"L_TCGP does not run in 2024 \(status proposed\)"):
        outage_criticality(net, options=opts, outages=link_outages(net, ["L_TCGP"]))
    every = outage_criticality(net, options=opts)
    assert "L_TCGP" not in set(every.ranking["outage"])  # proposed: not in the default set
    assert "L_WREP" not in set(every.ranking["outage"])  # suspended
    # a partial outage of every node cuts only its links with a capacity
    part = outage_criticality(net, options=opts, cut_percent=50)
    ceyhan = part.ranking.set_index("outage").loc["T_CEYHAN"]
    assert ceyhan["links"] == "L_BTC;L_CEYHAN_STAR" and ceyhan["cut_percent"] == 50
    together = run_cli("resilience", "outages", "--together")
    assert together.returncode == 2 and "--together" in together.stderr


def test_the_report_shows_the_ranking_when_asked(tmp_path: Path) -> None:
    asked = run_cli("report", "--outages", "-o", str(tmp_path / "a" / "report.html"))
    assert asked.returncode == 0, asked.stderr
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "Outages that cost most (N-1)" in html
    assert html.count('class="out-bar"') == 10
    assert "<title>C_ATYRAU: USD 41.1 billion/yr</title>" in html  # the costliest, in USD/yr
    plain = run_cli("report", "-o", str(tmp_path / "b" / "report.html"))
    assert plain.returncode == 0
    assert "Outages that cost most" not in (tmp_path / "b" / "report.html").read_text("utf-8")
