"""Cross-table validation rules. Each rule takes the parsed tables and returns its issues.

A rule may be given ``rows``, the positions of the rows to check in each table (after an edit:
the rows it added or changed). It then checks only those rows, looking up other rows in full;
a rule whose finding for one row depends on all rows (a repeated URL, a missing conversion)
checks every row anyway. :data:`RULE_INPUTS` says which columns of a row each rule checks and
:data:`RULE_LOOKUPS` which columns of other rows it looks up.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final

import numpy as np
import pandas as pd
import pycountry
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from corridor.dataset.issues import ERROR, WARNING, Issue, Severity, make_issue
from corridor.geo.basemap import country_distances_km
from corridor.geo.distance import great_circle_km
from corridor.schema import TABLES
from corridor.schema.vocabulary import (
    OBSERVATION_TARGETS,
    OUTAGE_RECORD_YEARS,
    SOURCED_TABLES,
    TRANSIT_COMPONENTS,
)
from corridor.units import TRANSIT_CANONICAL, UNITS

__all__ = ["ROW_KEYS", "RULES", "RULE_INPUTS", "RULE_LOOKUPS", "Rows", "Rule", "Tables"]

Tables = dict[str, pd.DataFrame]
#: Positions of the rows to check, by table (a table not named has none to check).
Rows = Mapping[str, Sequence[int]]
Rule = Callable[[Tables, Rows | None], list[Issue]]

#: Unit dimensions each commodity may be measured in.
COMPATIBLE_DIMENSIONS = {
    "crude_oil": {"mass", "oil_volume"},
    "oil_products": {"mass", "oil_volume"},
    "natural_gas": {"gas_volume"},
    "containers": {"teu", "mass"},
    "general_freight": {"mass"},
}
#: A node may sit this far outside its country's polygon (coastline and border generalisation).
COUNTRY_TOLERANCE_KM = 15.0
#: An offshore node (nearest land is its own country) may lie this far from the coast.
OFFSHORE_LIMIT_KM = 250.0
_TARGET_CODE = {
    "nodes": "unknown-node",
    "links": "unknown-link",
    "sources": "unknown-source",
    "commodities": "unknown-commodity",
    "groups": "unknown-group",
    "projects": "unknown-project",
}


def _lines(index: Iterable[object]) -> list[int]:
    return [int(i) + 2 for i in index]  # type: ignore[call-overload]


def contains(lists: pd.Series, item: str) -> pd.Series:
    """Boolean mask: which list cells contain ``item``."""
    return pd.Series([item in cell for cell in lists], index=lists.index, dtype=bool)


def _as_lists(values: pd.Series) -> pd.Series:
    """Wrap scalar cells as one-item tuples (empty tuple for missing)."""
    return pd.Series(
        [(v,) if isinstance(v, str) else () for v in values], index=values.index, dtype=object
    )


def _explode(frame: pd.DataFrame, column: str) -> pd.Series:
    """One entry per list item, indexed like the frame's rows."""
    return frame[column].explode().dropna()


