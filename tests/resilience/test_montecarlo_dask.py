"""Monte Carlo on a real Dask cluster (issue 14 §3): a `dask scheduler` and two `dask worker`
processes on 127.0.0.1 run the draws and give the same bytes as one local process, also when
a worker is killed in the middle of the run."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor.options import SolveOptions
from corridor.resilience import monte_carlo
from tests.conftest import shipped_network
from tests.resilience.test_montecarlo import _assert_same_files

pytestmark = pytest.mark.dask
DASK = str(Path(sys.executable).parent / "dask")
OPTS = SolveOptions(year=2024)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [DASK, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: a kill takes nanny and worker
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def cluster() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and two single-threaded workers; their address and the worker processes."""
    from dask.distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    scheduler = _start(
        "scheduler", "--host", "127.0.0.1", "--port", port, "--dashboard-address", ":0"
    )
    workers = [
        _start("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard")
        for _ in range(2)
    ]
    try:
        with Client(address, timeout=60) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            _stop(process)


def test_a_cluster_gives_the_bytes_of_one_process_though_a_worker_dies(
    cluster: tuple[str, list[subprocess.Popen[bytes]]], tmp_path: Path
) -> None:
    address, workers = cluster
    net = shipped_network()
    killed: list[int] = []

    def kill_one_worker(done: int, total: int) -> None:
        if done >= 250 and not killed:  # the first batch is in: the run is under way
            _stop(workers[0])
            killed.append(done)

    on_dask = monte_carlo(
        net,
        options=OPTS,
        draws=3000,
        seed=4,
        out=tmp_path / "dask",
        scheduler=address,
        progress=kill_one_worker,
    )
    assert killed and killed[0] < 3000
    assert on_dask.draws["draw"].tolist() == list(range(3000))  # none lost, none twice
    monte_carlo(net, options=OPTS, draws=3000, seed=4, out=tmp_path / "here", workers=1)
    _assert_same_files(tmp_path / "dask", tmp_path / "here")
