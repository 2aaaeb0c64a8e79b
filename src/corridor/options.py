"""Options of a solve: the year, route rules for the whole run, penalties and solver settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from corridor.commodities import COMMODITIES

__all__ = ["DEFAULT_UNMET_PENALTY", "RouteFamilies", "RouteRules", "SolveOptions"]

#: Priority per canonical unit of unmet demand, by commodity (corridor.commodities): high
#: enough that delivering beats any transport cost in the data (BTC's tariff of 3-4 USD/bbl is
#: about 3e7 USD per Mt). A priority, not a price: it never appears in results.
DEFAULT_UNMET_PENALTY: Final[dict[str, float]] = {
    c: f.unmet_penalty for c, f in COMMODITIES.items()
}


@dataclass(frozen=True)
class RouteRules:
    """Where flows may go: countries or groups to avoid, links to avoid or require.

    Attributes
    ----------
    avoid_countries
        ISO alpha-2 codes no route may cross ("not through RU").
    only_groups
        Group ids; routes may only cross countries that belong (as members or observers) to
        at least one of them ("only through OTS members and observers").
    avoid_links
        Link ids no route may use.
    require_links
        Link ids an agreement's route must use (applies to agreements only).
    """

    avoid_countries: frozenset[str] = frozenset()
    only_groups: frozenset[str] = frozenset()
    avoid_links: frozenset[str] = frozenset()
    require_links: frozenset[str] = frozenset()

    def merged(self, other: RouteRules) -> RouteRules:
        """Both sets of rules at once."""
        return RouteRules(
            self.avoid_countries | other.avoid_countries,
            self.only_groups | other.only_groups,
            self.avoid_links | other.avoid_links,
            self.require_links | other.require_links,
        )

    def for_commodity(self, commodity: str, scoped: dict[str, RouteRules]) -> RouteRules:
        """These rules plus those scoped to ``commodity``."""
        return self.merged(scoped[commodity]) if commodity in scoped else self

    def describe(self) -> str:
        """The rules in words, e.g. ``avoid RU, CN; only through OTS; avoid links L_CPC``."""
        parts = [
            f"{words} {', '.join(sorted(values))}"
            for words, values in (
                ("avoid", self.avoid_countries),
                ("only through", self.only_groups),
                ("avoid links", self.avoid_links),
                ("must use", self.require_links),
            )
            if values
        ]
        return "; ".join(parts) or "none"

    @property
    def empty(self) -> bool:
        """True when no rule is set."""
        return not (
            self.avoid_countries or self.only_groups or self.avoid_links or self.require_links
        )


@dataclass(frozen=True)
class RouteFamilies:
    """How a route skim names the overland route that crosses one country.

    A route with a ferry is "Middle Corridor via <port>"; one that crosses ``northern`` (an
    ISO code) is "Northern (through <northern_name>)"; the others are "Sea" or "Overland".
    """

    northern: str = "RU"
    northern_name: str = "Russia"

    @property
    def northern_label(self) -> str:
        """The Northern family's name, e.g. ``Northern (through Russia)``."""
        return f"Northern (through {self.northern_name})"


@dataclass(frozen=True)
class SolveOptions:
    """Settings of :func:`corridor.solve`.

    Attributes
    ----------
    year
        The year modelled: links outside their years carry nothing, supply and demand rows of
        that year apply.
    rules
        Route rules for every flow of the run.
    commodity_rules
        Route rules for the flows of one commodity only (its free flows and its agreements),
        e.g. ``{"containers": RouteRules(avoid_countries=frozenset({"RU"}))}``.
    unmet_penalty
        Penalty per canonical unit of unmet demand, by commodity.
    agreement_weight
        Reward per unit delivered under an agreement, as a share of the commodity's unmet
        penalty: agreements are served before spot flows on shared capacity.
    market_weight
        Value per unit delivered to an open-market node (a world market such as an export
        terminal), as a share of the commodity's unmet penalty: markets take what demand rows
        leave, and any transport cost in the data is worth paying to reach them.
    distance_cost
        Cost per unit and km added to every flow so that shorter routes win ties (USD-equivalent
        per canonical unit per km; 0 to switch off).
    method
        HiGHS method: ``simplex`` (dual simplex, the default), ``ipm`` or ``pdlp``.
    time_limit_s
        Solver time limit in seconds.
    tolerance
        Absolute tolerance of the solution checks.
    """

    year: int = 2024
    rules: RouteRules = field(default_factory=RouteRules)
    commodity_rules: dict[str, RouteRules] = field(default_factory=dict)
    unmet_penalty: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_UNMET_PENALTY))
    agreement_weight: float = 0.5
    market_weight: float = 0.01
    distance_cost: float = 1.0
    method: str = "simplex"
    time_limit_s: float = 600.0
    tolerance: float = 1e-6
