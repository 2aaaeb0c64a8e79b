"""Check what a solve is asked for against the dataset: the year, countries, groups and links.

A country may be given by ISO code, English name or group id; a group or link by its id (any
case). Whatever the dataset does not have is an :class:`~corridor.errors.OptionError` that names
the option, the value and what was expected, with a "did you mean" where one fits.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import pycountry

from corridor.dataset.network import Network, derived
from corridor.dataset.rules import supply_gaps
from corridor.errors import OptionError
from corridor.options import RouteRules, SolveOptions

__all__ = [
    "DatasetNames",
    "check_options",
    "check_year",
    "resolve_rules",
    "unknown_ids",
    "year_coverage",
]

#: What each keyword of :func:`resolve_rules` is called in messages (the CLI passes its flags).
API_LABELS: Final[Mapping[str, str]] = {
    "avoid": "avoid",
    "only_groups": "only_groups",
    "avoid_links": "avoid_links",
    "year": "year",
}
#: English names readers use that pycountry does not list.
_COMMON_NAMES: Final = {"Russia": "RU", "Turkey": "TR"}
_SHOWN = 30  # ids listed in a message before "…"


def _normal(text: str) -> str:
    """Case, accents and spacing folded: 'Türkiye ' -> 'turkiye'."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _listed(items: Iterable[str]) -> str:
    items = sorted(items)
    more = f", … ({len(items)} in all)" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def _suggest(value: str, choices: Iterable[str]) -> str:
    by_fold = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(value.casefold(), list(by_fold), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(by_fold[c]) for c in close)}?)" if close else ""


def unknown_ids(values: Iterable[str], known: Iterable[str], what: str, label: str) -> list[str]:
    """A problem line for each of ``values`` not in ``known`` ("did you mean" where one fits)."""
    choices = set(known)
    return [
        f"{label}: {value!r} is not a {what} of the dataset{_suggest(value, choices)}"
        for value in values
        if value not in choices
    ]


def _countries(network: Network) -> frozenset[str]:
    nodes = network.nodes["country"].dropna().astype(str)
    crossed = {str(c) for cs in network.links["countries"] for c in cs}
    return frozenset(set(nodes) | crossed)


def _group_members(network: Network) -> dict[str, frozenset[str]]:
    countries = _countries(network)
    return {
        str(gid): frozenset(part["country"].dropna().astype(str)) & countries
        for gid, part in network.groups.groupby("group_id")
    }


def _link_ids(network: Network) -> frozenset[str]:
    return frozenset(str(i) for i in network.links.index)


