"""The tables of a Monte Carlo run: each batch's draws as long tables, and the summary of
every draw (shortfall per market, criticality per link, cost, convergence)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

from corridor.resilience.draws import Batch
from corridor.resilience.risks import Risks

__all__ = ["BATCH_TABLES", "COST_UNIT", "batch_frames", "summarise"]

#: The tables of a batch, as stored.
BATCH_TABLES: Final = ("draws", "unmet", "links")
#: Draw counts at which convergence is shown (and the run's own count).
CHECKPOINTS: Final = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
COST_UNIT: Final = "USD/yr"
#: Unmet demand is worse than the intact year's when above it by this share.
WORSE: Final = 1e-6


def batch_frames(batch: Batch, risks: Risks, intact: np.ndarray) -> dict[str, pd.DataFrame]:
    """A batch as its three long tables (every draw, every market; links that lost capacity,
    were closed or bound); ``intact`` is the unmet demand per market of the intact year."""
    n = len(batch.cost)
    draw = np.arange(batch.start, batch.start + n, dtype=np.int64)
    links = np.asarray(risks.links, dtype=object)
    touched = (batch.lost > 0) | batch.closed
    out = [";".join(links[row]) for row in touched]
    markets = risks.markets
    k = len(markets)
    shown = touched | batch.binding
    at, link = np.nonzero(shown)
    return {
        "draws": pd.DataFrame(
            {
                "draw": draw,
                "cost_increase": batch.cost,
                "cost_unit": COST_UNIT,
                "shortfall": (batch.unmet > 0).any(axis=1) if k else np.zeros(n, bool),
                "worse": _worse(batch.unmet, intact).any(axis=1) if k else np.zeros(n, bool),
                "links_out": out,
            }
        ),
        "unmet": pd.DataFrame(
            {
                "draw": np.repeat(draw, k),
                "node_id": [m[0] for m in markets] * n,
                "commodity": [m[1] for m in markets] * n,
                "demand": batch.demand.reshape(-1),
                "unmet": batch.unmet.reshape(-1),
                "intact_unmet": np.tile(intact, n),
                "unit": [m[2] for m in markets] * n,
            }
        ),
        "links": pd.DataFrame(
            {
                "draw": draw[at],
                "link_id": links[link].astype(str),
                "capacity_lost": batch.lost[at, link],
                "closed": batch.closed[at, link],
                "binding": batch.binding[at, link],
                "unit": "capacity_lost: share of the year's capacity",
            }
        ),
    }


def _worse(unmet: np.ndarray, intact: np.ndarray) -> np.ndarray:
    """Where unmet demand is above the intact year's (beyond the solver's noise)."""
    return unmet > intact + WORSE * (1.0 + intact)


def _standard_error(values: np.ndarray) -> float:
    n = len(values)
    return float(np.std(values, ddof=1) / math.sqrt(n)) if n > 1 else math.nan


def _shortfall(unmet: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (node, commodity, unit), group in unmet.groupby(
        ["node_id", "commodity", "unit"], sort=True
    ):
        short = group["unmet"].to_numpy(dtype=float)
        intact = group["intact_unmet"].to_numpy(dtype=float)
        p, worse = float(np.mean(short > 0)), float(np.mean(_worse(short, intact)))
        n = len(short)
        rows.append(
            {
                "node_id": node,
                "commodity": commodity,
                "draws": n,
                "demand_mean": float(group["demand"].mean()),
                "intact_unmet": float(intact[0]),
                "unmet_mean": float(short.mean()),
                "unmet_se": _standard_error(short),
                "unmet_p95": float(np.quantile(short, 0.95)),
                "shortfall_probability": p,
                "probability_se": math.sqrt(p * (1 - p) / n),
                "worse_probability": worse,
                "worse_se": math.sqrt(worse * (1 - worse) / n),
                "unit": unit,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values(
        ["shortfall_probability", "unmet_mean", "node_id"],
        ascending=[False, False, True],
        ignore_index=True,
    )


def _worse_rows(
    links: pd.DataFrame, unmet: pd.DataFrame, carried: dict[str, tuple[str, ...]]
) -> np.ndarray:
    """Which rows of ``links`` are in a draw where a commodity the link carries has unmet
    demand worse than the intact year's."""
    worse = _worse(unmet["unmet"].to_numpy(), unmet["intact_unmet"].to_numpy())
    pairs = unmet.loc[worse, ["draw", "commodity"]].astype({"commodity": str}).drop_duplicates()
    carries = pd.DataFrame(
        [(link, c) for link, commodities in carried.items() for c in commodities],
        columns=["link_id", "commodity"],
    )
    rows = (
        links[["draw", "link_id"]]
        .astype({"link_id": str})
        .reset_index(names="row")
        .merge(carries, on="link_id")
        .merge(pairs, on=["draw", "commodity"])
    )
    found = np.zeros(len(links), dtype=bool)
    found[rows["row"].to_numpy(dtype=np.int64)] = True
    return found


