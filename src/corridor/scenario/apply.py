"""Apply a scenario to a network: change its tables (with provenance) and set the run's rules.

The scenario edits the network's typed tables; what it changed is then validated like a
dataset (the cells it wrote and the rules that read them), so a scenario cannot produce an
unsourced figure, a dangling reference or a unit mismatch without saying where.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from operator import add, mul
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from corridor.dataset.network import CANONICAL_INPUTS, Network, canonical_columns, load
from corridor.dataset.report import ValidationReport
from corridor.dataset.rules import KEY_COLUMNS
from corridor.dataset.validate import Changes, typed_cell, validate_changes
from corridor.options import RouteRules, SolveOptions
from corridor.scenario.files import Scenario, ScenarioError, ScenarioProblem, read_scenario
from corridor.scenario.model import (
    Expansion,
    Outage,
    ProjectChange,
    QuantityChange,
    RecordedOutage,
    ScenarioSpec,
)
from corridor.schema import TABLES
from corridor.schema.vocabulary import COST_UNITS

__all__ = ["AppliedScenario", "apply_scenario", "outage_factor"]

_DAYS_IN_YEAR = 365


@dataclass(frozen=True)
class AppliedScenario:
    """A scenario applied to a dataset: the changed network, the run's options and what changed.

    ``network.report`` holds what the checks of the scenario's changes found (no error).
    """

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


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, tuple) and bool(pd.isna(value)))


class _Table:
    """One table under edit, typed and indexed as the network holds it.

    The frame is copied on the first change; added rows wait apart until :meth:`result`; every
    cell written is also kept as written, for the cell checks.
    """

    def __init__(self, name: str, frame: pd.DataFrame) -> None:
        self.spec = TABLES[name]
        self.name, self.base, self.frame, self.copied = name, frame, frame, False
        self.new: dict[Hashable, dict[str, Any]] = {}
        self.written: dict[Hashable, dict[str, Any]] = {}
        self.removed: list[Hashable] = []

    def has(self, label: Hashable) -> bool:
        return label in self.new or label in self.frame.index

    def labels(self) -> list[Hashable]:
        return [*self.frame.index, *self.new]

    def position(self, label: Hashable) -> int:
        """Where the (first) row with this label is in the frame."""
        where = self.frame.index.get_loc(label)
        if isinstance(where, slice):
            return int(where.start)
        return int(where) if isinstance(where, int) else int(np.flatnonzero(where)[0])

    def get(self, label: Hashable, column: str) -> Any:
        """A cell's typed value; None if it is empty."""
        if label in self.new:
            value = self.new[label][column]
        else:
            value = self.frame.iat[self.position(label), self.frame.columns.get_loc(column)]
        return None if _missing(value) else value

    def row(self, label: Hashable) -> dict[str, Any]:
        return {c: self.get(label, c) for c in self.spec.column_names if c != self.spec.id_column}

    def column(self, column: str) -> list[Any]:
        return [*self.frame[column].tolist(), *(row[column] for row in self.new.values())]

    def find(self, **values: Any) -> Hashable | None:
        """The first row with these values."""
        match = np.ones(len(self.frame), dtype=bool)
        for column, value in values.items():
            match &= (self.frame[column] == value).fillna(False).to_numpy(dtype=bool)
        if match.any():
            first: Hashable = self.frame.index[match][0]
            return first
        rows = self.new.items()
        return next((k for k, r in rows if all(r[c] == v for c, v in values.items())), None)

    def set(self, label: Hashable, column: str, value: Any) -> None:
        """Write a cell (a Python value, typed as parsing its text would type it)."""
        self.written.setdefault(label, {})[column] = value
        typed = typed_cell(self.spec.column(column), value)
        if label in self.new:
            self.new[label][column] = typed
            return
        if not self.copied:
            self.frame, self.copied = self.frame.copy(), True
        self.frame.iat[self.position(label), self.frame.columns.get_loc(column)] = typed

    def append(self, label: Hashable, values: dict[str, Any]) -> None:
        """Add a row; columns not in ``values`` are empty."""
        written = {c: values.get(c) for c in self.spec.column_names}
        self.written[label] = written
        self.new[label] = {c: typed_cell(self.spec.column(c), v) for c, v in written.items()}

    def next_label(self) -> int:
        """A label for a new row of a table without ids (after every row's, old or new)."""
        labels = [*self.base.index, *self.new]
        return int(max(labels)) + 1 if labels else 0

    def remove(self, label: Hashable) -> None:
        self.written.pop(label, None)
        if self.new.pop(label, None) is None:
            self.frame, self.copied = self.frame.drop(index=label), True
            self.removed.append(label)

    def result(self, network: Network) -> pd.DataFrame:
        """The changed table, with the canonical columns of its new rows and of the rows whose
        quantities, units or commodities were written."""
        if not self.copied and not self.new:
            return self.frame
        inputs = CANONICAL_INPUTS.get(self.name, frozenset())
        changed = [
            k for k, cells in self.written.items() if k not in self.new and inputs & cells.keys()
        ]
        if changed:
            self._set_canonical(self.frame, [self.position(k) for k in changed], network)
        if not self.new:
            frame = self.frame
        else:
            new = self._new_rows()
            if inputs:
                self._set_canonical(new, list(range(len(new))), network)
            frame = pd.concat([self.frame, new])
        return frame.reset_index(drop=True) if self.spec.id_column is None else frame

    def _set_canonical(self, frame: pd.DataFrame, positions: list[int], network: Network) -> None:
        args = (network.commodities, network.conversions)
        found = canonical_columns(self.name, frame.iloc[positions], *args)
        for column, values in found.items():
            at = frame.columns.get_loc(column)
            for position, value in zip(positions, values.tolist(), strict=True):
                frame.iat[position, at] = value

    def _new_rows(self) -> pd.DataFrame:
        index = pd.Index(list(self.new), dtype=self.frame.index.dtype, name=self.frame.index.name)
        columns = {}
        for column, dtype in self.frame.dtypes.items():
            values = [row.get(str(column), np.nan) for row in self.new.values()]
            if pd.api.types.is_object_dtype(dtype):
                cells = np.empty(len(values), dtype=object)
                cells[:] = values
                columns[column] = pd.Series(cells, index=index, dtype=object)
            else:
                columns[column] = pd.Series(values, index=index, dtype=dtype)
        return pd.DataFrame(columns, index=index)

    def changes(self, final: pd.DataFrame) -> tuple[dict[int, dict[str, Any]], frozenset[int]]:
        """Positions in ``final`` of the rows written (with their cells as written) and added."""
        index = self.frame.index.append(pd.Index(list(self.new))) if self.new else self.frame.index
        where: dict[Hashable, int] = {}
        for position, label in enumerate(index):
            where.setdefault(label, position)
        written = {where[label]: cells for label, cells in self.written.items()}
        return written, frozenset(where[label] for label in self.new)


