"""What a solve is asked for is checked against the dataset: no unknown year, country, group or
link is ever ignored (each was run silently on the unconstrained answer before)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor
from corridor.errors import OptionError
from corridor.optimize import build_model
from corridor.options import RouteRules, SolveOptions
from corridor.pipeline import solve
from corridor.routing.inputs import DatasetNames, resolve_rules
from tests.conftest import shipped_network

NET = shipped_network()


def test_an_unknown_country_is_refused_with_what_was_expected() -> None:
    with pytest.raises(OptionError) as err:
        solve(NET, year=2024, avoid=["XX"])
    message = str(err.value)
    assert "avoid: 'XX' is not a country or group of the dataset" in message
    assert "ISO codes" in message and "RU" in message and "OTS" in message


def test_english_names_and_codes_in_any_case_give_the_same_rules() -> None:
    expected = RouteRules(avoid_countries=frozenset({"RU", "TR"}))
    for typed in (["RU", "TR"], ["Russia", "Türkiye"], ["ru", "Turkey"], ["RUS", "turkiye"]):
        assert resolve_rules(NET, avoid=typed) == expected


def test_a_group_stands_for_its_countries_in_the_dataset() -> None:
    rules = resolve_rules(NET, avoid=["EU"])
    eu = set(NET.groups.loc[NET.groups["group_id"] == "EU", "country"])
    assert rules.avoid_countries == frozenset(eu & DatasetNames(NET).countries)
    assert {"BG", "GR", "IT"} <= rules.avoid_countries


def test_a_real_country_outside_the_dataset_is_named_as_such() -> None:
    with pytest.raises(OptionError, match=r"'France' \(FR, France\) is not a country of any node"):
        solve(NET, year=2024, avoid=["France"])


def test_countries_joined_by_a_space_get_a_hint() -> None:
    with pytest.raises(OptionError, match=r"separate several with commas \(RU,CN\)"):
        resolve_rules(NET, avoid=["RU CN"])


def test_unknown_links_and_groups_are_refused_with_a_suggestion() -> None:
    with pytest.raises(OptionError) as err:
        solve(NET, year=2024, avoid_links=["L_NOPE", "CPC", "l_btc"], only_groups=["NOPE", "RU"])
    problems = err.value.problems
    assert any("avoid_links: 'L_NOPE' is not a link of the dataset" in p for p in problems)
    assert any("'CPC' is not a link of the dataset (did you mean 'L_CPC'?)" in p for p in problems)
    assert not any("l_btc" in p for p in problems)  # a link id in any case is understood
    assert any("only_groups: 'NOPE' is not a group" in p and "OTS" in p for p in problems)
    assert any("only_groups: 'RU' is a country" in p for p in problems)


def test_a_year_without_data_is_refused_and_lists_the_years() -> None:
    with pytest.raises(OptionError, match=r"year 1850: no supply or demand .* 2023, 2024"):
        solve(NET, year=1850)


def test_a_year_with_partial_data_warns_which_table_lacks_it() -> None:
    r = solve(NET, year=2030)
    assert any("demand.csv has no rows for 2030" in w for w in r.warnings)
    assert not any(w.startswith("supply.csv") for w in r.warnings)


def test_hand_built_rules_are_checked_too() -> None:
    options = SolveOptions(
        year=2024,
        rules=RouteRules(avoid_countries=frozenset({"XX"})),
        commodity_rules={"crude": RouteRules(avoid_links=frozenset({"L_CPCC"}))},
    )
    with pytest.raises(OptionError) as err:
        build_model(NET, options)
    problems = err.value.problems
    assert any("rules.avoid_countries: 'XX'" in p for p in problems)
    assert any("commodity_rules: 'crude' is not a commodity" in p for p in problems)
    assert any("'L_CPCC' is not a link of the dataset (did you mean 'L_CPC'" in p for p in problems)


BASE = solve(NET, year=2024)


def _crossed(results: corridor.Results) -> tuple[set[str], set[str]]:
    """Countries and links the flows of a solve use."""
    links = set(results.flows["link_id"])
    countries = {c for cs in results.paths["countries"] for c in cs}
    return countries, links


@settings(max_examples=40, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            ["RU", "cn", "Georgia", "Iran", "EU", "OTS", "L_BTC", "L_CPC", "TITR", "Kazakhstan"]
        ),
    ),
    option=st.sampled_from(["avoid", "avoid_links", "only_groups"]),
)
def test_any_string_is_applied_for_a_stated_reason_or_refused(text: str, option: str) -> None:
    try:
        r = solve(NET, year=2024, **{option: [text]})
    except OptionError as err:
        assert repr(text.strip()) in str(err) or repr(text) in str(err)
        return
    rules = resolve_rules(NET, **{option: [text]})
    names = DatasetNames(NET)
    assert rules.avoid_countries <= names.countries and rules.avoid_links <= names.links
    assert rules.only_groups <= set(names.groups)
    countries, links = _crossed(r)
    assert not countries & rules.avoid_countries and not links & rules.avoid_links
    used_countries, used_links = _crossed(BASE)
    inside = {c for g in rules.only_groups for c in names.groups[g]}
    closes_used = bool(
        used_countries & rules.avoid_countries
        or used_links & rules.avoid_links
        or (rules.only_groups and not used_countries <= inside)
    )
    # the answer changes exactly when the rule closes something the free answer used
    assert r.flows.equals(BASE.flows) != closes_used
