"""What a solve derives from the network alone is computed once per network, never stored on
the frozen Network, and never keeps a network alive."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import pickle
import weakref

import pandas as pd

import corridor
from corridor.dataset.network import Network
from corridor.results.extract import PerNetwork
from tests.conftest import TINY


def _csv_hash(network: Network) -> str:
    digest = hashlib.sha256()
    for name, frame in network.tables.items():
        digest.update(name.encode())
        digest.update(frame.to_csv().encode())
    return digest.hexdigest()[:16]


def test_the_input_hash_is_of_the_tables_and_a_changed_network_gets_its_own() -> None:
    network = corridor.load(TINY)
    first = corridor.solve(network, year=2023).provenance["input_hash"]
    again = corridor.solve(network, year=2023).provenance["input_hash"]
    assert first == again == _csv_hash(network)
    links = network.links.assign(capacity_canonical=network.links["capacity_canonical"] * 2)
    changed = network.replace(links=links)
    assert corridor.solve(changed, year=2023).provenance["input_hash"] == _csv_hash(changed)
    assert _csv_hash(changed) != first


def test_a_solve_adds_nothing_to_the_network() -> None:
    network = corridor.load(TINY)
    attributes = set(vars(network))
    corridor.solve(network, year=2023)
    assert set(vars(network)) == attributes
    # the build's compiled arrays are the only entry of the network's own cache (if any)
    assert set(getattr(network, "cache", {})) <= {"compiled"}


def test_values_per_network_go_with_their_network() -> None:
    calls: list[int] = []

    def count_nodes(network: Network) -> int:
        calls.append(1)
        return len(network.nodes)

    derived = PerNetwork(count_nodes)
    network = corridor.load(TINY)
    assert derived(network) == derived(network) == len(network.nodes)
    assert len(calls) == 1  # computed once
    copy = dataclasses.replace(network)
    derived(copy)
    assert len(calls) == 2  # a new Network object is a new network
    gone = weakref.ref(network)
    del network
    gc.collect()
    assert gone() is None


def test_solving_keeps_no_network_alive() -> None:
    network = corridor.load(TINY)
    corridor.solve(network, year=2023)
    gone = weakref.ref(network)
    del network
    gc.collect()
    assert gone() is None


def test_results_pickle_and_replace_with_every_table() -> None:
    results = corridor.solve(corridor.load(TINY), year=2023)
    copy = pickle.loads(pickle.dumps(results))
    marked = dataclasses.replace(copy, provenance={"run": "test"})
    assert marked.provenance == {"run": "test"}
    for field in dataclasses.fields(results):
        value = getattr(results, field.name)
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(getattr(marked, field.name), value)