class _Editor:
    """The dataset's typed tables under edit, each figure with its provenance."""

    def __init__(self, network: Network, scenario: Scenario) -> None:
        self.network = network
        self.tables = {name: _Table(name, getattr(network, name)) for name in TABLES}
        self.scenario = scenario
        self.problems: list[ScenarioProblem] = []
        self.changes: list[str] = []
        self.cited: set[str] = set()
        self._figures: dict[tuple[str, str, str], list[Hashable]] | None = None

    # -- lookups ---------------------------------------------------------------------------
    def problem(self, key: str, message: str, value: Any = None) -> None:
        file, line = self.scenario.where(key)
        self.problems.append(ScenarioProblem(file, key, line, message, value))

    def ids(self, table: str) -> set[str]:
        return {str(label) for label in self.tables[table].labels()}

    def get(self, table: str, row_id: str, column: str) -> Any:
        return self.tables[table].get(row_id, column)

    def set(self, table: str, row_id: str, column: str, value: Any) -> None:
        self.tables[table].set(row_id, column, value)

    def known(self, table: str, value: str, key: str, what: str) -> bool:
        """True if ``table`` has the id; else a problem at ``key``."""
        if self.tables[table].has(value):
            return True
        close = difflib.get_close_matches(value, sorted(self.ids(table)), n=2)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        self.problem(key, f"no {what} with this id in the dataset{hint}", value)
        return False

    def new(self, table: str, value: str, key: str, what: str) -> bool:
        """True if ``table`` lacks the id (a row may be added); else a problem at ``key``."""
        if not self.tables[table].has(value):
            return True
        self.problem(key, f"the dataset already has a {what} with this id", value)
        return False

    def check_sources(self, entry: _Provenance, key: str) -> None:
        known = self.tables["sources"]
        for source in getattr(entry, "sources", []):
            if not known.has(source):
                self.problem(
                    f"{key}.sources",
                    "no source with this id in the dataset or the scenario's sources",
                    source,
                )
            self.cited.add(source)

    def figures(self) -> dict[tuple[str, str, str], list[Hashable]]:
        """The provenance rows of each figure (one in a valid dataset), by (table, row id,
        column)."""
        if self._figures is None:
            prov = self.tables["provenance"].frame
            keys = zip(*(prov[c].tolist() for c in KEY_COLUMNS["provenance"]), strict=True)
            self._figures = {}
            for label, key in zip(prov.index, keys, strict=True):
                self._figures.setdefault(key, []).append(label)
        return self._figures

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
        self.set(table, row_id, column, value)
        prov, key = self.tables["provenance"], (table, row_id, column)
        labels = self.figures().get(key, [])
        label = labels[0] if labels else None
        if value is None or entry is None:
            for label in self.figures().pop(key, []):
                prov.remove(label)
            return
        old = prov.row(label) if label is not None else {}
        note = f"scenario {self.scenario.name}: {entry.note or 'changed'}"
        if derive is not None and old:
            sources = list(dict.fromkeys([*old["source_ids"], *entry.sources]))
            low, high = (None if old[b] is None else derive(float(old[b])) for b in ("low", "high"))
            kind = old.get("range_kind")
            status, confidence, year = old["status"], old["confidence"], old["year"]
        else:
            sources = list(entry.sources)
            low = high = year = kind = None
            status, confidence = entry.status, entry.confidence
        row = {
            "value": value,
            "low": low,
            "high": high,
            "range_kind": kind,
            "year": year if year is not None else self.scenario.year,
            "status": status,
            "confidence": confidence,
            "source_ids": sources,
            "note": note,
        }
        if label is not None:
            for name, cell in row.items():
                prov.set(label, name, cell)
        else:
            label = prov.next_label()
            prov.append(label, {"table": table, "row_id": row_id, "column": column, **row})
            self.figures()[key] = [label]

    def append(self, table: str, values: dict[str, Any]) -> None:
        spec = TABLES[table]
        self.tables[table].append(str(values[str(spec.id_column)]).strip(), values)

    def remove(self, table: str, row_id: str) -> None:
        self.tables[table].remove(row_id)

    # -- the result ------------------------------------------------------------------------
    def result(self) -> tuple[dict[str, pd.DataFrame], Changes]:
        """The changed tables (indexed as the network holds them) and what changed in them."""
        tables, written, added, removed = {}, {}, {}, {}
        for name, table in self.tables.items():
            tables[name] = table.result(self.network)
            if table.written or table.new:
                written[name], added[name] = table.changes(tables[name])
            if table.removed:
                removed[name] = _file_form(name, table.base.loc[table.removed])
        return tables, Changes(written, added, removed)


