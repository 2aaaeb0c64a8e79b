"""Property tests: any scenario text gives a result or a ScenarioError, never another exception;
outages and expansions on any link keep the dataset valid and the arithmetic exact."""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.dataset.network import Network
from corridor.scenario import ScenarioError, apply_scenario, read_scenario
from tests.conftest import shipped_network


@cache
def base() -> Network:
    return shipped_network()


KEYS = [
    "title",
    "description",
    "year",
    "extends",
    "outages",
    "expansions",
    "supply",
    "rules",
    "agreements",
    "link",
    "cut_percent",
    "days",
    "start",
    "end",
    "sources",
    "capacity",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 3000),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["L_CPC", "L_BTC", "S_BP_BTC", "03-22", "2024"]),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=documents)
def test_any_yaml_document_is_a_scenario_or_a_scenario_error(tmp_path: Path, doc: object) -> None:
    file = tmp_path / "fuzz.yaml"
    file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        apply_scenario(read_scenario(file), base())
    except ScenarioError as err:
        assert err.problems and all(p.file.name == "fuzz.yaml" for p in err.problems)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_text_is_read_or_refused_cleanly(tmp_path: Path, text: str) -> None:
    file = tmp_path / "text.yaml"
    file.write_text(text, encoding="utf-8")
    with contextlib.suppress(ScenarioError):
        read_scenario(file)


def capacity_links() -> list[str]:
    links = base().links
    return sorted(links.index[links["capacity"].notna()])


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    link=st.sampled_from(capacity_links()),
    cut=st.floats(1, 100),
    days=st.integers(1, 364),
    add=st.floats(0.1, 50),
)
def test_outages_and_expansions_on_any_link_stay_valid_and_exact(
    tmp_path: Path, link: str, cut: float, days: int, add: float
) -> None:
    file = tmp_path / "ops.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "title": "Property test",
                "description": "an expansion then a partial outage on one link",
                "year": 2024,
                "expansions": [{"link": link, "add": add, "year": 2020, "sources": ["S_BP_BTC"]}],
                "outages": [
                    {"link": link, "cut_percent": cut, "days": days, "sources": ["S_BP_BTC"]}
                ],
            }
        ),
        encoding="utf-8",
    )
    run = apply_scenario(read_scenario(file), base())  # checked: provenance must match
    before = float(base().links.at[link, "capacity"])
    after = float(run.network.links.at[link, "capacity"])
    assert after == pytest.approx((before + add) * (1 - cut / 100 * days / 365), rel=1e-9)