@dataclass(frozen=True)
class DatasetNames:
    """The countries, groups and links a dataset has, for checking what a user typed."""

    network: Network

    @property
    def countries(self) -> frozenset[str]:
        """ISO codes of every node's country and every country a link crosses."""
        return derived(self.network, "dataset_countries", _countries)

    @property
    def groups(self) -> dict[str, frozenset[str]]:
        """Each group id with its member and observer countries that the dataset has."""
        return dict(derived(self.network, "dataset_groups", _group_members))

    @property
    def links(self) -> frozenset[str]:
        """Link ids."""
        return derived(self.network, "dataset_links", _link_ids)

    @cached_property
    def country_names(self) -> dict[str, str]:
        """Folded English names and alpha-3 codes of the dataset's countries -> ISO code."""
        names = {}
        for code in self.countries:
            country = pycountry.countries.get(alpha_2=code)
            for attr in ("name", "official_name", "common_name", "alpha_3"):
                value = getattr(country, attr, None) if country else None
                if value:
                    names[_normal(str(value))] = code
        names.update({_normal(n): c for n, c in _COMMON_NAMES.items() if c in self.countries})
        return names

    @cached_property
    def display_names(self) -> list[str]:
        """English names of the dataset's countries (pycountry's, and the common ones)."""
        names = [n for n, c in _COMMON_NAMES.items() if c in self.countries]
        for code in sorted(self.countries):
            country = pycountry.countries.get(alpha_2=code)
            names += [
                str(getattr(country, a))
                for a in ("name", "common_name")
                if getattr(country, a, None)
            ]
        return names

    def country(self, value: str, label: str) -> frozenset[str] | str:
        """The ISO codes ``value`` stands for, or the sentence saying why it is not understood."""
        code = value.strip().upper()
        if code in self.countries:
            return frozenset({code})
        group = self.group(value)
        if group is not None:
            return self.groups[group]
        found = self._by_name(_normal(value))
        if found is not None:
            return frozenset({found})
        return self._unknown_country(value, label)

    def _by_name(self, folded: str) -> str | None:
        if folded in self.country_names:
            return self.country_names[folded]
        if len(folded) < 4:
            return None
        prefixed = {c for n, c in self.country_names.items() if n.startswith(folded)}
        return next(iter(prefixed)) if len(prefixed) == 1 else None

    def _unknown_country(self, value: str, label: str) -> str:
        try:
            known = pycountry.countries.lookup(value.strip())
        except LookupError:
            known = None
        if known is not None:
            return (
                f"{label}: {value!r} ({known.alpha_2}, {known.name}) is not a country of any node "
                f"or link in the dataset; its countries are {_listed(self.countries)}"
            )
        parts = value.split()
        if len(parts) > 1 and all(isinstance(self.country(p, label), frozenset) for p in parts):
            return f"{label}: {value!r}: separate several with commas ({','.join(parts)})"
        choices = [*self.countries, *self.groups, *self.display_names]
        return (
            f"{label}: {value!r} is not a country or group of the dataset{_suggest(value, choices)}"
            f"; give ISO codes ({_listed(self.countries)}), English names (Russia) or group ids "
            f"({_listed(self.groups)})"
        )

    def group(self, value: str) -> str | None:
        """The group id ``value`` names (any case), or None."""
        return {g.upper(): g for g in self.groups}.get(value.strip().upper())

    def link(self, value: str) -> str | None:
        """The link id ``value`` names (any case), or None."""
        return {link.upper(): link for link in self.links}.get(value.strip().upper())


def _groups(names: DatasetNames, values: Iterable[str], label: str) -> tuple[set[str], list[str]]:
    found, problems = set(), []
    for value in values:
        group = names.group(value)
        if group is not None:
            found.add(group)
        elif isinstance(names.country(value, label), frozenset):
            problems.append(
                f"{label}: {value!r} is a country; {label} takes group ids: {_listed(names.groups)}"
            )
        else:
            problems.append(
                f"{label}: {value!r} is not a group of the dataset"
                f"{_suggest(value, names.groups)}; its groups are {_listed(names.groups)}"
            )
    return found, problems


def _links(names: DatasetNames, values: Iterable[str], label: str) -> tuple[set[str], list[str]]:
    found, problems = set(), []
    for value in values:
        link = names.link(value)
        if link is not None:
            found.add(link)
            continue
        guess = names.link(f"L_{value.strip()}")
        hint = f" (did you mean {guess!r}?)" if guess else _suggest(value, names.links)
        problems.append(
            f"{label}: {value!r} is not a link of the dataset{hint}; links.csv lists the link ids"
        )
    return found, problems


def resolve_rules(
    network: Network,
    *,
    avoid: Iterable[str] = (),
    only_groups: Iterable[str] = (),
    avoid_links: Iterable[str] = (),
    labels: Mapping[str, str] = API_LABELS,
) -> RouteRules:
    """Route rules from what a user typed, every name checked against ``network``.

    ``avoid`` takes ISO codes, English names (``Russia``) and group ids (a group stands for its
    member and observer countries); ``only_groups`` group ids; ``avoid_links`` link ids.

    Raises
    ------
    OptionError
        Naming every value the dataset does not have, with what was expected.
    """
    names = DatasetNames(network)
    countries: set[str] = set()
    problems: list[str] = []
    for value in avoid:
        found = names.country(value, labels["avoid"])
        if isinstance(found, str):
            problems.append(found)
        else:
            countries |= found
    groups, bad_groups = _groups(names, only_groups, labels["only_groups"])
    links, bad_links = _links(names, avoid_links, labels["avoid_links"])
    problems += bad_groups + bad_links
    if problems:
        raise OptionError(problems)
    return RouteRules(
        avoid_countries=frozenset(countries),
        only_groups=frozenset(groups),
        avoid_links=frozenset(links),
    )