def _file_form(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A typed table as the validator holds it: the id a column, rows indexed by position."""
    return frame.reset_index() if TABLES[name].id_column else frame.reset_index(drop=True)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


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
                "open_market": node.open_market or None,
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
                "bidirectional": link.bidirectional,
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
        if change.status is not None:
            ed.set("links", change.link, "status", change.status)
            ed.changes.append(f"{change.link}: status {change.status}")
        if change.bidirectional is not None:
            ed.set("links", change.link, "bidirectional", change.bidirectional)
            ed.changes.append(
                f"{change.link}: {'both directions' if change.bidirectional else 'one direction'}"
            )
        if change.commodities is not None:
            ed.set("links", change.link, "commodities", change.commodities)
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
    for i, record in enumerate(spec.outage_history):
        key = f"outage_history[{i}]"
        ed.check_sources(record, key)
        if ed.known("links", record.link, f"{key}.link", "link"):
            _record_outage(ed, record, i)
    for i, tariff in enumerate(spec.tariffs):
        key = f"tariffs[{i}]"
        ed.check_sources(tariff, key)
        if ed.known("links", tariff.link, f"{key}.link", "link"):
            ed.set("links", tariff.link, "tariff_unit", tariff.unit)
            ed.set_figure("links", tariff.link, "tariff", tariff.tariff, tariff)
            ed.changes.append(f"{tariff.link}: tariff {tariff.tariff:g} {tariff.unit}")


def _record_outage(ed: _Editor, record: RecordedOutage, i: int) -> None:
    """Add ``record`` to the outage history, its days and cut sourced as the entry says."""
    row_id = f"X_SCENARIO_{i}"
    ed.append(
        "outages",
        {
            "outage_id": row_id,
            "link_id": record.link,
            "start": record.start.isoformat(),
            "days": record.days,
            "cut_percent": record.cut_percent,
            "cause": record.cause,
            "note": f"scenario {ed.scenario.name}",
        },
    )
    ed.set_figure("outages", row_id, "days", record.days, record)
    ed.set_figure("outages", row_id, "cut_percent", record.cut_percent, record)
    ed.changes.append(
        f"{record.link}: outage history gains {record.cut_percent:g}% for {record.days:g} days "
        f"from {record.start.isoformat()} ({record.cause})"
    )


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
    ed.set("links", exp.link, "capacity_unit", new_unit)
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
        found = ed.tables[table].find(node_id=ch.node, commodity=ch.commodity, year=year)
        row_id = None if found is None else str(found)
        old = None if row_id is None else _number(ed.get(table, row_id, "value"))
        unit = ch.unit if row_id is None else ed.get(table, row_id, "unit")
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
            ed.set(table, row_id, "unit", ch.unit or unit)
        ed.set_figure(table, row_id, "value", new, ch)
        was = "none" if old is None else f"{old:g} {unit}"
        ed.changes.append(f"{table} {ch.node} {ch.commodity}: {was} -> {new:g} {ch.unit or unit}")


def _check_targets(ed: _Editor) -> None:
    """Delivery targets name known links and cite their sources (the planner holds them)."""
    for i, target in enumerate(ed.scenario.spec.targets):
        key = f"targets[{i}]"
        ed.check_sources(target, key)
        for j, link in enumerate(target.links):
            ed.known("links", link, f"{key}.links[{j}]", "link")


_PROJECT_FIGURES = (
    "capital_cost", "fixed_cost", "cost_year", "increment", "lead_time_years", "earliest_year",
    "lifetime_years",
)  # fmt: skip


def _cost_problems(ed: _Editor, ch: ProjectChange) -> list[tuple[str, str, Any]]:
    """What keeps a changed cost from being read: its unit, its year, its exchange rate."""
    costs = [c for c in ("capital_cost", "fixed_cost") if getattr(ch, c) is not None]
    unit = ch.cost_unit or ed.get("projects", ch.id, "cost_unit")
    year = ch.cost_year or _number(ed.get("projects", ch.id, "cost_year"))
    if not costs and ch.cost_unit is None:
        return []
    if _missing(unit):
        return [("cost_unit", "the project has no cost unit; give one (e.g. million USD)", None)]
    if unit not in COST_UNITS:
        return [("cost_unit", f"not a cost unit; expected one of {', '.join(COST_UNITS)}", unit)]
    kept = [
        c for c in ("capital_cost", "fixed_cost")
        if c not in costs and _number(ed.get("projects", ch.id, c)) is not None
    ]  # fmt: skip
    if ch.cost_unit is not None and kept and ch.cost_unit != ed.get("projects", ch.id, "cost_unit"):
        return [("cost_unit", f"it would change the unit of the project's {kept[0]} too; "
                 f"give {kept[0]} in {ch.cost_unit} as well", ch.cost_unit)]  # fmt: skip
    if year is None:
        return [("cost_year", "the project has no cost year; give the year of the estimate", None)]
    currency = str(unit).split(" ", 1)[-1]
    rates = ed.tables["exchange_rates"]
    if currency != "USD" and rates.find(currency=currency, year=int(year)) is None:
        have = sorted(
            int(y) for c, y in zip(rates.column("currency"), rates.column("year"), strict=True)
            if c == currency
        )  # fmt: skip
        return [("cost_year", f"no exchange rate for {currency} in {int(year)} in "
                 f"exchange_rates.csv (it has {currency} for {have or 'no year'}); give the "
                 "cost in USD or in a year the table has", int(year))]  # fmt: skip
    return []


def _apply_projects(ed: _Editor) -> None:
    """Candidate projects' costs, sizes and timing (the planner reads them)."""
    for i, ch in enumerate(ed.scenario.spec.projects):
        key = f"projects[{i}]"
        ed.check_sources(ch, key)
        if not ed.known("projects", ch.id, f"{key}.id", "project"):
            continue
        problems = _cost_problems(ed, ch)
        for column, message, value in problems:
            ed.problem(f"{key}.{column}", message, value)
        if problems:
            continue
        for column in ("cost_unit", "lumpy"):
            if getattr(ch, column) is not None:
                ed.set("projects", ch.id, column, getattr(ch, column))
        said = []
        for column in _PROJECT_FIGURES:
            value = getattr(ch, column)
            if value is not None:
                ed.set_figure("projects", ch.id, column, float(value), ch)
                said.append(f"{column} {value:g}")
        if ch.lumpy is not None:
            said.append("lumpy" if ch.lumpy else "divisible")
        ed.changes.append(f"project {ch.id}: {', '.join(said)}")


def _apply_agreements(ed: _Editor) -> None:
    spec = ed.scenario.spec.agreements
    for i, agreement_id in enumerate(spec.remove):
        if ed.known("agreements", agreement_id, f"agreements.remove[{i}]", "agreement"):
            for column in ("min_volume", "max_volume", "start_year", "end_year"):
                ed.set_figure("agreements", agreement_id, column, None, None)
            ed.remove("agreements", agreement_id)
            ed.changes.append(f"agreement {agreement_id} removed")
    for i, ch in enumerate(spec.change):
        key = f"agreements.change[{i}]"
        ed.check_sources(ch, key)
        if not ed.known("agreements", ch.id, f"{key}.id", "agreement"):
            continue
        for column in ("unit", "avoid_countries", "require_links", "avoid_links"):
            value = getattr(ch, column)
            if value is not None:
                ed.set("agreements", ch.id, column, value)
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
        ed.append("agreements", {**values, "status": new.agreement_status})
        for column in ("min_volume", "max_volume", "start_year", "end_year"):
            if values[column] is not None:
                ed.set_figure("agreements", new.agreement_id, column, float(values[column]), new)
        ed.changes.append(f"new agreement {new.agreement_id} ({new.name})")


def _rules(ed: _Editor, closed: set[str]) -> tuple[RouteRules, dict[str, RouteRules]]:
    countries = {str(c) for c in ed.tables["nodes"].column("country") if not _missing(c)}
    groups = {str(g) for g in ed.tables["groups"].column("group_id") if not _missing(g)}
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
        ed.changes.append(f"route rules for {scope}: {rule.describe()}")
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
    for i, project in enumerate(spec.projects):
        keys.setdefault(project.id, f"projects[{i}]")
    return keys


def _revalidate(ed: _Editor) -> Network:
    """The changed network, once what the scenario changed passes validation; errors point at
    the scenario entry that made the row.

    A network whose own report is missing or has errors is checked in full.
    """
    tables, changes = ed.result()
    valid = ed.network.report is not None and ed.network.report.ok
    file_form = {name: _file_form(name, frame) for name, frame in tables.items()}
    issues = validate_changes(file_form, changes, every_row=not valid)
    report = ValidationReport(Path("<memory>"), tuple(issues))
    if report.ok:
        return dataclasses.replace(ed.network.replace(**tables), report=report)
    made_by = _entry_keys(ed.scenario.spec)
    for issue in report.errors:
        rows = {str(i).split(":")[-1].split(".")[0] for i in issue.ids}
        entry = next((made_by[r] for r in sorted(rows) if r in made_by), "")
        shown = f": {', '.join(map(str, issue.ids))}" if issue.ids else ""
        hint = f" ({issue.hint})" if issue.hint else ""
        ed.problem(entry, f"the changed dataset fails {issue.code}: {issue.message}{shown}{hint}")
    raise ScenarioError(ed.problems)


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
    _check_targets(ed)
    _apply_projects(ed)
    rules, scoped = _rules(ed, closed)
    if ed.problems:
        raise ScenarioError(ed.problems)
    changed = _revalidate(ed)
    options = SolveOptions(year=scenario.year, rules=rules, commodity_rules=scoped)
    return AppliedScenario(scenario, changed, options, tuple(ed.changes), tuple(sorted(ed.cited)))
