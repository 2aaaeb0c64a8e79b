"""Sweeps of the Caspian simulation (volumes x fleets x handling), run on Dask distributed."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence

import pandas as pd

from corridor.network import Network
from corridor.transit.caspian import caspian_setup, port_volumes
from corridor.transit.crossing import _check_int, _check_number
from corridor.transit.simulate import CrossingParams, simulate

__all__ = ["sweep"]


def _run(params: CrossingParams, years: float, seed: int, warmup_days: float) -> dict[str, float]:
    return simulate(params, years=years, seed=seed, warmup_days=warmup_days).summary()


def sweep(
    network: Network,
    *,
    volumes_mt: Sequence[float],
    ferries: Sequence[int],
    handling: Sequence[float] = (1.0,),
    year: int = 2024,
    years: float = 1.0,
    seeds: Sequence[int] = (0,),
    warmup_days: float = 30.0,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Simulate every combination on a local Dask cluster; one row per (volume, ferries,
    handling, seed) with the simulation's summary. Same seeds = same arrivals and storms in
    every case (common random numbers), so cases compare fairly."""
    from dask.distributed import Client, LocalCluster, as_completed

    _check_int("sweep", "workers", workers, low=1)
    _check_number("sweep", "years", years, low=0.0, strict=True)
    for seed in seeds:
        _check_int("sweep", "seed", seed, low=0)
    flow_volumes = port_volumes(network, year)  # one flow solve for every case
    # the crossing of each (volume, fleet, handling), built and checked before the cluster starts
    setups = {
        (v, n, h): caspian_setup(
            network,
            year=year,
            volume_mt=v,
            ferries=n,
            handling_factor=h,
            flow_volumes_t=flow_volumes,
        ).params
        for v, n, h in itertools.product(volumes_mt, ferries, handling)
    }
    cases = [(*key, s) for key in setups for s in seeds]
    rows: list[dict[str, float]] = []
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
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
