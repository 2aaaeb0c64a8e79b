"""Flow-engine benchmark: corridor against the highspy floor, linopy and PyPSA.

Run on demand (not a test):

    .venv/bin/pip install linopy pypsa      # the peers (not corridor dependencies)
    .venv/bin/python benchmarks/run_flow.py [--quick] [--out docs/benchmarks.md]
    .venv/bin/python benchmarks/run_flow.py --end-to-end [--before [LABEL=]OLD/src ...] [--out FILE]
    .venv/bin/python benchmarks/run_flow.py --end-to-end --shipped-only \
        --before 65fbd25=/tmp/old65/src --into docs/benchmarks.md

``--end-to-end`` times ``corridor.solve`` with its results on the shipped network (load once,
solve once, then the median of 20 solves; ``--before`` also times the package in OLD/src,
e.g. ``git archive 86d5703 src | tar -x -C OLD``) and on the synthetic networks against
linopy and PyPSA (see peers.py for what each one's time includes). ``--shipped-only`` times
the shipped network alone, in alternating rounds, and ``--into`` puts that section in a file.

Every measurement runs in a fresh process (peak memory = that process's max RSS, including the
Python interpreter and imports) and is the median of --repeat runs. Instances are seeded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"  # the corridor of this checkout, before any installed copy


def _env(src: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
import warnings; warnings.simplefilter("ignore")
from synthetic import make_instance
import peers
inst = make_instance({n}, {k}, seed={seed})
tool, method = {tool!r}, {method!r}
if tool == "warm":
    from corridor.optimize import FlowModel, build_model
    from corridor.options import SolveOptions
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


_FOURTH = {  # a run's 4th result, by tool
    "warm": "cold_objective",
    "corridor": "compile",
    "corridor_end_to_end": "again",
}

SHIPPED = """
import json, statistics, time, warnings
warnings.simplefilter("ignore")
import corridor
net = corridor.load()
first = time.perf_counter(); corridor.solve(net, year=2024); first = time.perf_counter() - first
times, highs = [], []
for _ in range({repeat}):
    t0 = time.perf_counter()
    results = corridor.solve(net, year=2024)
    times.append(time.perf_counter() - t0)
    highs.append(results.solve_seconds)
print(json.dumps({{"median": statistics.median(times), "min": min(times), "first": first,
                  "highs": statistics.median(highs), "where": corridor.__file__}}))