def _criticality(
    links: pd.DataFrame, unmet: pd.DataFrame, n: int, carried: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """Per link: how often its loss left demand short (its criticality index: it lost
    capacity, what was left ran full or nothing was, and unmet demand of a commodity it
    carries was worse than the intact year's), how often it lost capacity, how often it bound."""
    links = links.reset_index(drop=True)
    worse = _worse_rows(links, unmet, carried)
    out = (links["capacity_lost"] > 0) | links["closed"]
    critical = ((links["capacity_lost"] > 0) & links["binding"] | links["closed"]) & worse
    table = (
        links.assign(out=out, critical=critical)
        .groupby("link_id", sort=True)
        .agg(
            out=("out", "sum"),
            critical=("critical", "sum"),
            binding=("binding", "sum"),
            lost=("capacity_lost", "sum"),
        )
    )
    frame = pd.DataFrame(
        {
            "link_id": table.index.astype(str),
            "criticality_index": table["critical"].to_numpy() / n,
            "out_share": table["out"].to_numpy() / n,
            "capacity_lost_mean": table["lost"].to_numpy() / n,
            "binding_share": table["binding"].to_numpy() / n,
            "unit": "share of draws",
        }
    )
    return frame.sort_values(
        ["criticality_index", "binding_share", "link_id"],
        ascending=[False, False, True],
        ignore_index=True,
    )


def _cost(draws: pd.DataFrame) -> pd.DataFrame:
    cost = draws["cost_increase"].to_numpy(dtype=float)
    stats = {
        "mean": float(cost.mean()),
        "standard_error": _standard_error(cost),
        "standard_deviation": float(np.std(cost, ddof=1)) if len(cost) > 1 else math.nan,
        "p5": float(np.quantile(cost, 0.05)),
        "p50": float(np.quantile(cost, 0.5)),
        "p95": float(np.quantile(cost, 0.95)),
    }
    return pd.DataFrame(
        {"statistic": list(stats), "cost_increase": list(stats.values()), "unit": COST_UNIT}
    )


def _estimates(group: pd.DataFrame, count: int) -> list[tuple[str, int, float, float, str]]:
    """A market's shortfall probability and unmet mean after ``count`` draws, with their
    standard errors."""
    short = group["unmet"].to_numpy(dtype=float)
    p = float(np.mean(short > 0))
    unit = str(group["unit"].iloc[0])
    return [
        ("shortfall_probability", count, p, math.sqrt(p * (1 - p) / count), "probability"),
        ("unmet_mean", count, float(short.mean()), _standard_error(short), unit),
    ]


def _convergence(unmet: pd.DataFrame, draws: pd.DataFrame) -> pd.DataFrame:
    """Each estimate after 100, 200, 500, ... draws and after all of them."""
    n = len(draws)
    rows = []
    for count in [c for c in CHECKPOINTS if c < n] + [n]:
        first = unmet[unmet["draw"] < count]
        for (node, commodity), group in first.groupby(["node_id", "commodity"], sort=True):
            rows += [(e, node, commodity, *rest) for e, *rest in _estimates(group, count)]
        cost = draws["cost_increase"].to_numpy(dtype=float)[:count]
        rows.append(
            (
                "cost_increase_mean",
                "",
                "",
                count,
                float(cost.mean()),
                _standard_error(cost),
                COST_UNIT,
            )
        )
    columns = ["estimate", "node_id", "commodity", "draws", "value", "standard_error", "unit"]
    return pd.DataFrame(rows, columns=columns)


def summarise(
    frames: dict[str, pd.DataFrame], carried: dict[str, tuple[str, ...]]
) -> dict[str, pd.DataFrame]:
    """The summary tables of every draw's tables (``carried``: each link's commodities)."""
    draws, unmet, links = (frames[t] for t in BATCH_TABLES)
    return {
        "shortfall": _shortfall(unmet),
        "criticality": _criticality(links, unmet, len(draws), carried),
        "cost": _cost(draws),
        "convergence": _convergence(unmet, draws),
    }
