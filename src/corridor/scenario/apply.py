"""Apply a scenario to a network: change its tables (with provenance) and set the run's rules.

The changed tables are validated again like any dataset, so a scenario cannot produce an
unsourced figure, a dangling reference or a unit mismatch without saying where.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from operator import add, mul
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from corridor.dataset.network import Network, from_frames, load
from corridor.errors import ValidationError
from corridor.io.export import tables_to_csv_frames
from corridor.options import RouteRules, SolveOptions
from corridor.scenario.files import Scenario, ScenarioError, ScenarioProblem, read_scenario
from corridor.scenario.model import Expansion, Outage, QuantityChange, ScenarioSpec

__all__ = ["AppliedScenario", "apply_scenario", "outage_factor"]

_DAYS_IN_YEAR = 365


@dataclass(frozen=True)
class AppliedScenario:
    """A scenario applied to a dataset: the changed network, the run's options and what changed."""

    scenario: Scenario
    network: Network
    options: SolveOptions
    changes: tuple[str, ...]
    source_ids: tuple[str, ...]

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name


def outage_factor(outage: Outage) -> tuple[float, float]:
    """Share of the link's annual capacity left by an outage, and the outage's length in days."""
    if outage.days is not None:
        days = outage.days
    elif outage.start is not None and outage.end is not None:
        start = dt.date.fromisoformat(f"2001-{outage.start}")
        end = dt.date.fromisoformat(f"2001-{outage.end}")
        days = (end - start).days + 1 if end >= start else _DAYS_IN_YEAR - (start - end).days + 1
    else:
        days = _DAYS_IN_YEAR
    return 1.0 - outage.cut_percent / 100.0 * days / _DAYS_IN_YEAR, days


