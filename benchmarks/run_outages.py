"""Outage (N-1) benchmark: outages solved per second by the warm, results-light loop of
`corridor resilience outages`, against rebuilding the model for every outage (corridor) and
against PyPSA rebuilding the same LP.

Run on demand (not a test):

    .venv/bin/python benchmarks/run_outages.py [--nodes 100] [--commodities 3] [--outages 40]
        [--into docs/benchmarks.md]

On a synthetic instance (benchmarks/synthetic.py) the first ``--outages`` links fail in turn:
- warm: ``outage_criticality`` on one held model (its intact solve included);
- corridor rebuild: ``corridor.solve`` with the link avoided (a new LP, its solve and every
  results table, each outage);
- PyPSA rebuild: the same LP built by PyPSA with the link's capacity 0 and solved by HiGHS
  (no post-processing), each outage (benchmarks/peers.py).
On the shipped network of 2024: every link and infrastructure node warm, against
``corridor.solve`` with the outage's links avoided for each. Times are the median of 3 rounds.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

from peers import PENALTIES, run_pypsa  # noqa: E402
from sections import replace_section  # noqa: E402
from synthetic import make_instance, to_network  # noqa: E402

import corridor  # noqa: E402
from corridor.options import RouteRules, SolveOptions  # noqa: E402
from corridor.resilience import link_outages, node_outages, outage_criticality  # noqa: E402

SECTION = "## Outages: the warm loop against rebuilding"


def _median(fn, rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic(n_nodes: int, n_commodities: int, n_outages: int) -> dict[str, float]:
    """Seconds per outage of each way on one synthetic instance."""
    inst = make_instance(n_nodes, n_commodities, seed=0)
    net = to_network(inst)
    opts = SolveOptions(year=2024, unmet_penalty=PENALTIES)
    links = list(net.links.index[:n_outages])
    outages = link_outages(net, links)
    outage_criticality(net, options=opts, outages=outages[:2])  # compile and build once
    warm = _median(lambda: outage_criticality(net, options=opts, outages=outages))

    def rebuild() -> None:
        for link in links:
            corridor.solve(net, options=dataclasses.replace(
                opts, rules=RouteRules(avoid_links=frozenset({link}))
            ))  # fmt: skip

    def pypsa() -> None:
        for a in range(n_outages):
            capacity = inst.capacity.copy()
            capacity[a] = 0.0
            run_pypsa(dataclasses.replace(inst, capacity=capacity))

    return {
        "arcs": float(len(inst.tail)),
        "warm": warm / n_outages,
        "rebuild": _median(rebuild, 1) / n_outages,
        "pypsa": _median(pypsa, 1) / n_outages,
    }


def shipped() -> dict[str, float]:
    """Seconds per outage on the shipped network (2024), warm and rebuilt."""
    net = corridor.load()
    opts = SolveOptions(year=2024)
    outages = [*link_outages(net), *node_outages(net)]
    outage_criticality(net, options=opts, outages=outages[:2])
    warm = _median(lambda: outage_criticality(net, options=opts, outages=outages))

    def rebuild() -> None:
        for o in outages:
            corridor.solve(net, options=dataclasses.replace(
                opts, rules=RouteRules(avoid_links=frozenset(o.links))
            ))  # fmt: skip

    n = len(outages)
    return {"n": float(n), "warm": warm / n, "rebuild": _median(rebuild, 1) / n}


def render(syn: dict[str, float], ship: dict[str, float], args: argparse.Namespace) -> str:
    def rate(seconds: float) -> str:
        return f"{1 / seconds:,.0f}"

    return "\n".join(
        [
            SECTION,
            "",
            f"`.venv/bin/python benchmarks/run_outages.py --nodes {args.nodes} --commodities "
            f"{args.commodities} --outages {args.outages}` on this machine (2 cores). Outages "
            "per second (each outage: the model changed, solved and compared with the intact "
            "solve); ratios compare the same outages.",
            "",
            "| network | way | outages/s | ms per outage | warm is faster by |",
            "|---|---|---|---|---|",
            f"| shipped 2024 ({ship['n']:.0f} outages) | warm, results-light | "
            f"{rate(ship['warm'])} | {1000 * ship['warm']:.1f} | |",
            f"| shipped 2024 | corridor.solve rebuilt per outage | {rate(ship['rebuild'])} | "
            f"{1000 * ship['rebuild']:.1f} | {ship['rebuild'] / ship['warm']:.1f}× |",
            f"| synthetic, {args.nodes} nodes, {args.commodities} commodities, "
            f"{syn['arcs']:.0f} arcs ({args.outages} outages) | warm, results-light | "
            f"{rate(syn['warm'])} | {1000 * syn['warm']:.1f} | |",
            f"| synthetic | corridor.solve rebuilt per outage | {rate(syn['rebuild'])} | "
            f"{1000 * syn['rebuild']:.1f} | {syn['rebuild'] / syn['warm']:.1f}× |",
            f"| synthetic | PyPSA rebuilt per outage (no post-processing) | "
            f"{rate(syn['pypsa'])} | {1000 * syn['pypsa']:.1f} | "
            f"{syn['pypsa'] / syn['warm']:.1f}× |",
            "",
            "The warm loop changes bounds in the HiGHS instance it holds and reads deliveries, "
            "flows, agreement volumes and the USD objective straight from the solution; the "
            "rebuilds pay the LP's construction (and corridor's result tables, or PyPSA's "
            "network and linopy model) for every outage.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--commodities", type=int, default=3)
    parser.add_argument("--outages", type=int, default=40)
    parser.add_argument("--into", type=Path, help="Replace this section of a Markdown file.")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    syn = synthetic(args.nodes, args.commodities, args.outages)
    ship = shipped()
    section = render(syn, ship, args)
    print(section)
    if args.into:
        replace_section(args.into, SECTION, section)


if __name__ == "__main__":
    main()
