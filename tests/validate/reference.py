"""Reference implementations: the provenance, reachability and conversion checks and the unit
conversion of ``load`` as they were written before they were made faster (commit 86d5703: a
pandas merge, one breadth-first search per query, a groupby per conversion). The tests check
that the faster versions give the same issues and values."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from corridor.dataset.issues import ERROR, WARNING, Issue, make_issue
from corridor.dataset.rules import Tables, _lines, contains
from corridor.schema import TABLES
from corridor.schema.vocabulary import SOURCED_TABLES
from corridor.units import UNITS, convert

logger = logging.getLogger(__name__)


def _numeric_cells(t: Tables) -> pd.DataFrame:
    """Every non-empty sourced figure as (table, row_id, column, value, line)."""
    parts = []
    for name in SOURCED_TABLES:
        spec, frame = TABLES[name], t[name]
        for column in spec.sourced_columns:
            values = frame[column].astype("float64")
            keep = values.notna()
            parts.append(
                pd.DataFrame(
                    {
                        "table": name,
                        "row_id": frame.loc[keep, spec.id_column].astype(str),
                        "column": column,
                        "value": values[keep],
                        "line": _lines(frame.index[keep]),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def check_provenance(t: Tables) -> list[Issue]:
    """Every figure has a provenance row whose value matches and whose range holds it."""
    cells = _numeric_cells(t)
    prov = t["provenance"].copy()
    prov["prov_line"] = _lines(prov.index)
    merged = cells.merge(
        prov, on=["table", "row_id", "column"], how="outer", suffixes=("", "_prov"), indicator=True
    )
    issues = []
    missing = merged[merged["_merge"] == "left_only"]
    for name, group in missing.groupby("table"):
        issues.append(
            make_issue(
                "unsourced-figure",
                ERROR,
                str(name),
                f"{len(group)} figure(s) in {name} have no provenance row",
                "add a row to provenance.csv with table, row_id, column, value, status, confidence "
                "and source_ids",
                column=", ".join(sorted(group["column"].unique())),
                rows=group["line"].astype(int),
                ids=group["row_id"] + "." + group["column"],
            )
        )
    both = merged[merged["_merge"] == "both"]
    differs = ~np.isclose(both["value"], both["value_prov"].astype(float), rtol=1e-9, atol=1e-9)
    if differs.any():
        bad = both[differs]
        issues.append(
            make_issue(
                "provenance-mismatch",
                ERROR,
                "provenance",
                f"{len(bad)} provenance value(s) differ from the figure in the table",
                "make provenance.value equal to the table cell (the chosen default)",
                column="value",
                rows=bad["prov_line"].astype(int),
                ids=bad["table"] + ":" + bad["row_id"] + "." + bad["column"],
                values=bad["value_prov"].astype(str) + " vs " + bad["value"].astype(str),
            )
        )
    orphans = merged[merged["_merge"] == "right_only"]
    if not orphans.empty:
        issues.append(
            make_issue(
                "orphan-provenance",
                WARNING,
                "provenance",
                f"{len(orphans)} provenance row(s) point to no figure in the tables",
                "remove them or fix table/row_id/column",
                column="row_id",
                rows=orphans["prov_line"].astype(int),
                ids=orphans["table"] + ":" + orphans["row_id"] + "." + orphans["column"],
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
                rows=prov.loc[outside, "prov_line"],
                ids=prov.loc[outside, "row_id"] + "." + prov.loc[outside, "column"],
            )
        )
    ranged = [pd.notna(a) or pd.notna(b) for a, b in zip(low, high, strict=True)]
    kinds = [pd.notna(k) for k in prov["range_kind"]]
    for code, text, hint, wanted in (
        ("range-kind-missing", "provenance row(s) give low or high without range_kind",
         "set range_kind: uncertain (estimates of the figure disagree) or alternatives "
         "(another basis, a plan or an option)", (True, False)),
        ("range-kind-without-range", "provenance row(s) give range_kind without low or high",
         "give the range's low and high, or leave range_kind empty", (False, True)),
    ):  # fmt: skip
        hit = [(r, k) == wanted for r, k in zip(ranged, kinds, strict=True)]
        if any(hit):
            rows = prov[hit]
            issues.append(
                make_issue(
                    code,
                    ERROR,
                    "provenance",
                    f"{sum(hit)} {text}",
                    hint,
                    column="range_kind",
                    rows=rows["prov_line"],
                    ids=rows["row_id"] + "." + rows["column"],
                )
            )
    return issues


def _reachable(t: Tables, commodity: str, starts: Iterable[str]) -> set[str]:
    """Nodes reachable from ``starts`` over links that carry ``commodity``."""
    nodes = list(t["nodes"]["node_id"].dropna().astype(str))
    index = {n: i for i, n in enumerate(nodes)}
    links = t["links"]
    carries = contains(links["commodities"], commodity)
    sub = links[carries & links["from_node"].isin(index) & links["to_node"].isin(index)]
    src = sub["from_node"].map(index).to_numpy(dtype=int)
    dst = sub["to_node"].map(index).to_numpy(dtype=int)
    both = sub["bidirectional"].fillna(False).to_numpy(dtype=bool)
    rows = np.concatenate([src, dst[both]])
    cols = np.concatenate([dst, src[both]])
    n = len(nodes) + 1  # one super-source feeding every start
    starts_idx = [index[s] for s in starts if s in index]
    rows = np.concatenate([rows, np.full(len(starts_idx), n - 1)])
    cols = np.concatenate([cols, np.asarray(starts_idx, dtype=int)])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    order = breadth_first_order(graph, n - 1, directed=True, return_predecessors=False)
    return {nodes[i] for i in order if i < len(nodes)}


def check_reachability(t: Tables) -> list[Issue]:
    """Every demand node is reachable from some supply of its commodity; agreements connect."""
    issues = []
    supply, demand = t["supply"], t["demand"]
    unreached: list[int] = []
    for commodity, group in demand.dropna(subset=["commodity", "node_id"]).groupby("commodity"):
        starts = supply.loc[supply["commodity"] == commodity, "node_id"].dropna().astype(str)
        reached = _reachable(t, str(commodity), set(starts))
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
    agreements = t["agreements"]
    bad = []
    for idx, row in agreements.dropna(subset=["commodity", "origin"]).iterrows():
        reached = _reachable(t, str(row["commodity"]), [str(row["origin"])])
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
    dims: set[str] = set()
    links = t["links"]
    carries = contains(links["commodities"], commodity)
    units = [links.loc[carries & links["capacity"].notna(), "capacity_unit"]]
    for name in ("supply", "demand", "agreements"):
        frame = t[name]
        units.append(frame.loc[frame["commodity"] == commodity, "unit"])
    for series in units:
        dims |= {UNITS[u].dimension for u in series.dropna() if u in UNITS}
    return dims


def check_conversions(t: Tables) -> list[Issue]:
    """Commodities measured across dimensions have the factor their conversion needs."""
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
        rows = conv[
            (conv["commodity"] == commodity)
            & ((conv["from_unit"] == unit) | (conv["to_unit"] == unit))
        ]
        if needed and rows.empty:
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
        factors = commodity_factors_reference(conversions, commodities, str(commodity))
        try:
            out[group.index] = convert(
                group.to_numpy(dtype=float), str(unit), str(target), **factors
            )
        except ValueError:
            logger.warning("cannot convert %s %s to %s (no factor)", commodity, unit, target)
    return out


def commodity_factors_reference(
    conversions: pd.DataFrame, commodities: pd.DataFrame, commodity: str
) -> dict[str, float | None]:
    grade = None
    if commodity in commodities.index:
        value = commodities.at[commodity, "default_grade"]
        grade = value if isinstance(value, str) else None
    return {
        "bbl_per_t": conversion_factor(conversions, commodity, "t", "bbl", grade),
        "t_per_teu": conversion_factor(conversions, commodity, "TEU", "t", grade),
    }
