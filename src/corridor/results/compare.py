"""Compare solved scenarios side by side: one column per scenario and its change from the first.

Each table has key columns, then per scenario its value, and for every scenario after the first a
``Δ name`` column (its value minus the first's). Tables cover deliveries, unmet demand, binding
links with their shadow prices, link loadings, transit by country, agreement routes and costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.dataset.network import Network
from corridor.errors import ReportError
from corridor.io.export import tables_to_csv_frames
from corridor.options import RouteRules, SolveOptions
from corridor.results import Results
from corridor.scenario.apply import AppliedScenario

__all__ = ["Comparison", "compare_inputs", "compare_results", "compare_scenarios"]

#: Tables whose cells are compared as inputs (notes and provenance follow their figures).
_INPUT_TABLES = ("nodes", "links", "supply", "demand", "agreements", "transit")
_ABSENT = "(absent)"

_TOL = 1e-6
#: True/false columns that mark rows whose binding or route changed.
_FLAGS = ("changed", "changed route")


@dataclass(frozen=True)
class Comparison:
    """Side-by-side tables of several solved scenarios (the first is the reference)."""

    names: tuple[str, ...]
    tables: dict[str, pd.DataFrame]

    def changed(self, title: str) -> pd.DataFrame:
        """Rows of a table where some scenario differs from the reference."""
        table = self.tables[title]
        deltas = [c for c in table.columns if str(c).startswith("Δ ")]
        flags = [c for c in table.columns if c in _FLAGS]
        if not deltas and not flags:
            return table
        mask = pd.Series(False, index=table.index)
        for column in deltas:
            mask |= table[column].abs().fillna(0) > _TOL
        for column in flags:
            mask |= table[column].astype(bool)
        return table[mask]

    def view(self, title: str, *, all_rows: bool = False) -> pd.DataFrame:
        """A table to show: its changed rows (or all), without the true/false change flags."""
        table = self.tables[title] if all_rows else self.changed(title)
        return table.drop(columns=[c for c in _FLAGS if c in table]).reset_index(drop=True)

    def _repr_html_(self) -> str:
        """In Jupyter: every table's changed rows under its title."""
        parts = []
        for title in self.tables:
            shown = self.view(title)
            body = (
                shown.to_html(index=False, float_format="{:,.4g}".format)
                if len(shown)
                else "<p><i>no change</i></p>"
            )
            parts.append(f"<h4>{title}</h4>{body}")
        return "".join(parts)


def _side_by_side(
    frames: dict[str, pd.DataFrame], keys: list[str], value: str, names: Sequence[str]
) -> pd.DataFrame:
    """Outer-join one value column of each scenario on ``keys``; add Δ columns. A row a
    scenario lacks counts 0 there; a value that is missing (no price) stays missing."""
    out: pd.DataFrame | None = None
    for name in names:
        part = frames[name][[*keys, value]].groupby(keys, dropna=False, as_index=False)
        part = part[value].sum(min_count=1).rename(columns={value: name})
        part = part.astype(dict.fromkeys(keys, object))  # empty text keys merge too
        part[f"{name} (present)"] = True
        out = part if out is None else out.merge(part, on=keys, how="outer")
    assert out is not None
    for name in names:
        present = out.pop(f"{name} (present)").fillna(False).astype(bool)
        out[name] = np.where(present, out[name].astype("float64"), 0.0)
    for name in names[1:]:
        out[f"Δ {name}"] = out[name] - out[names[0]]
    return out.sort_values(keys).reset_index(drop=True)


def _in_millions(costs: pd.DataFrame) -> pd.DataFrame:
    """A costs table (USD/yr) in million USD/yr."""
    return costs.assign(value=costs["value"] / 1e6, unit="million USD/yr")


def _deliveries(results: Results) -> pd.DataFrame:
    demand = results.unmet[["node_id", "commodity", "unit", "delivered"]]
    markets = results.markets[["node_id", "commodity", "unit", "delivered"]]
    both = pd.concat([demand.assign(kind="demand"), markets.assign(kind="world market")])
    return both[both["delivered"].abs() > _TOL]


def _names(runs: Sequence[tuple[str, Results]]) -> pd.Series:
    """Name of each link across the runs."""
    names = pd.concat([r.links[["link_id", "name"]] for _, r in runs])
    return names.drop_duplicates("link_id").set_index("link_id")["name"]


def _links(runs: Sequence[tuple[str, Results]], names: Sequence[str]) -> pd.DataFrame:
    """Flow per link, direction and commodity, each in its own unit (units are never added)."""
    keys = ["link_id", "from_node", "to_node", "commodity", "unit"]
    flows = {n: r.flows.groupby(keys, as_index=False)["flow"].sum() for n, r in runs}
    table = _side_by_side(flows, keys, "flow", names)
    table.insert(1, "name", table["link_id"].map(_names(runs)))
    return table


