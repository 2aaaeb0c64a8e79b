"""Flow-engine benchmark: corridor against the highspy floor, linopy and PyPSA.

Run on demand (not a test):

    .venv/bin/pip install linopy pypsa      # the peers (not corridor dependencies)
    .venv/bin/python benchmarks/run_flow.py [--quick] [--out docs/benchmarks.md]

Every measurement runs in a fresh process (peak memory = that process's max RSS, including the
Python interpreter and imports) and is the median of --repeat runs. Instances are seeded.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
import warnings; warnings.simplefilter("ignore")
from synthetic import make_instance
import peers
inst = make_instance({n}, {k}, seed={seed})
tool, method = {tool!r}, {method!r}
if tool == "warm":
    from corridor.optimize import FlowModel, SolveOptions, build_model
    from synthetic import to_network
    import numpy as np
    net = to_network(inst)
    opts = SolveOptions(year=2024, unmet_penalty=peers.PENALTIES)
    model = FlowModel(build_model(net, opts)); model.solve()
    rng = np.random.default_rng(1)
    changed = rng.choice(len(inst.tail), max(1, len(inst.tail) // 100), replace=False)
    new_caps = inst.capacity[changed] * rng.uniform(0.3, 0.9, len(changed))
    t0 = time.perf_counter()
    model.set_link_capacities({{f"L{{i}}": float(c) for i, c in zip(changed, new_caps)}})
    sol = model.solve()
    warm = time.perf_counter() - t0
    caps = inst.capacity.copy(); caps[changed] = new_caps
    cold_net = net.replace(links=net.links.assign(capacity_canonical=caps))
    t0 = time.perf_counter()
    cold = FlowModel(build_model(cold_net, opts)).solve()
    cold_s = time.perf_counter() - t0
    result = (warm, cold_s, sol.objective, cold.objective)
else:
    fn = getattr(peers, "run_" + tool)
    result = fn(inst, method) if tool in ("corridor", "floor") else fn(inst)
print(json.dumps({{"result": [float(r) for r in result],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


_FOURTH = {"warm": "cold_objective", "corridor": "compile"}  # a run's 4th result, by tool


def measure(
    tool: str, n: int, k: int, *, method: str = "simplex", seed: int = 0, timeout: float = 1500
) -> dict[str, float] | None:
    code = CHILD.format(here=str(HERE), n=n, k=k, seed=seed, tool=tool, method=method)
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as err:
        print(f"  {tool} n={n} k={k}: failed ({type(err).__name__})", file=sys.stderr)
        return None
    payload = json.loads(out.stdout.strip().splitlines()[-1])
    r = payload["result"]
    return {
        "a": r[0],
        "b": r[1],
        "objective": r[2],
        "rss_mb": payload["rss_mb"],
        **({_FOURTH[tool]: r[3]} if len(r) > 3 else {}),
    }


def median_of(tool: str, n: int, k: int, repeat: int, **kw: object) -> dict[str, float] | None:
    runs = [m for _ in range(repeat) if (m := measure(tool, n, k, **kw)) is not None]  # type: ignore[arg-type]
    if not runs:
        return None
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller grid, one repeat")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    sizes = [250, 2500] if args.quick else [250, 2500, 25000]
    peers_by_size = {250: ["linopy", "pypsa"], 2500: ["linopy", "pypsa"], 25000: []}
    rows = []
    methods: dict[tuple[int, int, str], dict[str, float] | None] = {}
    for n in sizes:
        for k in (1, 3, 10):
            entry: dict[str, object] = {"n": n, "k": k}
            for tool in ["floor", "corridor", *peers_by_size[n]]:
                if tool == "pypsa" and (k == 10 or (n == 2500 and k == 3 and args.quick)):
                    continue  # PyPSA takes ~150 s at 10,000 links x 3; x 10 is left out
                # one run where a run takes minutes (PyPSA, 100,000 links)
                reps = 1 if tool == "pypsa" or n == 25000 else repeat
                m = median_of(tool, n, k, reps)
                entry[tool] = m
                if m:
                    print(
                        f"n={n} k={k} {tool}: build {m['a']:.3f} s, solve {m['b']:.3f} s, "
                        f"total {m['a'] + m['b']:.3f} s, {m['rss_mb']:.0f} MB, "
                        f"objective {m['objective']:.6g}",
                        flush=True,
                    )
            entry["warm"] = median_of("warm", n, k, 1 if n == 25000 else repeat)
            if entry["warm"]:
                w = entry["warm"]
                print(
                    f"n={n} k={k} warm re-solve {w['a']:.3f} s vs cold build+solve {w['b']:.3f} s",
                    flush=True,
                )
            rows.append(entry)
            # where the solve dominates, compare HiGHS's methods (PDLP only at 10,000 links:
            # it is 20x slower than simplex there)
            if k > 1 and n >= 2500:
                corridor_run = entry.get("corridor")
                methods[(n, k, "simplex")] = corridor_run  # type: ignore[assignment]
                # a method is stopped once it takes 3x simplex's time (at least 60 s)
                limit = max(60.0, 3 * corridor_run["b"]) if corridor_run else 1500.0  # type: ignore[index]
                for method in ("ipm", "pdlp") if n == 2500 else ("ipm",):
                    m = median_of("corridor", n, k, 1, method=method, timeout=limit)
                    methods[(n, k, method)] = m or {"stopped_after": limit}
                    if m:
                        print(f"method {method} n={n} k={k}: solve {m['b']:.3f} s", flush=True)
    report = render(rows, methods)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    print(report)


def _fmt(m: dict[str, float] | None) -> str:
    return (
        "—"
        if not m
        else f"{m['a'] + m['b']:.3f} s ({m['a']:.3f} + {m['b']:.3f}), {m['rss_mb']:.0f} MB"
    )


def render(
    rows: list[dict[str, object]], methods: dict[tuple[int, int, str], dict[str, float] | None]
) -> str:
    lines = [
        "# Flow-engine benchmark",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        f"{resource.getpagesize()} B pages; run {time.strftime('%Y-%m-%d')}.",
        "",
        "Command: `.venv/bin/python benchmarks/run_flow.py --out docs/benchmarks.md` (peers: "
        "`.venv/bin/pip install linopy pypsa`). Synthetic seeded Delaunay networks "
        "(benchmarks/synthetic.py): N nodes, about 4N directed links, K commodities sharing each "
        "link's capacity, 5 % of nodes as sources and 5 % as sinks per commodity, unmet demand "
        "priced. Times are build + solve (first solve, HiGHS dual simplex with presolve rule "
        "1024 off), peak memory is the process's max RSS. Every tool reached the same objective. "
        "Cells are the median of 3 runs, except PyPSA and 100,000 links (one run). corridor's "
        "build starts from a loaded network whose tables are compiled to arrays (the 'compile' "
        "column: paid by the first build of a network, cached for every later build).",
        "",
        "| links | K | highspy floor | corridor | compile | linopy | PyPSA "
        "| corridor / floor | PyPSA / corridor | linopy / corridor |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f, c = r.get("floor"), r.get("corridor")
        lp_, pp = r.get("linopy"), r.get("pypsa")
        tot = lambda m: m["a"] + m["b"] if m else None  # noqa: E731
        ratio = lambda a, b: f"{a / b:.1f}×" if a and b else "—"  # noqa: E731
        links = r["n"] * 4  # type: ignore[operator]
        lines.append(
            f"| ~{links:,} | {r['k']} | {_fmt(f)} | {_fmt(c)} "  # type: ignore[arg-type]
            f"| {c['compile'] if c else float('nan'):.3f} s | {_fmt(lp_)} | {_fmt(pp)} "  # type: ignore[index]
            f"| {ratio(tot(c), tot(f))} | {ratio(tot(pp), tot(c))} | {ratio(tot(lp_), tot(c))} |"
        )  # type: ignore[arg-type]
    lines += [
        "",
        "Warm re-solve after changing 1 % of capacities (`FlowModel.set_link_capacity` "
        "+ `solve`) against a cold build + solve of the changed network:",
        "",
        "| links | K | warm | cold | cold / warm | same objective |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        w = r.get("warm")
        if w:
            same = abs(w["objective"] - w["cold_objective"]) <= 1e-6 * max(1, abs(w["objective"]))
            lines.append(
                f"| ~{r['n'] * 4:,} | {r['k']} | {w['a']:.3f} s | {w['b']:.3f} s | "  # type: ignore[operator]
                f"{w['b'] / w['a']:.1f}× | {'yes' if same else 'no'} |"
            )
    lines += [
        "",
        "HiGHS method where the solve dominates (corridor end to end, one run each; "
        "simplex is the corridor run above):",
        "",
        "| links | K | method | build | solve |",
        "|---|---|---|---|---|",
    ]
    for (n, k, method), m in methods.items():
        if m and "stopped_after" in m:
            cells = f"— | stopped after {m['stopped_after']:.0f} s (build + solve)"
        elif m:
            cells = f"{m['a']:.3f} s | {m['b']:.3f} s"
        else:
            cells = "— | —"
        lines.append(f"| ~{n * 4:,} | {k} | {method} | {cells} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
