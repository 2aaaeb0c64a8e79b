"""Where draws run: in this process, on local worker processes, or on a Dask cluster.

Every way runs the same batches (:meth:`~corridor.resilience.draws.Drawer.batch`) and hands
each finished one to ``done`` in this process, so what is stored does not depend on where
or in which order batches ran. On Dask a batch whose worker dies is run again elsewhere; its
result reaches ``done`` once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Final

from corridor.errors import CorridorError, OptionError, SolveError
from corridor.resilience.draws import Batch, Job, drawer_for

__all__ = ["local_workers", "run_batches"]

#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT_S: Final = 5
#: How often Dask may retry a batch whose workers died.
RETRIES: Final = 3

Spans = Sequence[tuple[int, int]]
Done = Callable[[Batch], None]


def local_workers() -> int:
    """Worker processes of a local run: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _batch(job: Job, start: int, stop: int) -> Batch:
    return drawer_for(job).batch(start, stop)


_JOB: list[Job] = []  # the job of a local worker process (set by its initializer)


def _init_worker(job: Job) -> None:
    _JOB[:] = [job]
    drawer_for(job)


def _local_batch(start: int, stop: int) -> Batch:
    return _batch(_JOB[0], start, stop)


def _in_process(job: Job, spans: Spans, done: Done) -> None:
    for start, stop in spans:
        done(_batch(job, start, stop))


def _on_processes(job: Job, spans: Spans, done: Done, workers: int) -> None:
    context = multiprocessing.get_context("spawn")  # no forked copy of a HiGHS instance
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(job,)
    ) as pool:
        futures = [pool.submit(_local_batch, start, stop) for start, stop in spans]
        try:
            for future in as_completed(futures):
                done(future.result())
        except BrokenProcessPool as err:
            raise SolveError(
                f"a local worker process died ({err}); with --out the finished batches are "
                "stored, and the same command with --resume makes the rest"
            ) from err


def _client(address: str) -> Any:
    """A client of the Dask scheduler at ``address``, or a clear error."""
    try:
        from dask.distributed import Client
    except ImportError as err:
        raise OptionError(
            [
                f"--scheduler {address}: Dask distributed is not installed (pip install "
                "'corridor[dask]')"
            ]
        ) from err
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as err:
        raise OptionError(
            [
                f"--scheduler {address}: no Dask scheduler answered within {CONNECT_TIMEOUT_S} s "
                f"({type(err).__name__}: {err}); start one with `dask scheduler` and give its "
                "address, e.g. tcp://127.0.0.1:8786"
            ]
        ) from err


def _dask_result(future: Any, address: str) -> Batch:
    """A finished batch, or a clear error when the cluster could not make it (a worker
    without corridor, or batches that failed on every worker tried)."""
    try:
        batch: Batch = future.result()
    except CorridorError:
        raise
    except Exception as err:
        raise SolveError(
            f"--scheduler {address}: the cluster could not make the draws of {future.key} "
            f"({type(err).__name__}: {err}); every worker needs corridor installed; with --out "
            "the finished batches are stored, and --resume makes the rest"
        ) from err
    return batch


def _on_dask(job: Job, spans: Spans, done: Done, address: str) -> None:
    from dask.distributed import as_completed as dask_completed

    client = _client(address)
    try:
        shared = client.scatter(job, broadcast=True, hash=False)
        futures = [
            client.submit(
                _batch,
                shared,
                start,
                stop,
                key=f"corridor-draws-{job.key}-{start}",
                retries=RETRIES,
                pure=False,
            )
            for start, stop in spans
        ]
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]
            done(_dask_result(future, address))
    finally:
        client.close()


def run_batches(
    job: Job, spans: Spans, done: Done, *, workers: int, scheduler: str | None = None
) -> None:
    """Run the draws of each ``(start, stop)`` span and give every finished batch to ``done``:
    on the Dask cluster at ``scheduler``, else on ``workers`` local processes (1: here)."""
    if not spans:
        return
    if scheduler is not None:
        _on_dask(job, spans, done, scheduler)
    elif workers == 1 or len(spans) == 1:
        _in_process(job, spans, done)
    else:
        _on_processes(job, spans, done, min(workers, len(spans)))