def _by_scenario(texts: dict[str, pd.Series]) -> pd.Series:
    """One text per row: the shared text, or ``name: text`` for each scenario where they differ."""
    frame = pd.DataFrame(texts).fillna("")

    def one(row: pd.Series) -> str:
        if row.nunique() == 1:
            return str(row.iloc[0])
        return " | ".join(f"{name}: {text or '-'}" for name, text in row.items())

    return frame.apply(one, axis=1)


def _binding(runs: Sequence[tuple[str, Results]], names: Sequence[str]) -> pd.DataFrame:
    """Links binding in any scenario: each scenario's shadow price in USD/yr per unit of
    capacity (0 where the link does not bind; empty where it carries a commodity without a
    price)."""
    binding = {n: r.links[r.links["binding"]] for n, r in runs}
    keys = ["link_id", "shadow_price_unit"]
    rows = pd.concat(binding.values())[keys].drop_duplicates().sort_values(keys)
    table = rows.reset_index(drop=True).rename(columns={"shadow_price_unit": "unit"})
    table.insert(1, "name", table["link_id"].map(_names(runs)))
    for name, b in binding.items():
        price = b.groupby("link_id")["shadow_price"].max()
        shown = table["link_id"].map(price).where(table["link_id"].isin(price.index), 0.0)
        table[name] = shown.astype("float64")
    for name in names[1:]:
        table[f"Δ {name}"] = table[name] - table[names[0]]
    binds = pd.DataFrame({n: table["link_id"].isin(b["link_id"]) for n, b in binding.items()})
    scenarios = np.array(binds.columns)
    table["binds in"] = [", ".join(scenarios[row]) for row in binds.to_numpy(dtype=bool)]
    table["changed"] = binds.ne(binds[names[0]], axis=0).any(axis=1)
    return table


def _agreements(runs: Sequence[tuple[str, Results]], names: Sequence[str]) -> pd.DataFrame:
    delivered = {n: r.agreements for n, r in runs}
    table = _side_by_side(delivered, ["agreement_id", "commodity", "unit"], "delivered", names)
    routes = {}
    for name, r in runs:
        by_id = r.agreements.set_index("agreement_id")["route"].fillna("")
        routes[name] = table["agreement_id"].map(by_id).fillna("(not in force)")
    table["route"] = _by_scenario(routes)
    table["changed route"] = np.logical_or.reduce([routes[n] != routes[names[0]] for n in names])
    return table


def _unmet(runs: Sequence[tuple[str, Results]], names: Sequence[str]) -> pd.DataFrame:
    frames = {n: r.unmet for n, r in runs}
    table = _side_by_side(frames, ["node_id", "commodity", "unit"], "unmet", names)
    keys = pd.MultiIndex.from_frame(table[["node_id", "commodity"]])
    reasons = {}
    for name, r in runs:
        short = r.unmet[r.unmet["unmet"] > _TOL].set_index(["node_id", "commodity"])
        reasons[name] = pd.Series(
            short["limited_by"].reindex(keys).fillna("").to_numpy(), index=table.index
        )
    table["limited by"] = _by_scenario(reasons)
    return table


def _summary(
    deliveries: dict[str, pd.DataFrame], runs: Sequence[tuple[str, Results]], names: Sequence[str]
) -> pd.DataFrame:
    """Delivered and unmet volume of each commodity."""
    keys = ["commodity", "unit"]
    rows = {
        name: pd.concat(
            [
                deliveries[name].groupby(keys, as_index=False)["delivered"].sum()
                .rename(columns={"delivered": "value"}).assign(measure="delivered"),
                r.unmet.groupby(keys, as_index=False)["unmet"].sum()
                .rename(columns={"unmet": "value"}).assign(measure="unmet"),
            ]
        )
        for name, r in runs
    }  # fmt: skip
    return _side_by_side(rows, ["measure", *keys], "value", names)


def _cells(network: Network, options: SolveOptions) -> pd.Series:
    """Every input cell as text, indexed by (table, row_id, column); plus the run's settings."""
    parts = []
    for name, frame in tables_to_csv_frames(network).items():
        if name not in _INPUT_TABLES:
            continue
        keep = [c for c in frame.columns[1:] if c != "note"]
        long = frame.set_index(frame.columns[0])[keep].astype(object).stack(future_stack=True)
        long.index = pd.MultiIndex.from_tuples(
            [(name, str(r), str(c)) for r, c in long.index], names=["table", "row_id", "column"]
        )
        parts.append(long.map(_text))
    rules = {"year": str(options.year), **_rule_cells("all flows", options.rules)}
    for commodity, scoped in options.commodity_rules.items():
        rules.update(_rule_cells(commodity, scoped))
    settings = pd.Series(rules)
    settings.index = pd.MultiIndex.from_tuples(
        [
            ("run", *str(k).split(":", 1)) if ":" in str(k) else ("run", "", str(k))
            for k in settings.index
        ],
        names=["table", "row_id", "column"],
    )
    return pd.concat([*parts, settings])


