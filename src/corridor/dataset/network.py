"""Network: a small immutable container of a dataset's validated tables, and how to load one."""

from __future__ import annotations

import dataclasses
import logging
import weakref
from collections.abc import Callable
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
    "Network",
    "canonical_units",
    "commodity_factors",
    "conversion_factor",
    "derived",
    "from_frames",
    "load",
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


_DERIVED: dict[tuple[int, str], object] = {}


def derived(network: Network, key: str, make: Callable[[Network], T]) -> T:
    """``make(network)``, computed once per network object and kept while the network lives.

    Networks are immutable by contract (change one with :meth:`Network.replace`, which makes a
    new object), so what is derived from one stays true; nothing is stored on the network itself.
    """
    slot = (id(network), key)
    if slot not in _DERIVED:
        _DERIVED[slot] = make(network)
        weakref.finalize(network, _DERIVED.pop, slot, None)
    return cast(T, _DERIVED[slot])


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
    conv = conversions.reset_index() if "conversion_id" not in conversions else conversions
    rows = conv[conv["commodity"] == commodity]
    for src, dst, invert in ((from_unit, to_unit, False), (to_unit, from_unit, True)):
        match = rows[(rows["from_unit"] == src) & (rows["to_unit"] == dst)]
        if grade is not None and (match["grade"] == grade).any():
            match = match[match["grade"] == grade]
        elif match["grade"].isna().any():
            match = match[match["grade"].isna()]
        if not match.empty:
            factor = float(match["factor"].iloc[0])
            return 1.0 / factor if invert else factor
    return None


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


def _to_canonical(
    values: pd.Series,
    units: pd.Series,
    targets: pd.Series,
    commodity_of_row: pd.Series,
    conversions: pd.DataFrame,
    commodities: pd.DataFrame,
) -> pd.Series:
    """Convert each row's value from its unit to its target unit (NaN where impossible)."""
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    ok = values.notna() & units.isin(list(UNITS)) & targets.notna()
    for (unit, target, commodity), group in values[ok].groupby(
        [units[ok], targets[ok], commodity_of_row[ok]]
    ):
        factors = commodity_factors(conversions, commodities, str(commodity))
        try:
            out[group.index] = convert(
                group.to_numpy(dtype=float), str(unit), str(target), **factors
            )
        except ValueError:
            logger.warning("cannot convert %s %s to %s (no factor)", commodity, unit, target)
    return out


def _first_commodity(lists: pd.Series) -> pd.Series:
    return lists.map(lambda cs: cs[0] if len(cs) else None)


def _build(tables: dict[str, pd.DataFrame], path: Path | None, report: ValidationReport) -> Network:
    indexed = {}
    for name, spec in TABLES.items():
        frame = tables[name]
        indexed[name] = frame.set_index(spec.id_column) if spec.id_column else frame.copy()
    commodities, conversions = indexed["commodities"], indexed["conversions"]
    units = canonical_units(commodities)

    links = indexed["links"]
    dims = links["capacity_unit"].map(lambda u: UNITS[u].dimension if u in UNITS else None)
    links["canonical_unit"] = dims.map(CANONICAL_BY_DIMENSION)
    links["capacity_canonical"] = _to_canonical(
        links["capacity"],
        links["capacity_unit"],
        links["canonical_unit"],
        _first_commodity(links["commodities"]),
        conversions,
        commodities,
    )
    for name in ("supply", "demand"):
        frame = indexed[name]
        frame["canonical_unit"] = frame["commodity"].map(units)
        frame["value_canonical"] = _to_canonical(
            frame["value"],
            frame["unit"],
            frame["canonical_unit"],
            frame["commodity"],
            conversions,
            commodities,
        )
    transit = indexed["transit"]
    transit["canonical_unit"] = transit["unit"].map(TRANSIT_CANONICAL)
    factor = transit["unit"].map(TRANSIT_FACTOR).astype("float64")
    transit["value_canonical"] = transit["value"].astype("float64") * factor
    agreements = indexed["agreements"]
    agreements["canonical_unit"] = agreements["commodity"].map(units)
    for column in ("min_volume", "max_volume"):
        agreements[f"{column}_canonical"] = _to_canonical(
            agreements[column].astype("float64"),
            agreements["unit"],
            agreements["canonical_unit"],
            agreements["commodity"],
            conversions,
            commodities,
        )
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
