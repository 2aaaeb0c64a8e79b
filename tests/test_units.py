"""Unit conversions: worked examples from the fact sheet and round-trip properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.errors import UnitError
from corridor.units import DAYS_PER_YEAR, UNITS, convert


def test_march_2024_deal_in_barrels_depends_on_grade() -> None:
    # 2.2 Mt/yr x 7.33 bbl/t = 16.126 million bbl; x 7.9 bbl/t = 17.38 million bbl (fact sheet §1.5)
    assert convert(2.2, "Mt/yr", "million bbl/yr", bbl_per_t=7.33) == pytest.approx(16.126)
    assert convert(2.2, "Mt/yr", "million bbl/yr", bbl_per_t=7.9) == pytest.approx(17.38)
    # the press's "16.5 million" sits inside that range
    assert 16.126 < 16.5 < 17.38


def test_btc_convention_50_mt_is_about_1_mbd_for_azeri_light() -> None:
    # 1.0 mb/d x 365 d / 7.3 bbl/t = 50.0 Mt/yr
    assert convert(1.0, "mb/d", "Mt/yr", bbl_per_t=7.3) == pytest.approx(50.0)
    assert convert(50, "Mt/yr", "b/d", bbl_per_t=7.3) == pytest.approx(1_000_000)


def test_gas_daily_to_annual() -> None:
    # Iğdır–Nakhchivan: 2 mcm/d x 365 = 730 mcm/yr = 0.73 bcm/yr
    assert convert(2, "mcm/d", "bcm/yr") == pytest.approx(0.73)
    assert convert(0.73, "bcm/yr", "mcm/yr") == pytest.approx(730)
    assert convert(23.4, "bcm/yr", "mcm/d") == pytest.approx(23_400 / DAYS_PER_YEAR)


def test_teu_to_tonnes_needs_a_factor() -> None:
    assert convert(100_000, "TEU/yr", "Mt/yr", t_per_teu=10) == pytest.approx(1.0)
    assert convert(1.0, "Mt/yr", "TEU/yr", t_per_teu=10) == pytest.approx(100_000)
    with pytest.raises(UnitError, match="t_per_teu"):
        convert(1, "TEU/yr", "Mt/yr")


def test_mass_rates() -> None:
    # KMG: 180,000 t/month = 2.16 Mt/yr (the March 2024 ramp-up)
    assert convert(180_000, "t/month", "Mt/yr") == pytest.approx(2.16)
    assert convert(240, "kt/yr", "Mt/yr") == pytest.approx(0.24)


def test_unknown_unit_and_impossible_conversion_are_clear_errors() -> None:
    with pytest.raises(UnitError, match="unknown unit 'Mt'"):
        convert(1, "Mt", "Mt/yr")
    with pytest.raises(UnitError, match="cannot convert gas_volume to mass"):
        convert(1, "bcm/yr", "Mt/yr")
    with pytest.raises(UnitError, match="positive bbl_per_t"):
        convert(1, "Mt/yr", "b/d", bbl_per_t=0)


def test_arrays_convert_elementwise() -> None:
    out = convert([1.0, 2.0], "bcm/yr", "mcm/yr")
    assert list(out) == pytest.approx([1000.0, 2000.0])  # type: ignore[arg-type]


@given(
    value=st.floats(min_value=1e-6, max_value=1e9),
    pair=st.sampled_from(sorted(UNITS)).flatmap(
        lambda a: st.tuples(
            st.just(a),
            st.sampled_from([b for b in UNITS if UNITS[b].dimension == UNITS[a].dimension]),
        )
    ),
)
def test_round_trip_within_a_dimension(value: float, pair: tuple[str, str]) -> None:
    a, b = pair
    back = convert(convert(value, a, b), b, a)
    assert math.isclose(back, value, rel_tol=1e-12)


@given(value=st.floats(min_value=1e-6, max_value=1e9), factor=st.floats(min_value=5, max_value=9))
def test_round_trip_across_mass_and_barrels(value: float, factor: float) -> None:
    there = convert(value, "Mt/yr", "b/d", bbl_per_t=factor)
    assert math.isclose(convert(there, "b/d", "Mt/yr", bbl_per_t=factor), value, rel_tol=1e-12)