def _rule_cells(scope: str, rules: RouteRules) -> dict[str, str]:
    return {
        f"{scope}:{field}": ", ".join(sorted(values))
        for field, values in (
            ("avoid_countries", rules.avoid_countries),
            ("only_groups", rules.only_groups),
            ("avoid_links", rules.avoid_links),
        )
        if values
    }


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def compare_inputs(runs: Sequence[tuple[str, Network, SolveOptions]]) -> pd.DataFrame:
    """Input cells that differ between scenarios (table, row_id, column, one column each).

    Rows present in one scenario only show ``(absent)`` in the others; the run's year and route
    rules are compared as table ``run``. The answer to "did my scenario change what I meant?".
    """
    names = [name for name, _, _ in runs]
    cells = pd.concat([_cells(n, o).rename(name) for name, n, o in runs], axis=1)
    cells = cells.astype(object).where(cells.notna(), _ABSENT)
    differs = cells[cells.nunique(axis=1) > 1]
    rows = differs.index.droplevel("column")
    partial = (
        cells.index.droplevel("column").isin(rows)
        & (cells == _ABSENT).any(axis=1)
        & (cells.index.get_level_values("table") != "run")
    )
    # a row some scenarios lack is one line: what it holds, or (absent)
    whole = cells[partial].groupby(level=["table", "row_id"], sort=False).agg(_row_summary)
    whole.index = pd.MultiIndex.from_tuples(
        [(t, r, "(row)") for t, r in whole.index], names=["table", "row_id", "column"]
    )
    changed = differs[~differs.index.droplevel("column").isin(whole.index.droplevel("column"))]
    return pd.concat([changed, whole]).reset_index()[["table", "row_id", "column", *names]]


def _row_summary(cells: pd.Series) -> str:
    """A row's main cells in one text (node, commodity, year, value and unit; or its name)."""
    values = dict(zip(cells.index.get_level_values("column"), cells, strict=True))
    if all(v == _ABSENT for v in values.values()):
        return _ABSENT
    keys = ("node_id", "commodity", "year", "name", "value", "unit", "capacity", "capacity_unit")
    return " ".join(values[k] for k in keys if values.get(k)) or "present"


def compare_results(
    runs: Sequence[tuple[str, Results]], inputs: pd.DataFrame | None = None
) -> Comparison:
    """Compare solved scenarios (name, results); the first is the reference.

    ``inputs`` (from :func:`compare_inputs`) is added as the table "Inputs that differ".

    Raises
    ------
    ReportError
        With fewer than two runs or repeated names.
    """
    names = [name for name, _ in runs]
    if len(names) < 2:
        raise ReportError("compare needs at least two scenarios")
    if len(set(names)) != len(names):
        raise ReportError(f"scenario names repeat: {names}")
    deliveries = {name: _deliveries(r) for name, r in runs}
    costs = {name: r.costs for name, r in runs}
    transit = {name: r.transit for name, r in runs}
    revenue = {name: r.transit.fillna({"tariff_revenue_usd": 0.0}) for name, r in runs}
    tables = {
        "Totals by commodity": _summary(deliveries, runs, names),
        "Delivered volumes": _side_by_side(
            deliveries, ["node_id", "commodity", "unit", "kind"], "delivered", names
        ),
        "Unmet demand": _unmet(runs, names),
        "Binding links (shadow price)": _binding(runs, names),
        "Link loadings": _links(runs, names),
        "Transit volume by country": _side_by_side(
            transit, ["country", "commodity", "unit"], "volume", names
        ),
        "Transit revenue by country (USD/yr, known tariffs)": _side_by_side(
            revenue, ["country", "commodity"], "tariff_revenue_usd", names
        ),
        "Agreements and their routes": _agreements(runs, names),
        "Value and costs (million USD/yr)": _side_by_side(
            {n: _in_millions(c) for n, c in costs.items()},
            ["item", "commodity", "unit"],
            "value",
            names,
        ),
    }
    if inputs is not None:
        tables = {"Inputs that differ": inputs, **tables}
    return Comparison(tuple(names), tables)


def compare_scenarios(solved: Sequence[tuple[AppliedScenario, Results]]) -> Comparison:
    """Applied scenarios and their results side by side, inputs that differ first."""
    inputs = compare_inputs([(a.name, a.network, a.options) for a, _ in solved])
    return compare_results([(a.name, r) for a, r in solved], inputs)
