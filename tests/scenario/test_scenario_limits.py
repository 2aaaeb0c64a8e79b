"""Hostile or huge scenario files: refused with the file, key and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.errors import ScenarioProblem
from corridor.scenario import ScenarioError, read_scenario
from corridor.scenario.files import (
    MAX_SCENARIO_BYTES,
    MAX_SCENARIO_DEPTH,
    MAX_SCENARIO_ITEMS,
    MAX_SCENARIO_VALUES,
)
from tests.cli.runner import run
from tests.scenario.test_scenarios import GOOD_HEAD, write

SOURCE = "sources:\n  - {id: S_NEW, publisher: P, title: T, url: %s, date: 2024}\n"


def problem_of(file: Path) -> ScenarioProblem:
    with pytest.raises(ScenarioError) as err:
        read_scenario(file)
    assert len(err.value.problems) == 1, err.value
    problem = err.value.problems[0]
    assert problem.file == file.resolve()
    return problem


def nested(levels: int) -> str:
    """``cites`` as lists nested so that the file holds ``levels`` mappings and lists in all."""
    inner = levels - 1  # the top-level mapping is one
    return GOOD_HEAD + "cites: " + "[" * inner + "]" * inner + "\n"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("'javascript:alert(1)'", "scheme is 'javascript'"),
        ("'https:///page'", "no host"),
        ("'HTTPS://'", "no host"),
        ("www.example.org", "no scheme"),
        ("'https://exa mple.org'", "space"),
    ],
)
def test_a_scenario_source_url_must_be_an_absolute_web_address(
    tmp_path: Path, url: str, reason: str
) -> None:
    problem = problem_of(write(tmp_path, GOOD_HEAD + SOURCE % url))
    assert (problem.key, problem.line) == ("sources[0].url", 5)
    assert "http:// or https://" in problem.message and reason in problem.message


def test_a_scenario_source_with_a_web_address_is_read(tmp_path: Path) -> None:
    scenario = read_scenario(write(tmp_path, GOOD_HEAD + SOURCE % "'HTTPS://Example.org:8080/a?b'"))
    assert scenario.spec.sources[0].url == "HTTPS://Example.org:8080/a?b"


def test_nesting_far_beyond_the_limit_is_an_error_not_a_recursion_crash(tmp_path: Path) -> None:
    problem = problem_of(write(tmp_path, nested(5000)))
    assert (problem.line, problem.key) == (4, "cites[0][0][0][0][0]…")
    assert f"nested deeper than {MAX_SCENARIO_DEPTH}" in problem.message


def test_nesting_is_refused_one_level_past_the_limit(tmp_path: Path) -> None:
    assert "nested deeper" in problem_of(write(tmp_path, nested(MAX_SCENARIO_DEPTH + 1))).message
    at_limit = problem_of(write(tmp_path, nested(MAX_SCENARIO_DEPTH)))
    assert "nested deeper" not in at_limit.message  # read, then refused by the schema
    assert at_limit.key == "cites[0]"


def test_a_list_longer_than_the_limit_is_refused_with_its_key(tmp_path: Path) -> None:
    ids = ", ".join(["S_BP_BTC"] * (MAX_SCENARIO_ITEMS + 1))
    problem = problem_of(write(tmp_path, GOOD_HEAD + f"cites: [{ids}]\n"))
    assert (problem.key, problem.line) == ("cites", 4)
    assert f"more than {MAX_SCENARIO_ITEMS:,} entries" in problem.message
    ids = ", ".join(["S_BP_BTC"] * MAX_SCENARIO_ITEMS)
    assert len(read_scenario(write(tmp_path, GOOD_HEAD + f"cites: [{ids}]\n")).spec.cites) == (
        MAX_SCENARIO_ITEMS
    )


def test_aliases_that_expand_past_the_limit_are_refused(tmp_path: Path) -> None:
    # each level holds ten of the one before: 10**7 strings from a file of under 1 kB
    levels = ["x0: &a0 [" + ", ".join(["S_BP_BTC"] * 10) + "]"]
    levels += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    text = GOOD_HEAD + "\n".join(levels) + "\ncites: *a6\n"
    assert MAX_SCENARIO_VALUES < 10**7
    problem = problem_of(write(tmp_path, text))
    assert f"more than {MAX_SCENARIO_VALUES:,} values" in problem.message
    assert problem.line is not None and problem.line <= 4 + len(levels)


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    problem = problem_of(write(tmp_path, GOOD_HEAD + "cites: &a [*a]\n"))
    assert (problem.key, problem.line) == ("cites[0]", 4)
    assert "inside the value it names" in problem.message


def test_aliases_within_the_limits_are_read(tmp_path: Path) -> None:
    text = GOOD_HEAD + "cites: &c [S_BP_BTC]\noutages:\n  - {link: L_CPC, sources: *c}\n"
    assert read_scenario(write(tmp_path, text)).spec.outages[0].sources == ["S_BP_BTC"]


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    padded = GOOD_HEAD + "#" * (MAX_SCENARIO_BYTES - len(GOOD_HEAD) - 1) + "\n"
    at_limit = write(tmp_path, padded)
    assert at_limit.stat().st_size == MAX_SCENARIO_BYTES
    assert read_scenario(at_limit).year == 2024
    over = write(tmp_path, "#" + padded)
    problem = problem_of(over)
    assert problem.line is None and f"{MAX_SCENARIO_BYTES + 1:,} bytes" in problem.message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:  # sparse: NUL bytes that would not parse as YAML if read
        f.truncate(50 * MAX_SCENARIO_BYTES)
    problem = problem_of(huge)
    assert f"at most {MAX_SCENARIO_BYTES:,}" in problem.message
    assert "YAML" not in problem.message


def test_the_cli_reports_deep_nesting_without_a_traceback(tmp_path: Path) -> None:
    file = write(tmp_path, nested(5000))
    result = run("scenario", "validate", str(file))
    assert result.returncode == 1, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert f"{file.resolve()}:4: cites[0][0]" in message
    assert f"nested deeper than {MAX_SCENARIO_DEPTH}" in message
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