def _rule_problems(names: DatasetNames, rules: RouteRules, where: str) -> list[str]:
    """What a hand-built RouteRules names that the dataset lacks (ids must be exact)."""
    if rules.empty:
        return []
    checks = (
        ("avoid_countries", rules.avoid_countries, names.countries, "country"),
        ("only_groups", rules.only_groups, frozenset(names.groups), "group"),
        ("avoid_links", rules.avoid_links, names.links, "link"),
        ("require_links", rules.require_links, names.links, "link"),
    )
    return [
        f"{where}.{field}: {value!r} is not a {what} of the dataset{_suggest(value, known)}"
        for field, values, known, what in checks
        for value in sorted(values)
        if value not in known
    ]


def year_coverage(network: Network) -> dict[str, frozenset[int]]:
    """The years each year-dependent table has rows for (found once per network)."""
    return dict(derived(network, "year_coverage", _year_coverage))


def _year_coverage(network: Network) -> dict[str, frozenset[int]]:
    return {
        table: frozenset(int(y) for y in getattr(network, table)["year"].dropna())
        for table in ("supply", "demand")
    }


def check_year(network: Network, year: object, *, label: str = "year") -> tuple[str, ...]:
    """Refuse a year without supply or demand; return a warning per table that lacks it.

    Raises
    ------
    OptionError
        If ``year`` is not a whole number or no supply or demand row is for it.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise OptionError([f"{label}: {year!r} is not a year (a whole number such as 2024)"])
    coverage = year_coverage(network)
    covered = sorted(set().union(*coverage.values()))
    if year not in covered:
        have = f"it covers {_years(covered)}" if covered else "it has no supply or demand rows"
        raise OptionError(
            [f"{label} {year}: no supply or demand in the dataset is for {year}; {have}"]
        )
    verb = {"supply": "supplied", "demand": "demanded"}
    missing = tuple(
        f"{table}.csv has no rows for {year} (only for {_years(years)}): nothing is "
        f"{verb[table]} in {year}"
        for table, years in coverage.items()
        if year not in years
    )
    return missing + supply_gap_warnings(network, year)


def supply_gap_warnings(network: Network, year: int) -> tuple[str, ...]:
    """A warning for each supply series that has rows before and after ``year`` but none for it."""
    gaps = derived(network, "supply_gaps", lambda n: supply_gaps(n.supply))
    return tuple(
        f"supply.csv has {commodity} rows for {node} before and after {year} but none for "
        f"{year}: {node} supplies no {commodity} in {year}"
        for (node, commodity), years in sorted(gaps.items())
        if year in years
    )


def _years(years: Iterable[int]) -> str:
    return ", ".join(map(str, sorted(years))) or "no year"


def check_options(network: Network, options: SolveOptions) -> tuple[str, ...]:
    """Check a solve's year, route rules and commodities; return the year's warnings.

    Raises
    ------
    OptionError
        Naming everything the dataset does not have.
    """
    names = DatasetNames(network)
    problems = _rule_problems(names, options.rules, "rules")
    commodities = set(network.commodities.index) if options.commodity_rules else set()
    for commodity, rules in options.commodity_rules.items():
        if commodity not in commodities:
            problems.append(
                f"commodity_rules: {commodity!r} is not a commodity of the dataset"
                f"{_suggest(commodity, commodities)}"
            )
        problems += _rule_problems(names, rules, f"commodity_rules[{commodity!r}]")
    if problems:
        raise OptionError(problems)
    return check_year(network, options.year)