class _Provenance(Protocol):
    """What a scenario entry says of the figures it sets."""

    @property
    def sources(self) -> list[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def confidence(self) -> str: ...
    @property
    def note(self) -> str | None: ...


class _Editor:
    """The dataset's tables in file form, changed in place, each figure with its provenance."""

    def __init__(self, network: Network, scenario: Scenario) -> None:
        self.frames = {
            name: frame.astype(object).where(frame.notna(), None)
            for name, frame in tables_to_csv_frames(network).items()
        }
        self.scenario = scenario
        self.problems: list[ScenarioProblem] = []
        self.changes: list[str] = []
        self.cited: set[str] = set()

    # -- lookups ---------------------------------------------------------------------------
    def problem(self, key: str, message: str, value: Any = None) -> None:
        file, line = self.scenario.where(key)
        self.problems.append(ScenarioProblem(file, key, line, message, value))

    def ids(self, table: str) -> set[str]:
        frame = self.frames[table]
        return set(frame.iloc[:, 0].astype(str))

    def row(self, table: str, row_id: str) -> int:
        frame = self.frames[table]
        return int(frame.index[frame.iloc[:, 0] == row_id][0])

    def get(self, table: str, row_id: str, column: str) -> Any:
        return self.frames[table].at[self.row(table, row_id), column]

    def known(self, table: str, value: str, key: str, what: str) -> bool:
        """True if ``table`` has the id; else a problem at ``key``."""
        if value in self.ids(table):
            return True
        self.problem(key, f"no {what} with this id in the dataset", value)
        return False

    def new(self, table: str, value: str, key: str, what: str) -> bool:
        """True if ``table`` lacks the id (a row may be added); else a problem at ``key``."""
        if value not in self.ids(table):
            return True
        self.problem(key, f"the dataset already has a {what} with this id", value)
        return False

    def check_sources(self, entry: _Provenance, key: str) -> None:
        known = self.ids("sources")
        for source in getattr(entry, "sources", []):
            if source not in known:
                self.problem(
                    f"{key}.sources",
                    "no source with this id in the dataset or the scenario's sources",
                    source,
                )
            self.cited.add(source)

    # -- edits -----------------------------------------------------------------------------
    def set_figure(
        self,
        table: str,
        row_id: str,
        column: str,
        value: float | None,
        entry: _Provenance | None,
        *,
        derive: Callable[[float], float] | None = None,
    ) -> None:
        """Set a sourced figure and its provenance row.

        ``derive`` marks a figure derived from the one it replaces (scaled, or added to): its
        provenance keeps the old sources next to the entry's and maps the sourced range with
        ``derive``. Otherwise the entry's sources replace the old ones and the range is dropped.
        """
        self.frames[table].at[self.row(table, row_id), column] = value
        prov = self.frames["provenance"]
        match = prov.index[
            (prov["table"] == table) & (prov["row_id"] == row_id) & (prov["column"] == column)
        ]
        if value is None or entry is None:
            self.frames["provenance"] = prov.drop(index=match)
            return
        old = prov.loc[match[0]].to_dict() if len(match) else {}
        note = f"scenario {self.scenario.name}: {entry.note or 'changed'}"
        if derive is not None and old:
            sources = ";".join(dict.fromkeys([*str(old["source_ids"]).split(";"), *entry.sources]))
            low, high = (None if old[b] is None else derive(float(old[b])) for b in ("low", "high"))
            status, confidence, year = old["status"], old["confidence"], old["year"]
        else:
            sources = ";".join(entry.sources)
            low = high = year = None
            status, confidence = entry.status, entry.confidence
        row = {
            "table": table,
            "row_id": row_id,
            "column": column,
            "value": value,
            "low": low,
            "high": high,
            "year": year if year is not None else self.scenario.year,
            "status": status,
            "confidence": confidence,
            "source_ids": sources,
            "note": note,
        }
        if len(match):
            for name, cell in row.items():
                prov.at[match[0], name] = cell
        else:
            self.frames["provenance"] = pd.concat(
                [prov, pd.DataFrame([row], dtype=object)], ignore_index=True
            )

    def append(self, table: str, values: dict[str, Any]) -> None:
        frame = self.frames[table]
        row = {c: values.get(c) for c in frame.columns}
        self.frames[table] = pd.concat(
            [frame, pd.DataFrame([row], dtype=object)], ignore_index=True
        )


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _join(values: Iterable[str]) -> str:
    return ";".join(values)


def _apply_new_rows(ed: _Editor) -> None:
    spec = ed.scenario.spec
    known = ed.ids("sources") | {source.id for source in spec.sources}
    for i, source_id in enumerate(spec.cites):
        if source_id in known:
            ed.cited.add(source_id)
        else:
            ed.problem(
                f"cites[{i}]",
                "no source with this id in the dataset or the scenario's sources",
                source_id,
            )
    for i, source in enumerate(spec.sources):
        if not ed.new("sources", source.id, f"sources[{i}].id", "source"):
            continue
        ed.append(
            "sources",
            {
                "source_id": source.id,
                "publisher": source.publisher,
                "title": source.title,
                "url": source.url,
                "date": source.date,
                "note": source.note,
            },
        )
    for i, node in enumerate(spec.nodes):
        key = f"nodes[{i}]"
        ed.check_sources(node, key)
        if not ed.new("nodes", node.node_id, f"{key}.node_id", "node"):
            continue
        ed.append(
            "nodes",
            {
                **node.model_dump(exclude={"sources", "status", "confidence"}),
                "commodities": _join(node.commodities),
                "open_market": "true" if node.open_market else None,
            },
        )
        for column in ("lat", "lon"):
            ed.set_figure("nodes", node.node_id, column, getattr(node, column), node)
        ed.changes.append(f"new node {node.node_id} ({node.name})")
    for i, link in enumerate(spec.links):
        key = f"links[{i}]"
        ed.check_sources(link, key)
        if not ed.new("links", link.link_id, f"{key}.link_id", "link"):
            continue
        for end in ("from_node", "to_node"):
            ed.known("nodes", getattr(link, end), f"{key}.{end}", "node")
        values = link.model_dump(exclude={"sources", "status", "confidence", "link_status"})
        ed.append(
            "links",
            {
                **values,
                "status": link.link_status,
                "commodities": _join(link.commodities),
                "countries": _join(link.countries),
                "bidirectional": "true" if link.bidirectional else "false",
            },
        )
        for column in ("capacity", "length_km", "start_year", "end_year"):
            if values[column] is not None:
                ed.set_figure("links", link.link_id, column, float(values[column]), link)
        ed.changes.append(f"new link {link.link_id} ({link.name})")


def _apply_links(ed: _Editor, rules: set[str]) -> None:
    spec, year = ed.scenario.spec, ed.scenario.year
    for i, change in enumerate(spec.link_changes):
        key = f"link_changes[{i}]"
        if not ed.known("links", change.link, f"{key}.link", "link"):
            continue
        row = ed.row("links", change.link)
        if change.status is not None:
            ed.frames["links"].at[row, "status"] = change.status
            ed.changes.append(f"{change.link}: status {change.status}")
        if change.bidirectional is not None:
            ed.frames["links"].at[row, "bidirectional"] = str(change.bidirectional).lower()
            ed.changes.append(
                f"{change.link}: {'both directions' if change.bidirectional else 'one direction'}"
            )
        if change.commodities is not None:
            ed.frames["links"].at[row, "commodities"] = _join(change.commodities)
            ed.changes.append(f"{change.link}: carries {', '.join(change.commodities)}")
    for i, exp in enumerate(spec.expansions):
        key = f"expansions[{i}]"
        ed.check_sources(exp, key)
        if ed.known("links", exp.link, f"{key}.link", "link"):
            _expand(ed, exp, key, year)
    for i, outage in enumerate(spec.outages):
        key = f"outages[{i}]"
        ed.check_sources(outage, key)
        if ed.known("links", outage.link, f"{key}.link", "link"):
            _cut(ed, outage, key, rules)
    for i, tariff in enumerate(spec.tariffs):
        key = f"tariffs[{i}]"
        ed.check_sources(tariff, key)
        if ed.known("links", tariff.link, f"{key}.link", "link"):
            ed.frames["links"].at[ed.row("links", tariff.link), "tariff_unit"] = tariff.unit
            ed.set_figure("links", tariff.link, "tariff", tariff.tariff, tariff)
            ed.changes.append(f"{tariff.link}: tariff {tariff.tariff:g} {tariff.unit}")


def _expand(ed: _Editor, exp: Expansion, key: str, year: int) -> None:
    if exp.year > year:
        ed.changes.append(f"{exp.link}: expansion of {exp.year} not yet in {year} (ignored)")
        return
    unit = ed.get("links", exp.link, "capacity_unit")
    old = _number(ed.get("links", exp.link, "capacity"))
    if exp.add is not None:
        if old is None or (exp.unit is not None and exp.unit != unit):
            ed.problem(
                f"{key}.add",
                f"can only add to a capacity in the link's unit ({unit}); "
                "give the new total as capacity with its unit",
                exp.add,
            )
            return
        new, new_unit, derive = old + exp.add, unit, partial(add, exp.add)
    else:
        assert exp.capacity is not None  # the model checks one of them is given
        new, new_unit, derive = exp.capacity, exp.unit or unit, None
        if new_unit is None:
            ed.problem(f"{key}.unit", "the link has no capacity unit; give one", None)
            return
    ed.frames["links"].at[ed.row("links", exp.link), "capacity_unit"] = new_unit
    ed.set_figure("links", exp.link, "capacity", new, exp, derive=derive)
    status = ed.get("links", exp.link, "status")
    start = _number(ed.get("links", exp.link, "start_year"))
    if status != "operating" and (start is None or start > exp.year):
        ed.set_figure("links", exp.link, "start_year", float(exp.year), exp)
    was = "no capacity" if old is None else f"{old:g} {unit}"
    ed.changes.append(f"{exp.link}: capacity {was} -> {new:g} {new_unit} from {exp.year}")


def _cut(ed: _Editor, outage: Outage, key: str, rules: set[str]) -> None:
    factor, days = outage_factor(outage)
    if factor <= 0:
        rules.add(outage.link)
        ed.changes.append(f"{outage.link}: closed for the whole year")
        return
    old = _number(ed.get("links", outage.link, "capacity"))
    if old is None:
        ed.problem(
            f"{key}.link",
            "the link has no sourced capacity to cut; close it for the "
            "whole year, or give its capacity with an expansion first",
            outage.link,
        )
        return
    unit = ed.get("links", outage.link, "capacity_unit")
    ed.set_figure(
        "links", outage.link, "capacity", old * factor, outage, derive=partial(mul, factor)
    )
    ed.changes.append(
        f"{outage.link}: {outage.cut_percent:g}% cut for {days:g} days -> "
        f"{old * factor:.4g} of {old:g} {unit} over the year"
    )


def _apply_quantities(ed: _Editor, table: str) -> None:
    spec, year = ed.scenario.spec, ed.scenario.year
    prefix = "SUP" if table == "supply" else "DEM"
    changes: list[QuantityChange] = getattr(spec, table)
    for i, ch in enumerate(changes):
        key = f"{table}[{i}]"
        ed.check_sources(ch, key)
        if not ed.known("nodes", ch.node, f"{key}.node", "node"):
            continue
        if not ed.known("commodities", ch.commodity, f"{key}.commodity", "commodity"):
            continue
        frame = ed.frames[table]
        match = frame[
            (frame["node_id"] == ch.node)
            & (frame["commodity"] == ch.commodity)
            & (frame["year"].astype(str) == str(year))
        ]
        row_id = str(match.iloc[0, 0]) if len(match) else None
        old = _number(match["value"].iloc[0]) if len(match) else None
        unit = match["unit"].iloc[0] if len(match) else ch.unit
        if ch.change_percent is not None:
            if old is None:
                ed.problem(
                    f"{key}.change_percent",
                    f"no {table} row for {ch.node} "
                    f"{ch.commodity} in {year} to change; give value and unit instead",
                )
                continue
            factor = 1 + ch.change_percent / 100
            ed.set_figure(
                table, str(row_id), "value", old * factor, ch, derive=partial(mul, factor)
            )
            ed.changes.append(
                f"{table} {ch.node} {ch.commodity}: {old:g} -> "
                f"{old * factor:.4g} {unit} ({ch.change_percent:+g}%)"
            )
            continue
        amount = ch.value if ch.value is not None else ch.add
        assert amount is not None
        if ch.add is not None and old is not None and ch.unit != unit:
            ed.problem(f"{key}.unit", f"can only add in the row's unit ({unit})", ch.unit)
            continue
        new = amount + (old or 0.0) if ch.add is not None else amount
        if row_id is None:
            row_id = f"{prefix}_{ch.node}_{ch.commodity}_{year}_SCENARIO"
            ed.append(
                table,
                {
                    f"{table}_id": row_id,
                    "node_id": ch.node,
                    "commodity": ch.commodity,
                    "year": year,
                    "value": new,
                    "unit": ch.unit,
                    "note": f"scenario {ed.scenario.name}",
                },
            )
        else:
            ed.frames[table].at[ed.row(table, row_id), "unit"] = ch.unit or unit
        ed.set_figure(table, row_id, "value", new, ch)
        was = "none" if old is None else f"{old:g} {unit}"
        ed.changes.append(f"{table} {ch.node} {ch.commodity}: {was} -> {new:g} {ch.unit or unit}")


def _apply_agreements(ed: _Editor) -> None:
    spec = ed.scenario.spec.agreements
    for i, agreement_id in enumerate(spec.remove):
        if ed.known("agreements", agreement_id, f"agreements.remove[{i}]", "agreement"):
            for column in ("min_volume", "max_volume", "start_year", "end_year"):
                ed.set_figure("agreements", agreement_id, column, None, None)
            frame = ed.frames["agreements"]
            ed.frames["agreements"] = frame[frame["agreement_id"] != agreement_id]
            ed.changes.append(f"agreement {agreement_id} removed")
    for i, ch in enumerate(spec.change):
        key = f"agreements.change[{i}]"
        ed.check_sources(ch, key)
        if not ed.known("agreements", ch.id, f"{key}.id", "agreement"):
            continue
        row = ed.row("agreements", ch.id)
        for column in ("unit", "avoid_countries", "require_links", "avoid_links"):
            value = getattr(ch, column)
            if value is not None:
                ed.frames["agreements"].at[row, column] = (
                    _join(value) if isinstance(value, list) else value
                )
        for column in ("min_volume", "max_volume", "start_year", "end_year"):
            value = getattr(ch, column)
            if value is not None:
                ed.set_figure("agreements", ch.id, column, float(value), ch)
        said = ", ".join(
            f"{k} {v}"
            for k, v in ch.model_dump(
                exclude={"id", "sources", "status", "confidence", "note"}
            ).items()
            if v is not None
        )
        ed.changes.append(f"agreement {ch.id}: {said}")
    for i, new in enumerate(spec.add):
        key = f"agreements.add[{i}]"
        ed.check_sources(new, key)
        if not ed.new("agreements", new.agreement_id, f"{key}.agreement_id", "agreement"):
            continue
        values = new.model_dump(exclude={"sources", "status", "confidence", "agreement_status"})
        lists = {k: _join(v) for k, v in values.items() if isinstance(v, list)}
        ed.append("agreements", {**values, **lists, "status": new.agreement_status})
        for column in ("min_volume", "max_volume", "start_year", "end_year"):
            if values[column] is not None:
                ed.set_figure("agreements", new.agreement_id, column, float(values[column]), new)
        ed.changes.append(f"new agreement {new.agreement_id} ({new.name})")


def _rules(ed: _Editor, closed: set[str]) -> tuple[RouteRules, dict[str, RouteRules]]:
    countries = set(ed.frames["nodes"]["country"].dropna().astype(str))
    groups = set(ed.frames["groups"]["group_id"].dropna().astype(str))
    commodities = ed.ids("commodities")
    everywhere = RouteRules(avoid_links=frozenset(closed))
    scoped: dict[str, RouteRules] = {}
    for i, r in enumerate(ed.scenario.spec.rules):
        key = f"rules[{i}]"
        checks: list[tuple[str, list[str], set[str], str]] = [
            ("avoid_countries", r.avoid_countries, countries, "country of any node"),
            ("only_groups", r.only_groups, groups, "group"),
            ("avoid_links", r.avoid_links, ed.ids("links"), "link"),
            ("commodities", r.commodities, commodities, "commodity"),
        ]
        for name, values, known, what in checks:
            for value in values:
                if value not in known:
                    ed.problem(f"{key}.{name}", f"not a {what} in the dataset", value)
        rule = RouteRules(
            frozenset(r.avoid_countries), frozenset(r.only_groups), frozenset(r.avoid_links)
        )
        if not r.commodities:
            everywhere = everywhere.merged(rule)
        for commodity in r.commodities:
            scoped[commodity] = scoped.get(commodity, RouteRules()).merged(rule)
        scope = ", ".join(r.commodities) or "all flows"
        ed.changes.append(
            f"route rules for {scope}: "
            + "; ".join(
                f"{n.replace('_', ' ')} {', '.join(v)}"
                for n, v in (
                    ("avoid_countries", r.avoid_countries),
                    ("only_groups", r.only_groups),
                    ("avoid_links", r.avoid_links),
                )
                if v
            )
        )
    return everywhere, scoped


def _entry_keys(spec: ScenarioSpec) -> dict[str, str]:
    """Which scenario entry made each row id (``L_TCGP`` -> ``expansions[0]``)."""
    keys: dict[str, str] = {}
    for section, field in (
        ("outages", "link"),
        ("expansions", "link"),
        ("tariffs", "link"),
        ("link_changes", "link"),
        ("nodes", "node_id"),
        ("links", "link_id"),
    ):
        for i, entry in enumerate(getattr(spec, section)):
            keys.setdefault(str(getattr(entry, field)), f"{section}[{i}]")
    for i, agreement in enumerate(spec.agreements.add):
        keys.setdefault(agreement.agreement_id, f"agreements.add[{i}]")
    for i, change in enumerate(spec.agreements.change):
        keys.setdefault(change.id, f"agreements.change[{i}]")
    return keys


def _revalidate(ed: _Editor) -> Network:
    """Validate the changed tables; errors point at the scenario entry that made the row."""
    try:
        return from_frames(ed.frames)
    except ValidationError as err:
        made_by = _entry_keys(ed.scenario.spec)
        for issue in err.report.errors:
            rows = {str(i).split(":")[-1].split(".")[0] for i in issue.ids}
            entry = next((made_by[r] for r in sorted(rows) if r in made_by), "")
            shown = f": {', '.join(map(str, issue.ids))}" if issue.ids else ""
            hint = f" ({issue.hint})" if issue.hint else ""
            ed.problem(
                entry, f"the changed dataset fails {issue.code}: {issue.message}{shown}{hint}"
            )
        raise ScenarioError(ed.problems) from None


def apply_scenario(
    scenario: Scenario | str | Path, network: Network | None = None
) -> AppliedScenario:
    """Apply a scenario (read, or a shipped name or file to read) to ``network`` (the shipped
    dataset by default).

    Raises
    ------
    ScenarioError
        Every reference to an unknown link, node, agreement, source, country or group, with its
        file, key and line; and any validation error of the changed dataset.
    """
    if not isinstance(scenario, Scenario):
        scenario = read_scenario(scenario)
    base = network if network is not None else load()
    ed = _Editor(base, scenario)
    closed: set[str] = set()
    _apply_new_rows(ed)
    _apply_links(ed, closed)
    _apply_quantities(ed, "supply")
    _apply_quantities(ed, "demand")
    _apply_agreements(ed)
    rules, scoped = _rules(ed, closed)
    if ed.problems:
        raise ScenarioError(ed.problems)
    changed = dataclasses.replace(_revalidate(ed), path=base.path)
    options = SolveOptions(year=scenario.year, rules=rules, commodity_rules=scoped)
    return AppliedScenario(scenario, changed, options, tuple(ed.changes), tuple(sorted(ed.cited)))
