"""Monte Carlo benchmark: draws per second of `corridor resilience monte-carlo`'s warm,
results-light loop, against rebuilding the model for every draw (corridor) and against PyPSA
rebuilding the same LP.

Run on demand (not a test):

    .venv/bin/python benchmarks/run_montecarlo.py [--draws 10000] [--nodes 100]
        [--commodities 3] [--into docs/benchmarks.md]

- Shipped network, 2024: ``monte_carlo`` with ``--draws`` draws on every core and on one
  process (the run's start, its intact solve and its summary tables included), against
  rebuilding the LP from the data, loading it into a new HiGHS and solving it for each draw
  (200 draws, the same bounds set).
- The CLI: ``corridor resilience monte-carlo --draws 2000`` against ten ``corridor solve``
  runs (wall time of the processes, start-up included).
- Synthetic network (benchmarks/synthetic.py): every link's capacity drawn within +-20 %; the
  warm loop makes the draws, PyPSA builds and solves the same LP with the same capacities for
  each (no post-processing, benchmarks/peers.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

from peers import PENALTIES, run_pypsa  # noqa: E402
from sections import replace_section  # noqa: E402
from synthetic import make_instance, to_network  # noqa: E402

import corridor  # noqa: E402
from corridor.optimize.build import build_model  # noqa: E402
from corridor.optimize.solve import FlowModel  # noqa: E402
from corridor.options import SolveOptions  # noqa: E402
from corridor.resilience import monte_carlo  # noqa: E402
from corridor.resilience.draws import Drawer, Job  # noqa: E402
from corridor.resilience.risks import Ranges, draw_bounds  # noqa: E402

SECTION = "## Monte Carlo: draws per second"
CLI = str(Path(sys.executable).parent / "corridor")
REBUILT = 200
PYPSA_DRAWS = 10


def _seconds(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def shipped(draws: int) -> dict[str, float]:
    """Seconds per draw on the shipped network: warm on every core and on one, rebuilt."""
    net = corridor.load()
    opts = SolveOptions(year=2024)
    every = _seconds(lambda: monte_carlo(net, options=opts, draws=draws, seed=1))
    one = _seconds(lambda: monte_carlo(net, options=opts, draws=draws, seed=1, workers=1))
    drawer = Drawer(Job(net, opts, 1, 1.0))
    risks = drawer.risks

    def rebuild() -> None:
        for i in range(REBUILT):
            model = FlowModel(build_model(net, opts))
            bounds = draw_bounds(risks, 1, i)
            model.set_bounds(risks.cap_rows, bounds.row_upper, drawer.cols, bounds.col_upper)
            model.solve_flows()

    rebuilt = _seconds(rebuild) / REBUILT
    return {"draws": draws, "every": every / draws, "one": one / draws, "rebuilt": rebuilt}


def cli() -> dict[str, float]:
    """Wall seconds of 2,000 draws by the CLI and of ten `corridor solve` runs."""

    def run(*args: str) -> None:
        subprocess.run([CLI, *args], check=True, capture_output=True)

    draws = _seconds(lambda: run("resilience", "monte-carlo", "--draws", "2000", "-y", "2024"))
    solves = _seconds(lambda: [run("solve", "--year", "2024") for _ in range(10)])
    return {"draws": draws, "solves": solves}


def synthetic(n_nodes: int, n_commodities: int, draws: int) -> dict[str, float]:
    """Seconds per draw on a synthetic network: warm loop and PyPSA rebuilds, same capacities."""
    inst = make_instance(n_nodes, n_commodities, seed=0)
    net = to_network(inst)
    opts = SolveOptions(year=2024, unmet_penalty=PENALTIES)
    drawer = Drawer(Job(net, opts, 7, 1.0))
    n = len(drawer.risks.links)
    ones = np.ones(n)
    drawer.risks = dataclasses.replace(
        drawer.risks, capacity=Ranges(0.8 * ones, ones, 1.2 * ones), capacity_group=np.arange(n)
    )
    warm = _seconds(lambda: drawer.batch(0, draws)) / draws
    position = {link: i for i, link in enumerate(drawer.risks.links)}
    order = np.array([position[f"L{a}"] for a in range(len(inst.tail))])

    def pypsa() -> None:
        for i in range(PYPSA_DRAWS):
            u = np.random.default_rng([7, i]).random(n)  # the draw's first numbers: capacities
            factor = drawer.risks.capacity.at(u)[order]
            run_pypsa(dataclasses.replace(inst, capacity=inst.capacity * factor))

    return {
        "arcs": float(len(inst.tail)),
        "warm": warm,
        "pypsa": _seconds(pypsa) / PYPSA_DRAWS,
    }


def render(ship: dict[str, float], line: dict[str, float], syn: dict[str, float],
           args: argparse.Namespace) -> str:  # fmt: skip
    def rate(seconds: float) -> str:
        return f"{1 / seconds:,.0f}"

    return "\n".join(
        [
            SECTION,
            "",
            f"`.venv/bin/python benchmarks/run_montecarlo.py --draws {args.draws} --nodes "
            f"{args.nodes} --commodities {args.commodities}` on this machine (2 cores). Draws "
            "per second (each draw: its bounds drawn and set, the LP re-solved, unmet demand, "
            "binding links and cost read); ratios compare the same draws.",
            "",
            "| network | way | draws/s | ms per draw | warm is faster by |",
            "|---|---|---|---|---|",
            f"| shipped 2024 ({ship['draws']:,.0f} draws) | warm, every core (the whole run: "
            f"{ship['every'] * ship['draws']:.1f} s) | {rate(ship['every'])} | "
            f"{1000 * ship['every']:.2f} | |",
            f"| shipped 2024 | warm, one process ({ship['one'] * ship['draws']:.1f} s) | "
            f"{rate(ship['one'])} | {1000 * ship['one']:.2f} | |",
            f"| shipped 2024 | LP rebuilt, loaded and solved per draw | {rate(ship['rebuilt'])} "
            f"| {1000 * ship['rebuilt']:.2f} | {ship['rebuilt'] / ship['one']:.1f}× (one "
            "process) |",
            f"| synthetic, {args.nodes} nodes, {args.commodities} commodities, "
            f"{syn['arcs']:.0f} arcs | warm, one process | {rate(syn['warm'])} | "
            f"{1000 * syn['warm']:.2f} | |",
            f"| synthetic | PyPSA rebuilt per draw (no post-processing) | {rate(syn['pypsa'])} "
            f"| {1000 * syn['pypsa']:.1f} | {syn['pypsa'] / syn['warm']:.0f}× |",
            "",
            f"The CLI: `corridor resilience monte-carlo --draws 2000 -y 2024` took "
            f"{line['draws']:.1f} s; ten `corridor solve --year 2024` runs took "
            f"{line['solves']:.1f} s (wall time, process start-up included).",
            "",
            "A draw clears HiGHS's state and starts from the intact basis (so that the same "
            "draw gives the same flows on any worker), solves only the priority stage (the "
            "flows; the USD duals are not needed) and reads a few vectors from the solution.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--commodities", type=int, default=3)
    parser.add_argument("--into", type=Path, help="Replace this section of a Markdown file.")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    ship = shipped(args.draws)
    line = cli()
    syn = synthetic(args.nodes, args.commodities, 1000)
    section = render(ship, line, syn, args)
    print(section)
    if args.into:
        replace_section(args.into, SECTION, section)


if __name__ == "__main__":
    main()
