"""`corridor transit simulate` and `sweep` refuse numbers out of range: exit 2, the option's
setting, the value and the range, no traceback."""

from __future__ import annotations

import pytest

from tests.cli.runner import run

CASES = [
    (("simulate", "--volume", "nan"), "caspian_setup.volume_mt", "at most 100 Mt/yr, got nan"),
    (("simulate", "--volume", "inf"), "caspian_setup.volume_mt", "got inf"),
    (("simulate", "--volume", "1e400"), "caspian_setup.volume_mt", "got inf"),
    (("simulate", "--volume", "-3"), "caspian_setup.volume_mt", "above 0"),
    (("simulate", "--years", "1e6"), "simulate.years", "at most 50 years, got 1000000.0"),
    (("simulate", "--warmup-days", "1e9"), "simulate.warmup_days", "from 0 to 365 days"),
    (("simulate", "--ferries", "201"), "caspian_setup.ferries", "from 2 to 200, got 201"),
    (("simulate", "--handling", "21"), "caspian_setup.handling_factor", "at most 20, got 21.0"),
    (
        ("simulate", "--policy", "schedule", "--headway", "721"),
        "caspian_setup.headway_hours",
        "from 1 to 720 h, got 721.0",
    ),
    (("simulate", "--year", "99999"), "--year 99999", "no supply or demand in the dataset"),
    (("simulate", "--seed", str(2**63)), "simulate.seed", f"got {2**63}"),
    (("sweep", "--volume", ""), "--volume needs at least one value", "got ''"),
    (("sweep", "--volume", " , "), "--volume needs at least one value", "got ' , '"),
    (("sweep", "--volume", "4.5", "--ferries", ""), "--ferries needs at least one value", ""),
    (("sweep", "--volume", "4.5", "--seeds", ""), "--seeds needs at least one value", ""),
    (("sweep", "--volume", "4.5,nan"), "sweep.volumes_mt[1]", "got nan"),
    (("sweep", "--volume", "4.5", "--handling", "0"), "sweep.handling[0]", "above 0"),
    (("sweep", "--volume", "4.5", "--years", "1e6"), "sweep.years", "at most 50 years"),
    (("sweep", "--volume", "4.5", "--workers", "1000"), "sweep.workers", "from 1 to 64"),
]


@pytest.mark.parametrize(("args", "setting", "words"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_out_of_range_numbers_are_input_errors(
    args: tuple[str, ...], setting: str, words: str
) -> None:
    result = run("transit", *args)
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert result.returncode == 2, result.stdout + result.stderr
    assert message.startswith(f"error: {setting}") and words in message, message
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in message