"""


def measure_shipped(src: Path | None = None, repeat: int = 20) -> dict[str, float | str]:
    """``corridor.solve(net, year=2024)`` on the loaded shipped network, in a fresh process
    (with the package in ``src`` if given): the first solve and the median of ``repeat``."""
    env = _env(src or SRC)
    out = subprocess.run(
        [sys.executable, "-c", SHIPPED.format(repeat=repeat)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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
            env=_env(SRC),
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
    parser.add_argument("--end-to-end", action="store_true", help="corridor.solve with results")
    parser.add_argument(
        "--before",
        action="append",
        default=[],
        metavar="[LABEL=]SRC",
        help="src folder of an older corridor (repeatable), e.g. 65fbd25=/tmp/old65/src",
    )
    parser.add_argument(
        "--shipped-only", action="store_true", help="only the shipped network (with --end-to-end)"
    )
    parser.add_argument(
        "--into", type=Path, default=None, help="replace that section of this markdown file"
    )
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    befores = dict(_labelled(b) for b in args.before)
    if args.end_to_end and args.shipped_only:
        section = shipped_section(befores, rounds=1 if args.quick else 5)
        if args.into:
            _replace_section(args.into, section)
        print(section)
        return
    if args.end_to_end:
        section = end_to_end(args.quick, repeat, befores)
        if args.out:
            args.out.write_text(section, encoding="utf-8")
        print(section)
        return
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


def _labelled(before: str) -> tuple[str, Path]:
    """``LABEL=SRC`` (or ``SRC``, labelled ``before``) as (label, path)."""
    label, _, path = before.rpartition("=")
    return (label or "before", Path(path))


SHIPPED_TITLE = "## corridor end to end on the shipped network"


def shipped_section(befores: dict[str, Path], rounds: int = 5) -> str:
    """The shipped-network section: each code timed by :func:`measure_shipped` in ``rounds``
    alternating rounds (so that all share the machine's state); the median of the medians."""
    codes: dict[str, Path | None] = {"after (this checkout)": None, **befores}
    runs: dict[str, list[dict[str, float | str]]] = {name: [] for name in codes}
    for _ in range(rounds):
        for name, src in codes.items():
            runs[name].append(measure_shipped(src))
            print(f"{name}: {float(runs[name][-1]['median']) * 1000:.1f} ms", flush=True)

    def mid(name: str, key: str) -> float:
        return statistics.median(float(m[key]) for m in runs[name]) * 1000

    after = mid("after (this checkout)", "median")
    lines = [
        SHIPPED_TITLE,
        "",
        f"Machine: {platform.processor() or platform.machine()}, {platform.system()} "
        f"{platform.release()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"run {time.strftime('%Y-%m-%d')}.",
        "",
        "`corridor.solve(net, year=2024)` with all its results on the shipped network, loaded "
        "once; one warm-up solve, then 20 solves (each code in a fresh process, "
        f"{rounds} alternating rounds; the median of the rounds' medians). HiGHS is the time "
        "of its two stages within a solve.",
        "",
        "| code | median | fastest | of which HiGHS | HiGHS share | median / after |",
        "|---|---|---|---|---|---|",
    ]
    for name in codes:
        median, highs = mid(name, "median"), mid(name, "highs")
        fastest = min(float(m["min"]) for m in runs[name]) * 1000
        lines.append(
            f"| {name} | {median:.1f} ms | {fastest:.1f} ms | {highs:.1f} ms "
            f"| {highs / median:.0%} | {median / after:.1f}× |"
        )
    command = " ".join(f"--before {n}={p}" for n, p in befores.items())
    lines += [
        "",
        "Command: `.venv/bin/python benchmarks/run_flow.py --end-to-end --shipped-only "
        f"{command} --into docs/benchmarks.md` (an older corridor's src: e.g. "
        "`git archive 65fbd25 src | tar -x -C /tmp/old65`).",
    ]
    return "\n".join(lines) + "\n"


def _replace_section(path: Path, section: str) -> None:
    """Put ``section`` in place of the markdown section of its title in ``path`` (or at the
    end)."""
    text = path.read_text(encoding="utf-8")
    start = text.find(SHIPPED_TITLE)
    if start < 0:
        path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    end = text.find("\n## ", start + len(SHIPPED_TITLE))
    rest = text[end + 1 :] if end >= 0 else ""
    path.write_text(text[:start] + section + ("\n" + rest if rest else ""), encoding="utf-8")


def end_to_end(quick: bool, repeat: int, befores: dict[str, Path]) -> str:
    """Time corridor end to end on the shipped network and on the synthetic ones."""
    shipped = {"after": measure_shipped()}
    for label, src in befores.items():
        shipped[label] = measure_shipped(src)
    for name, m in shipped.items():
        print(f"shipped {name}: median {float(m['median']) * 1000:.1f} ms", flush=True)
    sizes = [250, 2500] if quick else [250, 2500, 25000]
    rows = []
    for n in sizes:
        for k in (1, 3) if quick else (1, 3, 10):
            entry: dict[str, object] = {"n": n, "k": k}
            tools = ["floor", "corridor_end_to_end"]
            if n <= 2500:  # the peers at up to 10,000 links; PyPSA at up to 3 commodities
                tools += ["linopy", "pypsa"] if k <= 3 else ["linopy"]
            for tool in tools:
                reps = 1 if tool == "pypsa" or n == 25000 else repeat
                m = median_of(tool, n, k, reps)
                entry[tool] = m
                if m:
                    print(f"n={n} k={k} {tool}: {m['a'] + m['b']:.3f} s", flush=True)
            rows.append(entry)
    return render_end_to_end(shipped, rows, repeat)


def render_end_to_end(
    shipped: dict[str, dict[str, float | str]], rows: list[dict[str, object]], repeat: int
) -> str:
    """The end-to-end section of docs/benchmarks.md."""
    lines = [
        "## corridor end to end (`corridor.solve` with its results)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {platform.system()} "
        f"{platform.release()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"run {time.strftime('%Y-%m-%d')}.",
        "",
        "Shipped network, `corridor.solve(net, year=2024)` on a network loaded once: the first "
        "solve (it compiles the network and hashes its tables), then the median and the "
        "fastest of 20 solves, and the HiGHS time (both stages) within a solve:",
        "",
        "| code | first solve | median | fastest | of which HiGHS |",
        "|---|---|---|---|---|",
    ]
    for name, m in shipped.items():
        lines.append(
            f"| {name} | {float(m['first']) * 1000:.1f} ms | {float(m['median']) * 1000:.1f} ms "
            f"| {float(m['min']) * 1000:.1f} ms | {float(m['highs']) * 1000:.1f} ms |"
        )
    for name in [n for n in shipped if n != "after"]:
        ratio = float(shipped[name]["median"]) / float(shipped["after"]["median"])
        lines += ["", f"Median {name} / after: {ratio:.1f}×."]
    lines += [
        "",
        "Synthetic networks (benchmarks/synthetic.py, as above), each cell a fresh process, "
        f"the median of {repeat} runs (PyPSA and 100,000 links: one run). What each column "
        "includes:",
        "",
        "- **highspy floor**: `passModel` + HiGHS on matrices corridor built (nothing else).",
        "- **corridor**: `corridor.solve` on a network just made (compiling it to arrays, the "
        "input hash, the build, HiGHS, the solution checks and every results table: flows, "
        "links, unmet with reasons, paths, transit, costs, prices), as corridor's own time + "
        "HiGHS; **again**: a second `corridor.solve` of that network, end to end.",
        '- **linopy**: the model from arrays, then `Model.solve(io_api="direct")` (highspy, no '
        "LP file; linopy reads the solution back).",
        "- **PyPSA**: buses, links, generators and loads added to a `Network`, "
        "`n.optimize.create_model()` plus the shared-capacity constraint, then "
        '`model.solve(io_api="direct")`: `n.optimize()` without writing the solution and '
        "duals back and without its post-processing.",
        "",
        "| links | K | highspy floor | corridor | again | linopy | PyPSA "
        "| corridor / floor | linopy / corridor | PyPSA / corridor | same objective |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f, c = r.get("floor"), r.get("corridor_end_to_end")
        lp_, pp = r.get("linopy"), r.get("pypsa")
        tot = lambda m: m["a"] + m["b"] if m else None  # noqa: E731
        ratio = lambda a, b: f"{a / b:.1f}×" if a and b else "—"  # noqa: E731
        found = [m["objective"] for m in (c, lp_, pp) if m]  # type: ignore[index]
        same = all(abs(o - found[0]) <= 1e-6 * max(1.0, abs(found[0])) for o in found)
        again = f"{c['again']:.3f} s" if c else "—"  # type: ignore[index]
        lines.append(
            f"| ~{r['n'] * 4:,} | {r['k']} | {_fmt(f)} | {_fmt(c)} | {again} "  # type: ignore[operator, arg-type]
            f"| {_fmt(lp_)} | {_fmt(pp)} | {ratio(tot(c), tot(f))} "  # type: ignore[arg-type]
            f"| {ratio(tot(lp_), tot(c))} | {ratio(tot(pp), tot(c))} "  # type: ignore[arg-type]
            f"| {'yes' if same else 'no'} |"
        )
    return "\n".join(lines) + "\n"


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