def _checked(
    t: Tables, name: str, rows: Rows | None, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The rows of ``t[name]`` to check (all of them, or those ``rows`` names, in table order),
    with every column or only ``columns``."""
    frame = t[name] if columns is None else t[name][list(columns)]
    if rows is None:
        return frame
    positions = rows.get(name, ())
    return frame[frame.index.isin(positions)] if len(positions) else frame.iloc[:0]


#: Columns that identify a row of the tables without an id column.
KEY_COLUMNS = {"groups": ("group_id", "country"), "provenance": ("table", "row_id", "column")}


def check_duplicate_ids(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Ids must be unique; groups by (group, country); provenance by (table, row, column).

    With ``rows``, only the tables with rows to check are searched (each in full)."""
    issues = []
    for name, spec in TABLES.items():
        cols = [spec.id_column] if spec.id_column else list(KEY_COLUMNS.get(name, ()))
        frame = t[name]
        if rows is not None and not rows.get(name):
            continue
        if not cols or frame.empty:
            continue
        dup = frame.duplicated(subset=cols, keep=False) & frame[cols].notna().all(axis=1)
        if dup.any():
            ids = frame.loc[dup, cols].astype(str).agg("/".join, axis=1).drop_duplicates()
            issues.append(
                make_issue(
                    "duplicate-id",
                    ERROR,
                    name,
                    f"{len(ids)} id(s) appear more than once in {name}",
                    f"make each {'/'.join(cols)} unique",
                    column=cols[0],
                    rows=_lines(frame.index[dup]),
                    ids=ids,
                )
            )
    return issues


def check_references(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Every foreign key (also inside lists) must exist in the table it names."""
    issues, targets = [], {}
    for name, spec in TABLES.items():
        if rows is not None and not rows.get(name):
            continue
        frame = _checked(t, name, rows)
        for col in spec.columns:
            if not col.references or frame.empty:
                continue
            target, key = col.references.split(".")
            if col.references not in targets:
                targets[col.references] = set(t[target][key].dropna().astype(str))
            known = targets[col.references]
            values = _explode(frame, col.name) if col.kind == "list" else frame[col.name].dropna()
            bad = values[~values.astype(str).isin(known)]
            if bad.empty:
                continue
            issues.append(
                make_issue(
                    _TARGET_CODE.get(target, "unknown-reference"),
                    ERROR,
                    name,
                    f"{bad.nunique()} value(s) in {name}.{col.name} are not in {target}.{key}",
                    f"use an existing {key} from {target}.csv, or add the missing row there",
                    column=col.name,
                    rows=_lines(bad.index.unique()),
                    ids=frame.loc[bad.index.unique(), spec.id_column] if spec.id_column else (),
                    values=bad.astype(str).unique(),
                )
            )
    return issues


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def check_country_codes(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Country columns hold ISO 3166-1 alpha-2 codes."""
    places = [
        ("nodes", "country", False),
        ("nodes", "other_country", False),
        ("links", "countries", True),
        ("groups", "country", False),
        ("agreements", "avoid_countries", True),
        ("transit", "country", False),
    ]
    issues = []
    for name, column, is_list in places:
        if rows is not None and not rows.get(name):
            continue
        frame = _checked(t, name, rows)
        if frame.empty:
            continue
        values = _explode(frame, column) if is_list else frame[column].dropna()
        bad = values[~values.astype(str).isin(_iso_codes())]
        if not bad.empty:
            issues.append(
                make_issue(
                    "unknown-country",
                    ERROR,
                    name,
                    f"{bad.nunique()} value(s) in {name}.{column} are not ISO 3166-1 alpha-2 codes",
                    "write two-letter codes such as AZ, GE, TR, KZ",
                    column=column,
                    rows=_lines(bad.index.unique()),
                    values=bad.astype(str).unique(),
                )
            )
    return issues


def _compatible_dimensions(commodities: pd.DataFrame) -> dict[str, set[str]]:
    """Unit dimensions each commodity may be given in: built-in rules, else its canonical unit's
    dimension (plus mass for commodities counted in TEU)."""
    out = {c: set(d) for c, d in COMPATIBLE_DIMENSIONS.items()}
    for c, unit in zip(commodities["commodity_id"], commodities["canonical_unit"], strict=True):
        if c in out or unit not in UNITS:
            continue
        dimension = UNITS[unit].dimension
        out[str(c)] = {dimension, "mass"} if dimension == "teu" else {dimension}
    return out


def _unit_issues(
    frame: pd.DataFrame,
    name: str,
    value_cols: list[str],
    unit_col: str,
    commodities: pd.Series,
    id_col: str,
    compatible: dict[str, set[str]],
) -> list[Issue]:
    issues: list[Issue] = []
    if frame.empty:
        return issues
    has_value = frame[value_cols].notna().any(axis=1)
    no_unit = has_value & frame[unit_col].isna()
    if no_unit.any():
        issues.append(
            make_issue(
                "missing-unit",
                ERROR,
                name,
                f"{no_unit.sum()} row(s) give {'/'.join(value_cols)} without {unit_col}",
                f"fill {unit_col} with one of: {', '.join(UNITS)}",
                column=unit_col,
                rows=_lines(frame.index[no_unit]),
                ids=frame.loc[no_unit, id_col],
            )
        )
    dims = pd.Series(
        [UNITS[u].dimension if u in UNITS else None for u in frame[unit_col]],
        index=frame.index,
        dtype=object,
    )
    mismatch = [
        idx
        for idx in frame.index[has_value & dims.notna()]
        if any(dims[idx] not in compatible.get(c, set()) for c in commodities[idx])
    ]
    if mismatch:
        issues.append(
            make_issue(
                "unit-mismatch",
                ERROR,
                name,
                f"{len(mismatch)} row(s) measure a commodity in a unit of the wrong kind",
                "crude and products: Mt/yr, kt/yr, b/d; gas: bcm/yr, mcm/d; containers: TEU/yr "
                "or Mt/yr; general freight: Mt/yr",
                column=unit_col,
                rows=_lines(mismatch),
                ids=frame.loc[mismatch, id_col],
                values=frame.loc[mismatch, unit_col],
            )
        )
    return issues


def check_units(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Quantities have a unit that fits their commodity."""
    links, issues = _checked(t, "links", rows), []
    compatible = _compatible_dimensions(t["commodities"])
    issues += _unit_issues(
        links, "links", ["capacity"], "capacity_unit", links["commodities"], "link_id", compatible
    )
    for name in ("supply", "demand", "observations"):
        frame, id_col = _checked(t, name, rows), str(TABLES[name].id_column)
        issues += _unit_issues(
            frame, name, ["value"], "unit", _as_lists(frame["commodity"]), id_col, compatible
        )
    agreements = _checked(t, "agreements", rows)
    issues += _unit_issues(
        agreements,
        "agreements",
        ["min_volume", "max_volume"],
        "unit",
        _as_lists(agreements["commodity"]),
        "agreement_id",
        compatible,
    )
    return issues


def check_capacities(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Links in operation should have a capacity; an unknown one is reported, never assumed."""
    links = _checked(t, "links", rows)
    missing = links["capacity"].isna() & (links["status"] == "operating")
    if not missing.any():
        return []
    return [
        make_issue(
            "missing-capacity",
            WARNING,
            "links",
            f"{missing.sum()} operating link(s) have no sourced capacity",
            "add a capacity with its source; until then the flow model leaves the link unbounded",
            column="capacity",
            rows=_lines(links.index[missing]),
            ids=links.loc[missing, "link_id"],
        )
    ]


def check_years_and_ranges(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """start_year <= end_year; min_volume <= max_volume."""
    issues = []
    for name, lo, hi, id_col in (
        ("links", "start_year", "end_year", "link_id"),
        ("agreements", "start_year", "end_year", "agreement_id"),
        ("agreements", "min_volume", "max_volume", "agreement_id"),
    ):
        if rows is not None and not rows.get(name):
            continue
        frame = _checked(t, name, rows)
        bad = (frame[lo].astype("float64") > frame[hi].astype("float64")).fillna(False)
        if bad.any():
            issues.append(
                make_issue(
                    "inverted-range",
                    ERROR,
                    name,
                    f"{bad.sum()} row(s) have {lo} greater than {hi}",
                    f"swap {lo} and {hi}",
                    column=lo,
                    rows=_lines(frame.index[bad]),
                    ids=frame.loc[bad, id_col],
                )
            )
    links = _checked(t, "links", rows)
    loop = links["from_node"].notna() & (links["from_node"] == links["to_node"])
    if loop.any():
        issues.append(
            make_issue(
                "self-loop",
                ERROR,
                "links",
                f"{loop.sum()} link(s) start and end at the same node",
                "give the link two different end nodes",
                column="to_node",
                rows=_lines(links.index[loop]),
                ids=links.loc[loop, "link_id"],
            )
        )
    return issues


def check_coordinates(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Each node lies in (or within 15 km of) its country, or its other side for borders.

    Offshore nodes pass when their own country is the nearest land (within 250 km).
    """
    nodes = _checked(t, "nodes", rows)
    ok = nodes["lat"].notna() & nodes["lon"].notna() & nodes["country"].notna()
    ok &= nodes["lat"].between(-90, 90) & nodes["lon"].between(-180, 180)
    if not ok.any():
        return []
    sub = nodes[ok]
    codes, dist = country_distances_km(sub["lat"].to_numpy(), sub["lon"].to_numpy())
    column = {c: j for j, c in enumerate(codes)}
    nearest = np.asarray(codes)[dist.argmin(axis=1)]
    wrong, unchecked, found = [], [], []
    for k, (idx, row) in enumerate(sub.iterrows()):
        declared = [c for c in (row["country"], row["other_country"]) if isinstance(c, str)]
        cols = [column[c] for c in declared if c in column]
        if not cols:
            unchecked.append(idx)
            continue
        own = dist[k, cols].min()
        other = dist[k].min()
        if own > COUNTRY_TOLERANCE_KM and (
            own > other + COUNTRY_TOLERANCE_KM or own > OFFSHORE_LIMIT_KM
        ):
            wrong.append(idx)
            found.append(
                f"{row['node_id']}: declared {'/'.join(declared)}, lies in or near "
                f"{nearest[k]} ({own:.0f} km from {declared[0]})"
            )
    issues = []
    if wrong:
        issues.append(
            make_issue(
                "wrong-country",
                ERROR,
                "nodes",
                f"{len(wrong)} node(s) lie outside the country they are given",
                "check lat/lon (not swapped? right sign?) and the country code",
                column="lat",
                rows=_lines(wrong),
                ids=nodes.loc[wrong, "node_id"],
                values=found,
            )
        )
    if unchecked:
        issues.append(
            make_issue(
                "country-not-checked",
                WARNING,
                "nodes",
                f"{len(unchecked)} node(s) are in countries outside the shipped basemap",
                "coordinates of these nodes were not checked",
                column="country",
                rows=_lines(unchecked),
                ids=nodes.loc[unchecked, "node_id"],
            )
        )
    return issues


#: Where a figure is: (table, row_id, column); None for an empty part.
_Key = tuple[str | None, ...]
#: A sourced figure: where it is, its value and its file line.
_Figure = tuple[_Key, float, int]


def _numeric_cells(t: Tables, rows: Rows | None) -> list[_Figure]:
    """Every non-empty sourced figure (of the rows to check), table by table and column by
    column."""
    figures: list[_Figure] = []
    for name in SOURCED_TABLES:
        spec = TABLES[name]
        if rows is not None and not rows.get(name):
            continue
        frame = _checked(t, name, rows, [str(spec.id_column), *spec.sourced_columns])
        values = frame[list(spec.sourced_columns)].astype("float64").to_numpy()
        column, row = np.nonzero(~np.isnan(values.T))  # column by column, rows in order
        ids = _texts(frame[spec.id_column])
        lines = _lines(frame.index)
        figures += [
            ((name, ids[r], spec.sourced_columns[c]), float(values[r, c]), lines[r])
            for c, r in zip(column.tolist(), row.tolist(), strict=True)
        ]
    return figures


def _texts(column: pd.Series) -> list[str | None]:
    """A text column's cells; None where empty."""
    return [v if isinstance(v, str) else None for v in column.tolist()]


def _provenance_scope(t: Tables, rows: Rows) -> dict[str, list[int]]:
    """The figure rows and provenance rows that share a (table, row_id) with a row to check."""
    ids = {n: _texts(t[n][TABLES[n].id_column]) for n in SOURCED_TABLES if rows.get(n)}
    keys: set[tuple[str | None, str | None]] = {
        (name, found[p]) for name, found in ids.items() for p in rows[name]
    }
    prov = t["provenance"]
    pairs = list(zip(_texts(prov["table"]), _texts(prov["row_id"]), strict=True))
    keys |= {pairs[p] for p in rows.get("provenance", ())}
    scope = {"provenance": [i for i, pair in zip(prov.index, pairs, strict=True) if pair in keys]}
    for name in SOURCED_TABLES:
        wanted = {row_id for table, row_id in keys if table == name}
        if wanted:
            frame = t[name]
            found = ids.get(name) or _texts(frame[TABLES[name].id_column])
            scope[name] = [
                i for i, row_id in zip(frame.index, found, strict=True) if row_id in wanted
            ]
    return scope


def _key_order(key: _Key) -> tuple[tuple[int, str], ...]:
    """Sort key of a (table, row_id, column): text in order, empty parts last."""
    return tuple((0, part) if part is not None else (1, "") for part in key)


def _key_text(key: _Key, empty: str) -> str:
    """``table:row_id.column``, or ``empty`` when a part is empty (as pandas joins text with a
    missing value: ``nan`` on the figures' side, ``<NA>`` on the provenance rows')."""
    return f"{key[0]}:{key[1]}.{key[2]}" if None not in key else empty


def _match_provenance(
    figures: list[_Figure], prov: pd.DataFrame
) -> tuple[list[_Figure], list[tuple[_Figure, float, int]], list[tuple[_Key, int]]]:
    """Figures without a provenance row; (figure, provenance value, provenance line) of each
    pair with the same (table, row_id, column); provenance rows (key, line) without a figure.
    Each in the order of their keys, as an outer join of the two tables sorts them (empty
    parts match each other)."""
    by_key: dict[_Key, tuple[list[_Figure], list[tuple[float, int]]]] = {}
    for figure in figures:
        by_key.setdefault(figure[0], ([], []))[0].append(figure)
    keys = zip(*(prov[c].tolist() for c in KEY_COLUMNS["provenance"]), strict=True)
    values = prov["value"].astype("float64").tolist()
    for parts, value, line in zip(keys, values, _lines(prov.index), strict=True):
        key = tuple(part if isinstance(part, str) else None for part in parts)
        by_key.setdefault(key, ([], []))[1].append((value, line))
    missing, pairs, orphans = [], [], []
    for key in sorted(by_key, key=_key_order):
        found, sourced = by_key[key]
        missing += found if not sourced else []
        orphans += [(key, line) for _, line in sourced] if not found else []
        pairs += [(figure, value, line) for figure in found for value, line in sourced]
    return missing, pairs, orphans


def check_provenance(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Every figure has a provenance row whose value matches and whose range holds it.

    With ``rows``, the figures of those rows and of the rows their provenance rows name are
    checked, against every provenance row of theirs."""
    if rows is not None:
        rows = _provenance_scope(t, rows)
    prov = _checked(t, "provenance", rows)
    missing, pairs, orphans = _match_provenance(_numeric_cells(t, rows), prov)
    issues = []
    for name in sorted({str(key[0]) for key, _, _ in missing}):
        group = [(key, line) for key, _, line in missing if key[0] == name]
        issues.append(
            make_issue(
                "unsourced-figure",
                ERROR,
                name,
                f"{len(group)} figure(s) in {name} have no provenance row",
                "add a row to provenance.csv with table, row_id, column, value, status, confidence "
                "and source_ids",
                column=", ".join(sorted({str(key[2]) for key, _ in group})),
                rows=[line for _, line in group],
                ids=[f"{key[1]}.{key[2]}" if key[1] is not None else "nan" for key, _ in group],
            )
        )
    close = np.isclose([f[1] for f, _, _ in pairs], [v for _, v, _ in pairs], rtol=1e-9, atol=1e-9)
    bad = [pair for pair, ok in zip(pairs, close.tolist(), strict=True) if not ok]
    if bad:
        issues.append(
            make_issue(
                "provenance-mismatch",
                ERROR,
                "provenance",
                f"{len(bad)} provenance value(s) differ from the figure in the table",
                "make provenance.value equal to the table cell (the chosen default)",
                column="value",
                rows=[line for _, _, line in bad],
                ids=[_key_text(figure[0], "nan") for figure, _, _ in bad],
                values=["nan" if np.isnan(v) else f"{v} vs {f[1]}" for f, v, _ in bad],
            )
        )
    if orphans:
        issues.append(
            make_issue(
                "orphan-provenance",
                WARNING,
                "provenance",
                f"{len(orphans)} provenance row(s) point to no figure in the tables",
                "remove them or fix table/row_id/column",
                column="row_id",
                rows=[line for _, line in orphans],
                ids=[_key_text(key, "<NA>") for key, _ in orphans],
            )
        )
    low, high, value = (prov[c].astype("float64") for c in ("low", "high", "value"))
    outside = ((low > value) | (high < value) | (low > high)).fillna(False)
    if outside.any():
        issues.append(
            make_issue(
                "bad-range",
                ERROR,
                "provenance",
                f"{outside.sum()} provenance row(s) have a default outside [low, high]",
                "the default must lie within the sourced range",
                column="low",
                rows=_lines(prov.index[outside.to_numpy(dtype=bool)]),
                ids=prov.loc[outside, "row_id"] + "." + prov.loc[outside, "column"],
            )
        )
    return issues + _range_kind_issues(prov, low.notna() | high.notna())


def _range_kind_issues(prov: pd.DataFrame, ranged: pd.Series) -> list[Issue]:
    """A range says what it is (``range_kind``), and only a range does."""
    kind = prov["range_kind"].notna()
    issues = []
    for mask, code, text, hint in (
        (
            ranged & ~kind,
            "range-kind-missing",
            "provenance row(s) give low or high without range_kind",
            "set range_kind: uncertain (estimates of the figure disagree) or alternatives "
            "(another basis, a plan or an option)",
        ),
        (
            kind & ~ranged,
            "range-kind-without-range",
            "provenance row(s) give range_kind without low or high",
            "give the range's low and high, or leave range_kind empty",
        ),
    ):
        mask = mask.fillna(False)
        if mask.any():
            issues.append(
                make_issue(
                    code,
                    ERROR,
                    "provenance",
                    f"{int(mask.sum())} {text}",
                    hint,
                    column="range_kind",
                    rows=_lines(prov.index[mask.to_numpy(dtype=bool)]),
                    ids=prov.loc[mask, "row_id"] + "." + prov.loc[mask, "column"],
                )
            )
    return issues


def check_commodity_handling(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A link carries only commodities both its end nodes can handle.

    With ``rows``, the links to check and the links at the nodes to check are checked."""
    links, nodes = t["links"], t["nodes"]
    if rows is not None:
        at = set(_checked(t, "nodes", rows)["node_id"].dropna())
        ends = links["from_node"].isin(at) | links["to_node"].isin(at)
        links = links[links.index.isin(rows.get("links", ())) | ends]
    handles = dict(zip(nodes["node_id"], nodes["commodities"], strict=False))
    bad, values = [], []
    for idx, row in links.iterrows():
        for end in ("from_node", "to_node"):
            can = handles.get(row[end])
            if can is None:
                continue  # reported as unknown-node
            missing = [c for c in row["commodities"] if c not in can]
            if missing:
                bad.append(idx)
                values.append(f"{row['link_id']}: {row[end]} cannot handle {';'.join(missing)}")
    if not bad:
        return []
    return [
        make_issue(
            "commodity-not-handled",
            ERROR,
            "links",
            f"{len(values)} link end(s) carry a commodity their node cannot handle",
            "add the commodity to the node's commodities, or remove it from the link",
            column="commodities",
            rows=_lines(dict.fromkeys(bad)),
            ids=links.loc[list(dict.fromkeys(bad)), "link_id"],
            values=values,
        )
    ]


class _Reach:
    """Nodes reachable over the links that carry a commodity (each commodity's graph built once)."""

    def __init__(self, t: Tables) -> None:
        self.links = t["links"]
        self.nodes = list(t["nodes"]["node_id"].dropna().astype(str))
        self.index = {n: i for i, n in enumerate(self.nodes)}
        self.graphs: dict[str, csr_matrix] = {}

    def graph(self, commodity: str) -> csr_matrix:
        """Directed graph of the links that carry ``commodity`` (both ways if bidirectional)."""
        if commodity not in self.graphs:
            links, index = self.links, self.index
            carries = contains(links["commodities"], commodity)
            sub = links[carries & links["from_node"].isin(index) & links["to_node"].isin(index)]
            src = sub["from_node"].map(index).to_numpy(dtype=int)
            dst = sub["to_node"].map(index).to_numpy(dtype=int)
            both = sub["bidirectional"].fillna(False).to_numpy(dtype=bool)
            rows = np.concatenate([src, dst[both]])
            cols = np.concatenate([dst, src[both]])
            n = len(self.nodes)
            shape = (n, n)
            self.graphs[commodity] = coo_matrix((np.ones(len(rows)), (rows, cols)), shape).tocsr()
        return self.graphs[commodity]

    def __call__(self, commodity: str, starts: Iterable[str]) -> set[str]:
        """Nodes reachable from ``starts`` over links that carry ``commodity``."""
        graph, found = self.graph(commodity), set()
        for start in {self.index[s] for s in starts if s in self.index}:
            found.update(
                breadth_first_order(graph, start, directed=True, return_predecessors=False)
            )
        return {self.nodes[i] for i in found}


def check_reachability(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Every demand node is reachable from some supply of its commodity; agreements connect.

    With ``rows``, the demand rows and agreements to check (over every link and supply row)."""
    issues = []
    supply, demand = t["supply"], _checked(t, "demand", rows)
    reachable = _Reach(t)
    unreached: list[int] = []
    for commodity, group in demand.dropna(subset=["commodity", "node_id"]).groupby("commodity"):
        starts = supply.loc[supply["commodity"] == commodity, "node_id"].dropna().astype(str)
        reached = reachable(str(commodity), set(starts))
        unreached += list(group.index[~group["node_id"].isin(reached)])
    if unreached:
        d = demand.loc[unreached]
        issues.append(
            make_issue(
                "unreachable-demand",
                ERROR,
                "demand",
                f"{len(unreached)} demand row(s) sit at nodes no supply of the commodity can reach",
                "add the missing links (or the commodity on existing links), or a supply row",
                column="node_id",
                rows=_lines(unreached),
                ids=d["demand_id"],
                values=d["node_id"].astype(str) + " (" + d["commodity"].astype(str) + ")",
            )
        )
    agreements = _checked(t, "agreements", rows)
    bad = []
    for idx, row in agreements.dropna(subset=["commodity", "origin"]).iterrows():
        reached = reachable(str(row["commodity"]), [str(row["origin"])])
        if row["destinations"] and not any(d in reached for d in row["destinations"]):
            bad.append(idx)
    if bad:
        issues.append(
            make_issue(
                "unconnected-agreement",
                ERROR,
                "agreements",
                f"{len(bad)} agreement(s) have no route from origin to any destination",
                "add links carrying the agreement's commodity between origin and destination",
                column="origin",
                rows=_lines(bad),
                ids=agreements.loc[bad, "agreement_id"],
            )
        )
    return issues


def _quantity_dimensions(t: Tables, commodity: str) -> set[str]:
    """Unit dimensions in which any quantity of ``commodity`` is given."""
    links = t["links"]
    units = [
        unit
        for carried, capacity, unit in zip(
            links["commodities"].tolist(),
            links["capacity"].tolist(),
            links["capacity_unit"].tolist(),
            strict=True,
        )
        if commodity in carried and not np.isnan(capacity)
    ]
    for name in ("supply", "demand", "agreements", "observations"):
        frame = t[name]
        found = zip(frame["commodity"].tolist(), frame["unit"].tolist(), strict=True)
        units += [unit for c, unit in found if isinstance(c, str) and c == commodity]
    return {UNITS[u].dimension for u in units if isinstance(u, str) and u in UNITS}


def check_conversions(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Commodities measured across dimensions have the factor their conversion needs.

    What a commodity needs depends on all its quantities: every row is checked, whatever
    ``rows``."""
    conv = t["conversions"]
    links = t["links"]
    shared_freight = any("containers" in cs and len(cs) > 1 for cs in links["commodities"])
    needs = {
        "crude_oil": ("bbl", "oil_volume" in _quantity_dimensions(t, "crude_oil")),
        "oil_products": ("bbl", "oil_volume" in _quantity_dimensions(t, "oil_products")),
        "containers": ("TEU", shared_freight or "mass" in _quantity_dimensions(t, "containers")),
    }
    issues = []
    for commodity, (unit, needed) in needs.items():
        factors = conv[
            (conv["commodity"] == commodity)
            & ((conv["from_unit"] == unit) | (conv["to_unit"] == unit))
        ]
        if needed and factors.empty:
            issues.append(
                make_issue(
                    "missing-conversion",
                    ERROR,
                    "conversions",
                    f"{commodity} quantities need a t <-> {unit} factor; conversions.csv has none",
                    f"add a {commodity} row converting t to {unit} with its source",
                    column="factor",
                    ids=[commodity],
                )
            )
    return issues


def check_conversion_ranges(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A conversion factor lies within its sourced [low, high] where they are given; low <= high."""
    conv = _checked(t, "conversions", rows)
    factor, low, high = (conv[c].astype("float64") for c in ("factor", "low", "high"))
    outside = ((low > factor) | (high < factor) | (low > high)).fillna(False)
    if not outside.any():
        return []
    bad = conv[outside]
    return [
        make_issue(
            "bad-range",
            ERROR,
            "conversions",
            f"{outside.sum()} conversion factor(s) lie outside their sourced [low, high] range "
            "(or low is above high)",
            "the factor must lie within the sourced range: check its digits and unit direction "
            "(to_unit per from_unit)",
            column="factor",
            rows=_lines(bad.index),
            ids=bad["conversion_id"],
            values=[
                f"{f:g} not in [{lo:g}, {hi:g}]"
                for f, lo, hi in zip(factor[outside], low[outside], high[outside], strict=True)
            ],
        )
    ]


def check_sources(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """The same URL should not appear under two source ids (every row checked, whatever
    ``rows``)."""
    sources = t["sources"]
    dup = sources["url"].notna() & sources.duplicated(subset=["url"], keep=False)
    if not dup.any():
        return []
    return [
        make_issue(
            "duplicate-source",
            WARNING,
            "sources",
            f"{dup.sum()} source rows share a URL with another row",
            "merge them into one source id",
            column="url",
            rows=_lines(sources.index[dup]),
            ids=sources.loc[dup, "source_id"],
            values=sources.loc[dup, "url"],
        )
    ]


def check_transit(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """Each transit parameter names one target (a mode, a node or a link) and a unit that fits
    its component (every row checked, whatever ``rows``: a repeated target is found across
    rows)."""
    transit = t["transit"]
    if transit.empty:
        return []
    issues = []
    targets = transit[["mode", "node_id", "link_id"]].notna().sum(axis=1)
    stray_country = transit["country"].notna() & transit["mode"].isna()
    bad = (targets != 1) | stray_country
    if bad.any():
        issues.append(
            make_issue(
                "bad-transit-target",
                ERROR,
                "transit",
                f"{bad.sum()} parameter(s) do not name exactly one of mode, node_id, link_id "
                "(or give a country without a mode)",
                "fill exactly one of mode, node_id and link_id; country only with mode",
                column="mode",
                rows=_lines(transit.index[bad]),
                ids=transit.loc[bad, "param_id"],
            )
        )
    target = ["component", "mode", "country", "node_id", "link_id"]
    twice = transit.duplicated(subset=target, keep="first")
    if twice.any():
        issues.append(
            make_issue(
                "duplicate-transit-target",
                WARNING,
                "transit",
                f"{twice.sum()} parameter(s) repeat the component and target of an earlier row; "
                "only the first is used",
                "keep one row per component and target (put other sources in its provenance)",
                column="component",
                rows=_lines(transit.index[twice]),
                ids=transit.loc[twice, "param_id"],
            )
        )
    canonical = transit["unit"].map(TRANSIT_CANONICAL)
    fits = [
        c in TRANSIT_COMPONENTS.get(str(k), ())
        for k, c in zip(transit["component"], canonical, strict=True)
    ]
    wrong = ~pd.Series(fits, index=transit.index) & transit["unit"].notna()
    if wrong.any():
        issues.append(
            make_issue(
                "unit-mismatch",
                ERROR,
                "transit",
                f"{wrong.sum()} parameter(s) have a unit that does not fit their component",
                "; ".join(
                    f"{component} in "
                    + " or ".join(u for u, c in TRANSIT_CANONICAL.items() if c in canonicals)
                    for component, canonicals in TRANSIT_COMPONENTS.items()
                ),
                column="unit",
                rows=_lines(transit.index[wrong]),
                ids=transit.loc[wrong, "param_id"],
                values=transit.loc[wrong, "unit"].astype(str),
            )
        )
    return issues


_PERIOD = r"(\d{4})-(0[1-9]|1[0-2])/(\d{4})-(0[1-9]|1[0-2])"


def _bad_periods(obs: pd.DataFrame) -> pd.Series:
    """Which observations give a period that is not ``YYYY-MM/YYYY-MM`` inside their year."""
    parts = obs["period"].astype("string").str.fullmatch(_PERIOD)
    found = obs["period"].astype("string").str.extract(_PERIOD)
    year = obs["year"].astype("string")
    inside = (found[0] == year) & (found[2] == year) & (found[1] <= found[3])
    return (obs["period"].notna() & ~(parts.fillna(False) & inside.fillna(False))).astype(bool)


def _targets(t: Tables, obs: pd.DataFrame) -> tuple[pd.Series, dict[str, tuple[str, ...]]]:
    """Each observation's target table by its kind, and what each link or node carries."""
    table = obs["kind"].map(OBSERVATION_TARGETS)
    carried = dict(zip(t["links"]["link_id"], t["links"]["commodities"], strict=True))
    carried |= dict(zip(t["nodes"]["node_id"], t["nodes"]["commodities"], strict=True))
    return table, carried


def _unknown_targets(t: Tables, obs: pd.DataFrame) -> pd.Series:
    """Which observations name a target that is not a link (or node) of the dataset."""
    table = obs["kind"].map(OBSERVATION_TARGETS)
    known = {name: set(t[name][f"{name[:-1]}_id"].astype(str)) for name in ("links", "nodes")}
    return pd.Series(
        [
            isinstance(where, str) and isinstance(target, str) and target not in known[where]
            for where, target in zip(table, obs["target"], strict=True)
        ],
        index=obs.index,
        dtype=bool,
    )


def _not_carried(t: Tables, obs: pd.DataFrame) -> pd.Series:
    """Which observations name a commodity their link or node does not carry."""
    table, carried = _targets(t, obs)
    return pd.Series(
        [
            isinstance(where, str)
            and target in carried
            and isinstance(carried[target], (list, tuple))
            and commodity not in carried[target]
            for where, target, commodity in zip(table, obs["target"], obs["commodity"], strict=True)
        ],
        index=obs.index,
        dtype=bool,
    )


def _observation_issue(
    obs: pd.DataFrame, mask: pd.Series, code: str, severity: Severity, column: str, text: str
) -> Issue:
    """One issue for the observations ``mask`` selects (``text``: what is wrong | the hint)."""
    message, hint = text.split(" | ")
    return make_issue(
        code,
        severity,
        "observations",
        f"{mask.sum()} observation(s) {message}",
        hint,
        column=column,
        rows=_lines(obs.index[mask]),
        ids=obs.loc[mask, "obs_id"],
        values=obs.loc[mask, column].astype(str),
    )


def check_observations(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """An observation's target is a link (or node, by its kind) of the dataset and its period
    lies inside its year (errors); its target carries its commodity (a warning: a scenario may
    change what a link carries, not what it carried)."""
    obs = _checked(t, "observations", rows)
    if obs.empty:
        return []
    issues = []
    bad_period, not_carried = _bad_periods(obs), _not_carried(t, obs)
    unknown = _unknown_targets(t, obs)
    for where in ("links", "nodes"):
        mask = unknown & (obs["kind"].map(OBSERVATION_TARGETS) == where)
        if mask.any():
            kinds = ", ".join(k for k, v in OBSERVATION_TARGETS.items() if v == where)
            known = t[where][f"{where[:-1]}_id"].astype(str).tolist()
            guesses = "; ".join(
                f"{value}: did you mean {' or '.join(map(repr, close))}?"
                for value in obs.loc[mask, "target"].astype(str).unique()
                if (close := difflib.get_close_matches(value, known, n=2, cutoff=0.6))
            )
            text = (
                f"name a target that is not in {where}.csv | a {kinds} observation measures a "
                f"{where[:-1]}: use an existing {where[:-1]}_id from {where}.csv"
                + (f" ({guesses})" if guesses else "")
            )
            code = "unknown-link" if where == "links" else "unknown-node"
            issues.append(_observation_issue(obs, mask, code, ERROR, "target", text))
    if bad_period.any():
        text = (
            "give a period that is not YYYY-MM/YYYY-MM inside their year | write the months "
            "covered, e.g. 2024-01/2024-07, or leave it empty for the whole year"
        )
        issues.append(_observation_issue(obs, bad_period, "bad-period", ERROR, "period", text))
    if not_carried.any():
        text = (
            "name a commodity their link or node does not carry | use a commodity listed in the "
            "target's commodities in links.csv or nodes.csv"
        )
        code = "commodity-not-carried"
        issues.append(_observation_issue(obs, not_carried, code, WARNING, "commodity", text))
    return issues


#: A length below this share of the straight line between a link's ends is reported.
LENGTH_SHARE_OF_DISTANCE: Final = 0.95


def check_lengths(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A link's length is not shorter than the great-circle distance between its ends (a
    warning: node positions are approximate, so 5 % is allowed)."""
    links = _checked(t, "links", rows)
    nodes = t["nodes"].drop_duplicates("node_id").set_index("node_id")
    given = links.dropna(subset=["length_km"])
    given = given[given["from_node"].isin(nodes.index) & given["to_node"].isin(nodes.index)]
    if given.empty:
        return []
    a, b = nodes.loc[given["from_node"]], nodes.loc[given["to_node"]]
    crow = great_circle_km(
        a["lat"].to_numpy(float), a["lon"].to_numpy(float),
        b["lat"].to_numpy(float), b["lon"].to_numpy(float),
    )  # fmt: skip
    short = given["length_km"].to_numpy(float) < LENGTH_SHARE_OF_DISTANCE * crow
    if not short.any():
        return []
    said = ", ".join(
        f"{link} {length:g} km < {km:.0f} km"
        for link, length, km in zip(
            given["link_id"][short], given["length_km"][short], crow[short], strict=True
        )
    )
    return [
        make_issue(
            "length-below-distance",
            WARNING,
            "links",
            f"{short.sum()} link length(s) are shorter than the straight line between their "
            f"ends ({said})",
            "check the length's source and the two nodes' positions; leave the length empty to "
            "use the great-circle distance",
            column="length_km",
            rows=_lines(given.index[short]),
            ids=given["link_id"][short],
            values=given["length_km"][short].astype(str),
        )
    ]


def supply_gaps(supply: pd.DataFrame) -> dict[tuple[str, str], tuple[int, ...]]:
    """The years between a node's first and last supply row of a commodity that have no row
    (a series 2023, 2025 skips 2024), keyed by (node, commodity)."""
    frame = supply.dropna(subset=["node_id", "commodity", "year"])
    gaps = {}
    for (node, commodity), years in frame.groupby(["node_id", "commodity"])["year"]:
        have = {int(y) for y in years}
        missing = tuple(y for y in range(min(have), max(have)) if y not in have)
        if missing:
            gaps[(str(node), str(commodity))] = missing
    return gaps


def check_supply_years(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A supply series that skips a year is a warning: that year the node supplies nothing."""
    supply = t["supply"]
    if supply.empty or (rows is not None and not rows.get("supply")):
        return []
    gaps = supply_gaps(supply)
    if not gaps:
        return []
    keys = list(zip(supply["node_id"], supply["commodity"], strict=True))
    hit = pd.Series([k in gaps for k in keys], index=supply.index, dtype=bool)
    said = "; ".join(
        f"{node} {commodity}: {', '.join(map(str, years))}"
        for (node, commodity), years in sorted(gaps.items())
    )
    return [
        make_issue(
            "supply-year-missing",
            WARNING,
            "supply",
            f"{len(gaps)} supply series skip a year, in which the node supplies nothing ({said})",
            "add a row for each missing year: 0 where nothing was supplied, or the last "
            "figure carried forward with a provenance note that says so where none is found",
            column="year",
            rows=_lines(supply.index[hit]),
            ids=sorted({node for node, _ in gaps}),
            values=sorted({y for years in gaps.values() for y in years}),
        )
    ]


def check_outages(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A recorded outage starts within the record's years (an error: its link's rate counts
    the outages of those years only); a part-year outage of a link without a capacity is a
    warning (an annual model cannot show it)."""
    out = _checked(t, "outages", rows)
    if out.empty:
        return []
    first, last = OUTAGE_RECORD_YEARS
    # a date is YYYY, YYYY-MM or YYYY-MM-DD (or n.d.): its year is its first four characters
    year = pd.to_numeric(out["start"].astype("string").str.slice(0, 4), errors="coerce")
    outside = (year.notna() & ((year < first) | (year > last))).astype(bool)
    capped = dict(zip(t["links"]["link_id"], t["links"]["capacity"].notna(), strict=True))
    part = (out["days"].astype("float64") < 365) | (out["cut_percent"].astype("float64") < 100)
    uncapped = (out["link_id"].map(capped) == False) & part.fillna(False)  # noqa: E712
    issues = []
    checks: list[tuple[pd.Series, str, Severity, str, str, str]] = [
        (outside, "outage-outside-record", ERROR, "start",
         f"start outside the years the table records ({first}-{last})",
         f"record only the outages of {first}-{last}, or widen OUTAGE_RECORD_YEARS with a "
         "search of the added years"),
        (uncapped.astype(bool), "outage-without-capacity", WARNING, "link_id",
         "are part-year or partial outages of a link without a capacity",
         "an annual model shows them only on a link with a capacity: give the link one"),
    ]  # fmt: skip
    for mask, code, severity, column, text, hint in checks:
        if mask.any():
            issues.append(
                make_issue(
                    code,
                    severity,
                    "outages",
                    f"{int(mask.sum())} outage(s) {text}",
                    hint,
                    column=column,
                    rows=_lines(out.index[mask.to_numpy(dtype=bool)]),
                    ids=out.loc[mask, "outage_id"],
                    values=out.loc[mask, column].astype(str),
                )
            )
    return issues


def _project_problems(row: pd.Series, units: pd.Series) -> list[tuple[str, str, str]]:
    """What is wrong with one project row: (code, column, text | hint); ``units``: each
    link's capacity unit."""
    adds, found = str(row["adds"]), []
    links = list(row["link_ids"]) if isinstance(row["link_ids"], (list, tuple)) else []
    if adds in ("link_capacity", "vessels") and not links:
        found.append(
            (
                "project-target-missing",
                "link_ids",
                f"adds {adds} but names no link_ids | name the links it adds to",
            )
        )
    if adds == "supply" and (pd.isna(row["node_id"]) or pd.isna(row["commodity"])):
        found.append(
            (
                "project-target-missing",
                "node_id",
                "adds supply but names no node_id and commodity | name the field and commodity",
            )
        )
    costed = pd.notna(row["capital_cost"]) or pd.notna(row["fixed_cost"])
    if costed and (pd.isna(row["cost_unit"]) or pd.isna(row["cost_year"])):
        found.append(
            (
                "project-cost-incomplete",
                "cost_unit",
                "gives a cost without its cost_unit or cost_year | give both",
            )
        )
    for link in links if adds == "link_capacity" else []:
        counted = units.get(link)
        if isinstance(counted, str) and counted != row["unit"]:
            found.append(
                (
                    "project-unit-mismatch",
                    "unit",
                    f"adds {row['unit']} where {link} counts {counted} | use {counted}",
                )
            )
    if adds == "vessels" and row["unit"] != "vessels":
        found.append(
            (
                "project-unit-mismatch",
                "unit",
                f"adds {row['unit']} of vessels | count vessels in `vessels`",
            )
        )
    if adds != "vessels" and row["unit"] not in UNITS:
        found.append(
            (
                "project-unit-mismatch",
                "unit",
                f"adds {row['unit']}, not a quantity unit | use e.g. Mt/yr, bcm/yr, TEU/yr",
            )
        )
    return found


def check_projects(t: Tables, rows: Rows | None = None) -> list[Issue]:
    """A project names what it adds to (a link, or a node and commodity), in the link's unit,
    with a complete cost; an exclusion runs both ways."""
    projects = _checked(t, "projects", rows)
    if projects.empty:
        return []
    issues = []
    units = t["links"].set_index("link_id")["capacity_unit"]
    for index, row in projects.iterrows():
        for code, column, text in _project_problems(row, units):
            message, hint = text.split(" | ")
            issues.append(
                make_issue(
                    code,
                    ERROR,
                    "projects",
                    f"{row['project_id']} {message}",
                    hint,
                    column=column,
                    rows=_lines([index]),
                    ids=[str(row["project_id"])],
                    values=[str(row[column])],
                )
            )
    excludes = {
        str(p): set(e) if isinstance(e, (list, tuple)) else set()
        for p, e in zip(t["projects"]["project_id"], t["projects"]["excludes"], strict=True)
    }
    one_sided = [
        f"{a} excludes {b}"
        for a, others in excludes.items()
        for b in sorted(others)
        if a not in excludes.get(b, {a})
    ]
    if one_sided:
        issues.append(
            make_issue(
                "one-sided-exclusion",
                ERROR,
                "projects",
                f"{len(one_sided)} exclusion(s) run one way only: {'; '.join(one_sided)}",
                "list each alternative in the other's excludes too",
                column="excludes",
            )
        )
    return issues


RULES: tuple[Rule, ...] = (
    check_duplicate_ids,
    check_references,
    check_country_codes,
    check_units,
    check_capacities,
    check_years_and_ranges,
    check_coordinates,
    check_provenance,
    check_commodity_handling,
    check_reachability,
    check_conversions,
    check_conversion_ranges,
    check_sources,
    check_transit,
    check_observations,
    check_outages,
    check_projects,
    check_supply_years,
    check_lengths,
)


def _columns(table: str, *columns: str) -> frozenset[str]:
    return frozenset(f"{table}.{c}" for c in columns)


#: The columns that identify each table's rows (``table.column``).
ROW_KEYS = frozenset(
    f"{name}.{column}"
    for name, spec in TABLES.items()
    for column in ((spec.id_column,) if spec.id_column else KEY_COLUMNS.get(name, ()))
)
_REFERENCING = frozenset(
    f"{name}.{col.name}" for name, spec in TABLES.items() for col in spec.columns if col.references
)
_REFERENCED = frozenset(
    str(col.references) for spec in TABLES.values() for col in spec.columns if col.references
)
_QUANTITIES = (
    _columns("links", "capacity", "capacity_unit", "commodities")
    | _columns("supply", "value", "unit", "commodity")
    | _columns("demand", "value", "unit", "commodity")
    | _columns("agreements", "min_volume", "max_volume", "unit", "commodity")
    | _columns("observations", "value", "unit", "commodity")
)
_SOURCED = frozenset(
    f"{name}.{column}"
    for name in SOURCED_TABLES
    for column in (str(TABLES[name].id_column), *TABLES[name].sourced_columns)
)

#: The columns each rule checks, row by row (``table.*``: every column). After an edit, a rule
#: need only check the rows in which the edit wrote one of them (unless it changed a lookup).
RULE_INPUTS: Mapping[Rule, frozenset[str]] = {
    check_duplicate_ids: ROW_KEYS,
    check_references: _REFERENCING,
    check_country_codes: _columns("nodes", "country", "other_country")
    | _columns("links", "countries")
    | _columns("groups", "country")
    | _columns("agreements", "avoid_countries")
    | _columns("transit", "country"),
    check_units: _QUANTITIES | _columns("commodities", "commodity_id", "canonical_unit"),
    check_capacities: _columns("links", "capacity", "status"),
    check_years_and_ranges: _columns("links", "start_year", "end_year", "from_node", "to_node")
    | _columns("agreements", "start_year", "end_year", "min_volume", "max_volume"),
    check_coordinates: _columns("nodes", "lat", "lon", "country", "other_country"),
    check_provenance: _SOURCED | _columns("provenance", "*"),
    check_commodity_handling: _columns("links", "commodities", "from_node", "to_node")
    | _columns("nodes", "node_id", "commodities"),
    check_reachability: _columns("demand", "commodity", "node_id")
    | _columns("agreements", "commodity", "origin", "destinations"),
    check_conversions: _QUANTITIES,
    check_conversion_ranges: _columns("conversions", "factor", "low", "high"),
    check_sources: _columns("sources", "url"),
    check_transit: _columns("transit", "*"),
    check_observations: _columns("observations", "period", "year", "kind", "target", "commodity"),
    check_outages: _columns("outages", "start", "link_id", "days", "cut_percent"),
    check_projects: _columns("projects", "*"),
    check_supply_years: _columns("supply", "node_id", "commodity", "year"),
    check_lengths: _columns("links", "length_km", "from_node", "to_node"),
}

#: The columns of other rows that a rule looks up to check a row. When an edit changes them in
#: rows that were there before, or removes rows of their tables, the rule checks every row.
#: (Rows added there cannot fail a check that passed: they add targets, units or routes.)
RULE_LOOKUPS: Mapping[Rule, frozenset[str]] = {
    check_references: _REFERENCED,
    check_units: _columns("commodities", "commodity_id", "canonical_unit"),
    check_reachability: _columns("nodes", "node_id")
    | _columns("links", "commodities", "from_node", "to_node", "bidirectional")
    | _columns("supply", "commodity", "node_id"),
    check_conversions: _columns("conversions", "commodity", "from_unit", "to_unit"),
    check_observations: _columns("links", "link_id", "commodities")
    | _columns("nodes", "node_id", "commodities"),
    check_lengths: _columns("nodes", "node_id", "lat", "lon"),
    check_outages: _columns("links", "link_id", "capacity"),
    check_projects: _columns("links", "link_id", "capacity_unit")
    | _columns("projects", "project_id", "excludes"),
}
