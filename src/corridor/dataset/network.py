"""Network: a small immutable container of a dataset's validated tables, and how to load one."""

from __future__ import annotations

import dataclasses
import logging
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import numpy as np
import pandas as pd

from corridor.commodities import CANONICAL_BY_DIMENSION, CANONICAL_UNIT
from corridor.dataset.cells import join_list, parse_table
from corridor.dataset.report import ValidationReport
from corridor.dataset.validate import validate_dataset, validate_tables
from corridor.errors import ValidationError
from corridor.schema import TABLES
from corridor.units import TRANSIT_CANONICAL, TRANSIT_FACTOR, UNITS, convert

__all__ = [
    "CANONICAL_INPUTS",
    "CANONICAL_TABLES",
    "Network",
    "canonical_columns",
    "canonical_units",
    "commodity_factors",
    "conversion_factor",
    "derived",
    "derived_for",
    "from_frames",
    "load",
    "to_canonical",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Network:
    """The tables of a corridor dataset, validated, indexed by their ids.

    Quantities keep the unit they were given in and gain a canonical copy: links get
    ``capacity_canonical`` and ``canonical_unit``; supply and demand get ``value_canonical``
    and ``canonical_unit``; agreements get ``min_volume_canonical``, ``max_volume_canonical``
    and ``canonical_unit``. Change a network with :meth:`replace`, which returns a new one.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    commodities: pd.DataFrame
    conversions: pd.DataFrame
    supply: pd.DataFrame
    demand: pd.DataFrame
    agreements: pd.DataFrame
    groups: pd.DataFrame
    transit: pd.DataFrame
    prices: pd.DataFrame
    observations: pd.DataFrame
    outages: pd.DataFrame
    projects: pd.DataFrame
    exchange_rates: pd.DataFrame
    sources: pd.DataFrame
    provenance: pd.DataFrame
    path: Path | None = None
    report: ValidationReport | None = dataclasses.field(default=None, compare=False, repr=False)

    def replace(self, **tables: pd.DataFrame) -> Network:
        """Return a copy with some tables replaced (a network is never changed in place: data
        derived from it, such as the solver's compiled arrays, belongs to this object)."""
        return dataclasses.replace(self, **tables)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the dataset's order."""
        return {name: getattr(self, name) for name in TABLES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(getattr(self, n))} {n}" for n in ("nodes", "links", "agreements"))
        return f"Network({counts}; from {self.path})"


_DERIVED: dict[tuple[int, Hashable], object] = {}


def derived(network: Network, key: Hashable, make: Callable[[Network], T]) -> T:
    """``make(network)``, computed once per network object and kept while the network lives.

    Networks are immutable by contract (change one with :meth:`Network.replace`, which makes a
    new object), so what is derived from one stays true; nothing is stored on the network itself.
    ``make`` must not keep the network alive (hold its tables, not the network).
    """
    slot = (id(network), key)
    if slot not in _DERIVED:
        _DERIVED[slot] = make(network)
        weakref.finalize(network, _DERIVED.pop, slot, None)
    return cast(T, _DERIVED[slot])


def derived_for(
    network: Network, key: Hashable, arg: Hashable, make: Callable[[Network], T], keep: int = 16
) -> T:
    """``make(network)`` for one ``arg`` (a year, a set of rules), as :func:`derived`; the
    ``keep`` arguments used last are kept per network and key."""
    memo: dict[Hashable, object] = derived(network, key, lambda _: {})
    if arg in memo:
        memo[arg] = memo.pop(arg)  # now the last used
    else:
        memo[arg] = make(network)
        while len(memo) > keep:
            memo.pop(next(iter(memo)))
    return cast(T, memo[arg])


def canonical_units(commodities: pd.DataFrame) -> dict[str, str]:
    """Canonical unit of each commodity: the dataset's own, else corridor's built-in one."""
    table = commodities.reset_index() if "commodity_id" not in commodities else commodities
    units = dict(CANONICAL_UNIT)
    units.update(
        {
            str(c): str(u)
            for c, u in zip(table["commodity_id"], table["canonical_unit"], strict=True)
            if isinstance(u, str)
        }
    )
    return units


def conversion_factor(
    conversions: pd.DataFrame,
    commodity: str,
    from_unit: str,
    to_unit: str,
    grade: str | None = None,
) -> float | None:
    """The dataset's factor converting ``from_unit`` to ``to_unit`` for a commodity.

    Uses the row for ``grade`` if given, else the commodity's first row without a grade, else
    its first row. The inverse row is used (as 1/factor) when only that direction is listed.
    """
    columns = ("commodity", "from_unit", "to_unit", "grade", "factor")
    rows = list(zip(*(conversions[c].tolist() for c in columns), strict=True))
    for src, dst, invert in ((from_unit, to_unit, False), (to_unit, from_unit, True)):
        match = [
            (g, f) for c, a, b, g, f in rows if _is(c, commodity) and _is(a, src) and _is(b, dst)
        ]
        if grade is not None and any(_is(g, grade) for g, _ in match):
            match = [(g, f) for g, f in match if _is(g, grade)]
        elif any(not isinstance(g, str) for g, _ in match):
            match = [(g, f) for g, f in match if not isinstance(g, str)]
        if match:
            factor = float(match[0][1])
            return 1.0 / factor if invert else factor
    return None


def _is(cell: object, text: str) -> bool:
    """True if a text cell (a string, or NA when empty) holds ``text``."""
    return isinstance(cell, str) and cell == text


def commodity_factors(
    conversions: pd.DataFrame, commodities: pd.DataFrame, commodity: str
) -> dict[str, float | None]:
    """The dataset's ``bbl_per_t`` and ``t_per_teu`` for a commodity (its default grade),
    as keyword arguments of :func:`corridor.units.convert`."""
    grade = None
    if commodity in commodities.index:
        value = commodities.at[commodity, "default_grade"]
        grade = value if isinstance(value, str) else None
    return {
        "bbl_per_t": conversion_factor(conversions, commodity, "t", "bbl", grade),
        "t_per_teu": conversion_factor(conversions, commodity, "TEU", "t", grade),
    }


def to_canonical(
    values: pd.Series,
    units: pd.Series,
    targets: pd.Series,
    commodity_of_row: pd.Series,
    conversions: pd.DataFrame,
    commodities: pd.DataFrame,
) -> pd.Series:
    """Convert each row's value from its unit to its target unit (NaN where impossible)."""
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(len(values), np.nan)
    ok = (units.isin(list(UNITS)) & targets.notna() & commodity_of_row.notna()).to_numpy(bool)
    groups: dict[tuple[str, str, str], list[int]] = {}
    keys = zip(units.tolist(), targets.tolist(), commodity_of_row.tolist(), strict=True)
    for i, (unit, target, commodity) in enumerate(keys):
        if ok[i] and not np.isnan(numbers[i]):
            groups.setdefault((str(unit), str(target), str(commodity)), []).append(i)
    for (unit, target, commodity), rows in groups.items():
        factors = commodity_factors(conversions, commodities, commodity)
        try:
            out[rows] = convert(numbers[rows], unit, target, **factors)
        except ValueError:
            logger.warning("cannot convert %s %s to %s (no factor)", commodity, unit, target)
    return pd.Series(out, index=values.index, dtype="float64")


def _first_commodity(lists: pd.Series) -> pd.Series:
    return lists.map(lambda cs: cs[0] if len(cs) else None)


def canonical_columns(
    name: str, frame: pd.DataFrame, commodities: pd.DataFrame, conversions: pd.DataFrame
) -> dict[str, pd.Series]:
    """The canonical columns :func:`load` adds to the rows of table ``name`` (none for a table
    without quantities).

    ``frame`` holds some or all of the table's typed rows, indexed by id; each row's canonical
    values depend only on the row, the commodities and the conversions.
    """
    if name == "links":
        dims = frame["capacity_unit"].map(lambda u: UNITS[u].dimension if u in UNITS else None)
        unit = dims.map(CANONICAL_BY_DIMENSION)
        commodity = _first_commodity(frame["commodities"])
        values = {"capacity_canonical": frame["capacity"]}
        units = frame["capacity_unit"]
    elif name in ("supply", "demand", "agreements"):
        unit = frame["commodity"].map(canonical_units(commodities))
        commodity = frame["commodity"]
        quantities = ("min_volume", "max_volume") if name == "agreements" else ("value",)
        values = {f"{q}_canonical": frame[q].astype("float64") for q in quantities}
        units = frame["unit"]
    elif name == "transit":
        factor = frame["unit"].map(TRANSIT_FACTOR).astype("float64")
        return {
            "canonical_unit": frame["unit"].map(TRANSIT_CANONICAL),
            "value_canonical": frame["value"].astype("float64") * factor,
        }
    else:
        return {}
    columns = {"canonical_unit": unit}
    for column, value in values.items():
        columns[column] = to_canonical(value, units, unit, commodity, conversions, commodities)
    return columns


#: The tables that gain canonical columns on load, and the columns those are computed from.
CANONICAL_INPUTS = {
    "links": frozenset({"capacity", "capacity_unit", "commodities"}),
    "supply": frozenset({"value", "unit", "commodity"}),
    "demand": frozenset({"value", "unit", "commodity"}),
    "transit": frozenset({"value", "unit"}),
    "agreements": frozenset({"min_volume", "max_volume", "unit", "commodity"}),
}
CANONICAL_TABLES = tuple(CANONICAL_INPUTS)


def _build(tables: dict[str, pd.DataFrame], path: Path | None, report: ValidationReport) -> Network:
    indexed = {}
    for name, spec in TABLES.items():
        frame = tables[name]
        indexed[name] = frame.set_index(spec.id_column) if spec.id_column else frame.copy()
    commodities, conversions = indexed["commodities"], indexed["conversions"]
    for name in CANONICAL_TABLES:
        frame = indexed[name]
        for column, values in canonical_columns(name, frame, commodities, conversions).items():
            frame[column] = values
    return Network(**indexed, path=path, report=report)


def load(path: Path | str | None = None, *, strict: bool = True) -> Network:
    """Load and validate a dataset folder (the shipped corridor dataset by default).

    Parameters
    ----------
    path
        Folder with nodes.csv, links.csv, ... in corridor's format (see docs/data-model.md).
    strict
        Raise on validation errors (default). With ``strict=False`` a dataset with errors is
        still returned when its files could be read; ``network.report`` lists the problems.

    Raises
    ------
    ValidationError
        If the dataset has errors (``err.report`` holds them all) and ``strict`` is true.
    InputFileError
        If ``path`` is not a folder.

    Examples
    --------
    >>> import corridor
    >>> net = corridor.load()
    >>> net.links.loc["L_BTC", "countries"]
    ('AZ', 'GE', 'TR')
    """
    report, tables = validate_dataset(path)
    if not report.ok and (strict or any(i.code.endswith("-file") for i in report.errors)):
        raise ValidationError(report)
    return _build(tables, report.path, report)


def from_frames(frames: dict[str, pd.DataFrame], *, check: bool = True) -> Network:
    """Build a Network from in-memory tables in the dataset's file format (one per table).

    Cells may be typed or text; list columns may be ``;``-joined strings. Missing tables are
    empty. With ``check`` (default) every validation rule runs and errors raise
    :class:`ValidationError`; without it only the cell parsing is checked (for large synthetic
    networks, e.g. benchmarks).
    """
    raw = {}
    for name, frame in frames.items():
        text = frame.astype(object).where(frame.notna(), "")
        raw[name] = text.map(lambda v: join_list(v) if isinstance(v, tuple | list) else str(v))
    if check:
        tables, issues = validate_tables(raw)
    else:
        tables, issues = {}, []
        for name, spec in TABLES.items():
            source = raw.get(name, pd.DataFrame(columns=list(spec.column_names)))
            tables[name], found = parse_table(source, spec)
            issues += [i for i in found if i.severity == "error"]
    report = ValidationReport(Path("<memory>"), tuple(issues))
    if not report.ok:
        raise ValidationError(report)
    return _build(tables, None, report)
