"""Pipeline benchmark: applying a scenario, and the CLI's start-up, against an older corridor.

Run on demand (not a test):

    git archive 94dcff8 src | tar -x -C /tmp/old        # the corridor to compare with
    .venv/bin/python benchmarks/run_pipeline.py --before /tmp/old/src [--out FILE]

Every measurement runs in fresh processes with the package of this checkout (src/ first on the
path) or of ``--before``. Scenario times are the median of 7 applications of each shipped
scenario to the loaded shipped network (after one warm-up); start-up is the CPU time (user +
system) of ``corridor --version`` / ``--help`` (its console script's code), the median of 7
runs, next to ``python -c "import pandas"`` on the same interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SCENARIOS = ("cpc-closed", "kazakh-btc-7mt-2027", "middle-corridor-2030", "eu-20bcm-2027")

APPLY = """
import json, statistics, time, warnings
warnings.simplefilter("ignore")
import corridor
from corridor.scenario import apply_scenario, read_scenario
net = corridor.load()
out = {{}}
for name in {names!r}:
    scenario = read_scenario(name)
    apply_scenario(scenario, net)
    times = []
    for _ in range(7):
        t0 = time.perf_counter(); apply_scenario(scenario, net)
        times.append(time.perf_counter() - t0)
    out[name] = statistics.median(times)
print(json.dumps(out))
"""


#: The ``corridor`` console script (``corridor.cli.app:main``) with one flag.
ENTRY = "import sys; sys.argv = ['corridor', {flag!r}]; from corridor.cli.app import main; main()"


def _env(src: Path) -> dict[str, str]:
    path = os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


def apply_times(src: Path) -> dict[str, float]:
    """Median seconds to apply each of :data:`SCENARIOS` with the corridor in ``src``."""
    code = APPLY.format(names=SCENARIOS)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=_env(src))  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def cpu_seconds(args: list[str], src: Path, repeat: int = 7) -> float:
    """Median CPU time (user + system) of ``python *args``, in fresh processes."""
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, *args], capture_output=True, check=True, env=_env(src))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def render(before: Path) -> str:
    old, new = apply_times(before), apply_times(SRC)
    lines = [
        "### Applying a scenario (shipped network loaded, median of 7)",
        "",
        f"Command: `.venv/bin/python benchmarks/run_pipeline.py --before {before}`",
        "",
        "| scenario | before | now | faster |",
        "|---|---|---|---|",
    ]
    for name in SCENARIOS:
        lines.append(f"| {name} | {old[name] * 1e3:.1f} ms | {new[name] * 1e3:.1f} ms | "
                     f"{old[name] / new[name]:.1f}× |")  # fmt: skip
    pandas = cpu_seconds(["-c", "import pandas"], SRC)
    lines += [
        "",
        "### Start-up (CPU time, user + system, median of 7)",
        "",
        "| command | before | now | now / `import pandas` |",
        "|---|---|---|---|",
        f'| `python -c "import pandas"` | {pandas:.2f} s | {pandas:.2f} s | 1.00 |',
    ]
    for flag in ("--version", "--help"):
        args = ["-c", ENTRY.format(flag=flag)]
        then, now = cpu_seconds(args, before), cpu_seconds(args, SRC)
        lines.append(f"| `corridor {flag}` | {then:.2f} s | {now:.2f} s | {now / pandas:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="an older corridor's src")
    parser.add_argument("--out", type=Path, default=None, help="write the tables here too")
    args = parser.parse_args()
    text = render(args.before.resolve())
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
