"""Units of quantity and their conversions.

Every quantity in a dataset carries a unit string. A unit belongs to one *dimension* and has a
fixed factor to that dimension's base unit per year:

=============  ==============  ==================================================
dimension      base unit       units
=============  ==============  ==================================================
mass           t/yr            Mt/yr, kt/yr, t/yr, t/month
oil_volume     bbl/yr          b/d, mb/d, bbl/yr, million bbl/yr
gas_volume     m3/yr           bcm/yr, mcm/yr, mcm/d
teu            TEU/yr          TEU/yr
=============  ==============  ==================================================

Conversions inside a dimension are definitions (365 days a year, 1,000 mcm in a bcm). Crossing
dimensions needs a physical factor from the dataset's ``conversions`` table: barrels per tonne of a
crude grade (mass <-> oil_volume) or tonnes per TEU (mass <-> teu).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from corridor.errors import UnitError

__all__ = [
    "DAYS_PER_YEAR",
    "TRANSIT_CANONICAL",
    "TRANSIT_FACTOR",
    "TRANSIT_UNITS",
    "UNITS",
    "Unit",
    "convert",
    "dimension_of",
    "parse_unit",
]

DAYS_PER_YEAR: Final = 365.0
MASS: Final = "mass"
OIL_VOLUME: Final = "oil_volume"
GAS_VOLUME: Final = "gas_volume"
TEU: Final = "teu"


@dataclass(frozen=True)
class Unit:
    """A unit of annual quantity: its dimension and its factor to the dimension's base unit."""

    symbol: str
    dimension: str
    to_base: float
    description: str


UNITS: Final[dict[str, Unit]] = {
    u.symbol: u
    for u in [
        Unit("Mt/yr", MASS, 1e6, "million tonnes per year"),
        Unit("kt/yr", MASS, 1e3, "thousand tonnes per year"),
        Unit("t/yr", MASS, 1.0, "tonnes per year"),
        Unit("t/month", MASS, 12.0, "tonnes per month"),
        Unit("b/d", OIL_VOLUME, DAYS_PER_YEAR, "barrels per day"),
        Unit("mb/d", OIL_VOLUME, 1e6 * DAYS_PER_YEAR, "million barrels per day"),
        Unit("bbl/yr", OIL_VOLUME, 1.0, "barrels per year"),
        Unit("million bbl/yr", OIL_VOLUME, 1e6, "million barrels per year"),
        Unit("bcm/yr", GAS_VOLUME, 1e9, "billion cubic metres per year"),
        Unit("mcm/yr", GAS_VOLUME, 1e6, "million cubic metres per year"),
        Unit("mcm/d", GAS_VOLUME, 1e6 * DAYS_PER_YEAR, "million cubic metres per day"),
        Unit("TEU/yr", TEU, 1.0, "twenty-foot equivalent units per year"),
    ]
}

#: Units of the transit table (times, speeds, fleet): unit -> (canonical unit, factor to it).
TRANSIT_UNITS: Final[dict[str, tuple[str, float]]] = {
    "h": ("h", 1.0),
    "d": ("h", 24.0),
    "km/h": ("km/h", 1.0),
    "km/d": ("km/h", 1.0 / 24.0),
    "vessels": ("vessels", 1.0),
    "berths": ("berths", 1.0),
    "wagons": ("wagons", 1.0),
    "TEU": ("TEU", 1.0),
    "USD": ("USD", 1.0),
    "USD/TEU-km": ("USD/TEU-km", 1.0),
}
#: Each transit unit's canonical unit, and the factor from it to the canonical unit.
TRANSIT_CANONICAL: Final[dict[str, str]] = {u: c for u, (c, _) in TRANSIT_UNITS.items()}
TRANSIT_FACTOR: Final[dict[str, float]] = {u: f for u, (_, f) in TRANSIT_UNITS.items()}


def parse_unit(symbol: str) -> Unit:
    """Return the :class:`Unit` for ``symbol``.

    Raises
    ------
    UnitError
        If the symbol is not a known unit; the message lists the valid ones.
    """
    try:
        return UNITS[symbol]
    except (KeyError, TypeError):
        valid = ", ".join(UNITS)
        raise UnitError(f"unknown unit {symbol!r}; expected one of: {valid}") from None


def dimension_of(symbol: str) -> str:
    """Return the dimension (mass, oil_volume, gas_volume, teu) of a unit symbol."""
    return parse_unit(symbol).dimension


def _bridge(source: str, target: str, *, bbl_per_t: float | None, t_per_teu: float | None) -> float:
    """Factor from one dimension's base unit to another's, e.g. t -> bbl is ``bbl_per_t``."""
    if source == target:
        return 1.0
    pair = {source, target}
    if pair == {MASS, OIL_VOLUME}:
        factor, name = bbl_per_t, "bbl_per_t"
        forward = source == MASS
    elif pair == {MASS, TEU}:
        factor, name = t_per_teu, "t_per_teu"
        forward = source == TEU
    else:
        raise UnitError(f"cannot convert {source} to {target}: no physical relation between them")
    if factor is None or not np.isfinite(factor) or factor <= 0:
        raise UnitError(f"converting {source} to {target} needs a positive {name}, got {factor!r}")
    return float(factor) if forward else 1.0 / float(factor)


def convert(
    value: float | npt.ArrayLike,
    from_unit: str,
    to_unit: str,
    *,
    bbl_per_t: float | None = None,
    t_per_teu: float | None = None,
) -> float | npt.NDArray[np.float64]:
    """Convert annual quantities between units.

    Parameters
    ----------
    value
        A number or an array of numbers in ``from_unit``.
    from_unit, to_unit
        Unit symbols from :data:`UNITS`.
    bbl_per_t
        Barrels per tonne of the crude grade; needed between mass and oil volume.
    t_per_teu
        Average tonnes per loaded TEU; needed between mass and TEU.

    Examples
    --------
    >>> round(convert(2.2, "Mt/yr", "million bbl/yr", bbl_per_t=7.33), 1)
    16.1
    >>> round(convert(20.0, "mcm/d", "bcm/yr"), 2)
    7.3
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    factor = (
        src.to_base
        * _bridge(src.dimension, dst.dimension, bbl_per_t=bbl_per_t, t_per_teu=t_per_teu)
        / dst.to_base
    )
    if np.ndim(value) == 0:
        return float(value) * factor  # type: ignore[arg-type]
    return np.asarray(value, dtype=float) * factor
