"""Sweeps of the Caspian simulation (volumes x fleets x handling), run on Dask distributed."""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Sequence
from typing import Final

import pandas as pd

from corridor.dataset.network import Network
from corridor.errors import ParameterError
from corridor.results import Results
from corridor.transit.caspian import FERRIES, HANDLING_FACTOR, VOLUME_MT, caspian_setup
from corridor.transit.crossing import Limit
from corridor.transit.simulate import SEED, WARMUP_DAYS, YEARS, CrossingParams, check_run, simulate

__all__ = ["MAX_CASES", "WORKERS", "sweep"]

#: Dask worker processes: each takes a core and a few hundred MB.
WORKERS: Final = Limit(1, 64, integer=True)
#: Most cases (volumes x fleets x handling factors x seeds) in one sweep.
MAX_CASES: Final = 10_000


def _run(params: CrossingParams, years: float, seed: int, warmup_days: float) -> dict[str, float]:
    return simulate(params, years=years, seed=seed, warmup_days=warmup_days).summary()


def _check_values(name: str, values: Sequence[object], limit: Limit) -> None:
    """At least one value, each within ``limit``."""
    if len(values) == 0:
        raise ParameterError(f"sweep.{name} must hold at least one value, got none")
    for i, value in enumerate(values):
        limit.check("sweep", f"{name}[{i}]", value)


def _check_sweep(
    volumes_mt: Sequence[float],
    ferries: Sequence[int],
    handling: Sequence[float],
    seeds: Sequence[int],
    *,
    years: float,
    warmup_days: float,
    workers: int,
) -> None:
    """Every setting in range and not more than MAX_CASES cases, before any work starts."""
    WORKERS.check("sweep", "workers", workers)
    YEARS.check("sweep", "years", years)
    WARMUP_DAYS.check("sweep", "warmup_days", warmup_days)
    lists: dict[str, tuple[Sequence[object], Limit]] = {
        "volumes_mt": (volumes_mt, VOLUME_MT),
        "ferries": (ferries, FERRIES),
        "handling": (handling, HANDLING_FACTOR),
        "seeds": (seeds, SEED),
    }
    for name, (values, limit) in lists.items():
        _check_values(name, values, limit)
    counts = [len(values) for values, _ in lists.values()]
    if math.prod(counts) > MAX_CASES:
        raise ParameterError(
            f"sweep: {' x '.join(map(str, counts))} values of volumes_mt, ferries, handling and "
            f"seeds make {math.prod(counts):,} cases; at most {MAX_CASES:,} are run at once"
        )


def sweep(
    network: Network,
    results: Results,
    *,
    volumes_mt: Sequence[float],
    ferries: Sequence[int],
    handling: Sequence[float] = (1.0,),
    years: float = 1.0,
    seeds: Sequence[int] = (0,),
    warmup_days: float = 30.0,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Simulate every combination on a local Dask cluster; one row per (volume, ferries,
    handling, seed) with the simulation's summary. Same seeds = same arrivals and storms in
    every case (common random numbers), so cases compare fairly.

    Raises
    ------
    ParameterError
        Before any work starts, if a list is empty, a value is out of its range (those of
        :func:`~corridor.transit.caspian.caspian_setup` and
        :func:`~corridor.transit.simulate.simulate`; :data:`WORKERS`), there are more than
        :data:`MAX_CASES` cases, or a case would not fit in memory.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    _check_sweep(
        volumes_mt,
        ferries,
        handling,
        seeds,
        years=years,
        warmup_days=warmup_days,
        workers=workers,
    )
    # the crossing of each (volume, fleet, handling), built and checked before the cluster starts
    setups = {
        (v, n, h): caspian_setup(network, results, volume_mt=v, ferries=n, handling_factor=h).params
        for v, n, h in itertools.product(volumes_mt, ferries, handling)
    }
    for params in setups.values():  # each case fits in memory
        check_run(params, years=years, seed=seeds[0], warmup_days=warmup_days)
    cases = [(*key, s) for key in setups for s in seeds]
    rows: list[dict[str, float]] = []
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: 8787 may be taken
            silence_logs=logging.WARNING,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        futures = {
            client.submit(_run, setups[(v, n, h)], years, s, warmup_days, pure=False): (v, n, h, s)
            for v, n, h, s in cases
        }
        for done, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
            v, n, h, s = futures[future]
            rows.append({"volume_mt": v, "ferries": n, "handling": h, "seed": s, **future.result()})
            if progress is not None:
                progress(done, len(cases))
    order = ["volume_mt", "ferries", "handling", "seed"]
    return pd.DataFrame(rows).sort_values(order).reset_index(drop=True)
