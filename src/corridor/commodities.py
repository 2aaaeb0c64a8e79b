"""What corridor knows of each built-in commodity, in one place: its canonical unit, the
dimension of that unit, the priority of its unmet demand and how its distance tie-break counts.

A dataset may add commodities of its own (``commodities.csv``); they get :data:`OTHER`'s facts
and the canonical unit the dataset gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from corridor.units import GAS_VOLUME, MASS, OIL_VOLUME, TEU, UNITS

__all__ = [
    "CANONICAL_BY_DIMENSION",
    "CANONICAL_UNIT",
    "COMMODITIES",
    "OTHER",
    "Commodity",
    "facts",
]


@dataclass(frozen=True)
class Commodity:
    """The built-in facts of a commodity.

    Attributes
    ----------
    canonical_unit
        The unit every quantity of it is converted to on load.
    unmet_penalty
        The priority of one canonical unit of unmet demand in the solve (not a price: it never
        appears in results); high enough that serving demand beats any transport cost.
    tie_break_by_mass
        The distance tie-break counts the unit's tonnes (containers: tonnes per TEU from the
        dataset's conversions) rather than one per canonical unit.
    """

    canonical_unit: str
    unmet_penalty: float = 1e10
    tie_break_by_mass: bool = False

    @property
    def dimension(self) -> str:
        """mass, oil_volume, gas_volume or teu."""
        return UNITS[self.canonical_unit].dimension


COMMODITIES: Final[dict[str, Commodity]] = {
    "crude_oil": Commodity("Mt/yr"),  # 1e10 per Mt: 10,000 USD/t
    "oil_products": Commodity("Mt/yr"),
    "natural_gas": Commodity("bcm/yr"),  # 1e10 per bcm: 10 USD/m3
    "containers": Commodity("TEU/yr", unmet_penalty=1e5, tie_break_by_mass=True),
    "general_freight": Commodity("Mt/yr"),
}
#: The facts of a commodity a dataset adds (its canonical unit comes from the dataset).
OTHER: Final = Commodity("Mt/yr")
#: Each built-in commodity's canonical unit.
CANONICAL_UNIT: Final[dict[str, str]] = {c: f.canonical_unit for c, f in COMMODITIES.items()}
#: Canonical unit of a link's capacity, by the dimension of the unit it was given in (oil
#: volumes become tonnes, with the grade's barrels per tonne).
CANONICAL_BY_DIMENSION: Final[dict[str, str]] = {
    MASS: "Mt/yr",
    OIL_VOLUME: "Mt/yr",
    GAS_VOLUME: "bcm/yr",
    TEU: "TEU/yr",
}


def facts(commodity: str) -> Commodity:
    """The facts of ``commodity`` (:data:`OTHER`'s for one a dataset adds)."""
    return COMMODITIES.get(commodity, OTHER)
