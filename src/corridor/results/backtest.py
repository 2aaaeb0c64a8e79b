"""The model against the record: each observation of observations.csv next to the solved value.

How the model side is read, per kind of observation (docs/backtest.md):

- ``link_throughput``: the solved flow on the target link, summed over its directions, from
  :attr:`Results.links` (use in the capacity's unit) when the link carries only the observed
  commodity, else from :attr:`Results.flows` for that commodity; converted to the
  observation's unit with the dataset's conversion factors.
- ``terminal_loading``: what leaves the network at the target node (its world-market deliveries
  and the demand it is served, from :attr:`Results.markets` and :attr:`Results.unmet`), in the
  commodity's unit, converted likewise.

A figure for part of a year (a ``period``) is listed but never compared: the model is annual
and the figure is never annualised.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, commodity_factors
from corridor.errors import UnitError
from corridor.results.extract import Results
from corridor.units import convert

__all__ = [
    "BACKTEST_COLUMNS",
    "TOLERANCE_PERCENT",
    "backtest_summary",
    "compare_observations",
    "observation_years",
]

#: An item is within the record when the model is within this many percent of the observation.
TOLERANCE_PERCENT: Final = 10.0
WITHIN: Final = "within"
OUTSIDE: Final = "outside"
BACKTEST_COLUMNS: Final = (
    "obs_id",
    "year",
    "period",
    "kind",
    "target",
    "commodity",
    "observed",
    "model",
    "unit",
    "error",
    "error_percent",
    "tolerance_percent",
    "verdict",
    "sources",
)


def observation_years(network: Network) -> list[int]:
    """The years the dataset's observations are for, in order."""
    return sorted({int(y) for y in network.observations["year"].dropna()})


def _link_use(results: Results, link: str) -> tuple[float, str] | None:
    """The solved use of ``link`` over its directions, in its capacity's unit."""
    rows = results.links[results.links["link_id"] == link]
    units = rows["unit"].dropna().unique()
    if rows.empty or len(units) != 1:
        return None
    return float(rows["used"].fillna(0.0).sum()), str(units[0])


def _commodity_flow(results: Results, link: str, commodity: str) -> tuple[float, str] | None:
    """The solved flow of one commodity on ``link`` over its directions, in its own unit."""
    rows = results.flows[
        (results.flows["link_id"] == link) & (results.flows["commodity"] == commodity)
    ]
    units = rows["unit"].dropna().unique()
    if len(units) != 1:
        return None
    return float(rows["flow"].sum()), str(units[0])


def link_throughput(
    network: Network, results: Results, link: str, commodity: str, unit: str
) -> float:
    """The model's throughput of ``commodity`` on ``link`` in ``unit`` (0 when the year's
    network has no flow there; NaN when no factor converts it)."""
    carried = network.links.at[link, "commodities"] if link in network.links.index else ()
    only = tuple(carried) == (commodity,)
    found = _link_use(results, link) if only else _commodity_flow(results, link, commodity)
    if found is None:
        return 0.0
    value, given = found
    return _converted(network, value, given, commodity, unit)


def _converted(network: Network, value: float, given: str, commodity: str, unit: str) -> float:
    """``value`` of ``commodity`` from ``given`` into ``unit`` (NaN when no factor converts it)."""
    try:
        factors = commodity_factors(network.conversions, network.commodities, commodity)
        return float(convert(value, given, unit, **factors))
    except (UnitError, ValueError):
        return math.nan


def terminal_loading(
    network: Network, results: Results, node: str, commodity: str, unit: str
) -> float:
    """What leaves the network at ``node`` (world-market deliveries and demand served) of
    ``commodity``, in ``unit`` (0 when nothing arrives there)."""
    total, given = 0.0, None
    for frame in (results.markets, results.unmet):
        rows = frame[(frame["node_id"] == node) & (frame["commodity"] == commodity)]
        total += float(rows["delivered"].sum())
        given = given or next(iter(rows["unit"].dropna()), None)
    if given is None:
        return 0.0
    return _converted(network, total, str(given), commodity, unit)


def _verdict(error_percent: float, period: object) -> str:
    """Within or outside the tolerance; why an item was not compared."""
    if isinstance(period, str) and period:
        return f"not compared: covers {period} only"
    if math.isnan(error_percent):
        return "not compared: no model value"
    return WITHIN if abs(error_percent) <= TOLERANCE_PERCENT else OUTSIDE


def _model_value(network: Network, results: Results, row: Any) -> float:
    """The model side of one observation (NaN for a partial year or an unknown kind)."""
    if isinstance(row.period, str) and row.period:
        return math.nan
    if row.kind == "link_throughput":
        return link_throughput(network, results, row.target, row.commodity, row.unit)
    if row.kind == "terminal_loading":
        return terminal_loading(network, results, row.target, row.commodity, row.unit)
    return math.nan


def compare_observations(network: Network, results: Results) -> pd.DataFrame:
    """The observations of the results' year, each next to the model's value (columns:
    :data:`BACKTEST_COLUMNS`; errors are model minus observed, percent of observed)."""
    obs = network.observations
    obs = obs[obs["year"] == results.year].reset_index()
    model = [_model_value(network, results, row) for row in obs.itertuples()]
    observed = obs["value"].astype("float64").to_numpy()
    error = np.asarray(model, dtype="float64") - observed
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(observed > 0, 100.0 * error / observed, np.nan)
    return pd.DataFrame(
        {
            "obs_id": obs["obs_id"].astype(str),
            "year": obs["year"].astype(int),
            "period": obs["period"].fillna(""),
            "kind": obs["kind"],
            "target": obs["target"],
            "commodity": obs["commodity"],
            "observed": observed,
            "model": model,
            "unit": obs["unit"],
            "error": error,
            "error_percent": percent,
            "tolerance_percent": TOLERANCE_PERCENT,
            "verdict": [_verdict(p, q) for p, q in zip(percent, obs["period"], strict=True)],
            "sources": obs["sources"].map(lambda s: ";".join(s)),
        },
        columns=list(BACKTEST_COLUMNS),
    )


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": None if math.isnan(value) else round(float(value), 6), "unit": unit}


def backtest_summary(table: pd.DataFrame, *, worst: int = 3) -> dict[str, Any]:
    """Items within the tolerance, the median absolute percent error and the worst items,
    as JSON-able data (quantities as ``{value, unit}``)."""
    compared = table[table["verdict"].isin([WITHIN, OUTSIDE])]
    order = compared["error_percent"].abs().sort_values(ascending=False).index
    median = float(compared["error_percent"].abs().median()) if len(compared) else math.nan
    return {
        "years": sorted(int(y) for y in table["year"].unique()),
        "items": len(table),
        "compared": len(compared),
        "within": int((compared["verdict"] == WITHIN).sum()),
        "tolerance": _quantity(TOLERANCE_PERCENT, "%"),
        "median_absolute_error": _quantity(median, "%"),
        "worst": [
            {
                "obs_id": r.obs_id,
                "year": int(r.year),
                "observed": _quantity(r.observed, r.unit),
                "model": _quantity(r.model, r.unit),
                "error": _quantity(r.error_percent, "%"),
            }
            for r in compared.loc[order[:worst]].itertuples()
        ],
    }
