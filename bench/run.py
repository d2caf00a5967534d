"""The benchmark suite: synthesize, import the six canonical files, build the analysis store,
compute every indicator, every person's expected compensation and the annual report, for each
size.

Each step runs in its own process (peak memory is per step) and is repeated; the table gives the
median and the spread (min-max). The import is set against two baselines measured in the same
run on the same files: DuckDB's CSV reader (the engine the analysis store uses) and Python's
csv module (the floor for any importer that checks each row in Python).

    python bench/run.py --sizes 1000,5000,50000 [--repeat 3] [--postgres URL]
                        [--write docs/benchmarks.md]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The synthetic set first, then each kind imported into one committee, then the analysis store.
# The baselines a step is set against, in the order of the table's ratio columns.
BASELINES = ("duckdb", "csv", "bare")
KINDS = ["personer", "uppehallstillstand", "mottagande", "insatser", "sfi", "forsorjningsstod"]


def measure(step: str, env: dict[str, str], *args: str) -> dict[str, float]:
    command = [sys.executable, str(ROOT / "bench" / "step.py"), step, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{step} failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def repeated(repeat: int, step: str, env_for_run, *args: str) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    return [measure(step, env_for_run(), *args) for _ in range(repeat)]


def summary(runs: list[dict[str, float]], key: str = "seconds") -> tuple[float, float, float]:
    values = [run[key] for run in runs]
    return statistics.median(values), min(values), max(values)


def fresh_store(database: str | None) -> dict[str, str]:
    """A new data folder and an empty database for one import run."""
    env = {**os.environ, "HELHETSBILD_DATA_DIR": tempfile.mkdtemp(prefix="hb-bench-")}
    if database:
        env["HELHETSBILD_DATABASE_URL"] = database
        _reset_postgres(database)
    measure("setup", env)
    return env


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def bench_size(
    persons: int, repeat: int, database: str | None, work: Path
) -> list[dict[str, object]]:
    out = work / f"synth-{persons}"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    synth_runs = [
        measure("synth", dict(os.environ), "--persons", str(persons), "--out", str(out))
        for _ in range(repeat)
    ]
    rows.append(row(persons, "synth", synth_runs, int(synth_runs[0]["rows"])))
    import_runs: list[list[dict[str, float]]] = [[] for _ in KINDS]
    analyse_runs, indicator_runs, compensation_runs, report_runs = [], [], [], []
    for _ in range(repeat):
        env = fresh_store(database)
        for index, kind in enumerate(KINDS):
            import_runs[index].append(
                measure("import", env, "--kind", kind, "--file", str(out / f"{kind}.csv"))
            )
        analyse_runs.append(measure("analyse", env))
        indicator_runs.append(measure("indicators", env))
        compensation_runs.append(measure("compensation", env))
        report_runs.append(measure("report", env))
    total_rows = 0
    for index, kind in enumerate(KINDS):
        path = str(out / f"{kind}.csv")
        duck = [measure("read-duckdb", dict(os.environ), "--file", path) for _ in range(repeat)]
        plain = [measure("read-csv", dict(os.environ), "--file", path) for _ in range(repeat)]
        n = int(import_runs[index][0]["rows"])
        total_rows += n
        rows.append(
            row(
                persons,
                f"import {kind}",
                import_runs[index],
                n,
                duckdb=summary(duck)[0],
                csv=summary(plain)[0],
            )
        )
    totals = [
        {
            "seconds": sum(runs[i]["seconds"] for runs in import_runs),
            "peak_mb": max(runs[i]["peak_mb"] for runs in import_runs),
        }
        for i in range(repeat)
    ]
    rows.append(row(persons, "import all six", totals, total_rows))
    rows.append(
        row(persons, "analysis build (panel rows)", analyse_runs, int(analyse_runs[0]["rows"]))
    )
    rows.append(indicators_row(persons, indicator_runs))
    rows.append(
        row(
            persons,
            "expected compensation: all months (rows)",
            compensation_runs,
            int(compensation_runs[0]["rows"]),
        )
    )
    rows.append(
        row(persons, "annual report as PDF (goals)", report_runs, int(report_runs[0]["rows"]))
    )
    return rows


def indicators_row(persons: int, runs: list[dict[str, float]]) -> dict[str, object]:
    """All indicators through the engine, against the bare aggregations they compile to; the
    row names the indicator with the highest ratio of its own."""
    engine_runs = [{**run, "seconds": run["engine_seconds"]} for run in runs]
    worst = max(runs, key=lambda run: run["max_ratio"])
    result = row(
        persons,
        f"all indicators (cells; worst single ratio {worst['max_ratio']:.1f}: {worst['worst']})",
        engine_runs,
        int(runs[0]["rows"]),
        bare=summary(runs, "bare_seconds")[0],
    )
    return result


def row(
    persons: int, step: str, runs: list[dict[str, float]], n: int, **baselines: float
) -> dict[str, object]:
    median, low, high = summary(runs)
    result: dict[str, object] = {
        "persons": persons,
        "step": step,
        "rows": n,
        "median_s": median,
        "min_s": low,
        "max_s": high,
        "rows_per_s": n / median if median else 0,
        "peak_mb": max(run["peak_mb"] for run in runs),
    }
    for name, seconds in baselines.items():
        result[f"vs_{name}"] = median / seconds if seconds else 0
    return result


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| persons | step | rows | median s | min–max s | rows/s | peak MB "
        "| × DuckDB read | × csv read | × bare query |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratios = " | ".join(
            f"{r[f'vs_{name}']:.1f}" if f"vs_{name}" in r else "" for name in BASELINES
        )
        lines.append(
            f"| {r['persons']:,} | {r['step']} | {r['rows']:,} | {r['median_s']:.2f} | "
            f"{r['min_s']:.2f}–{r['max_s']:.2f} | {r['rows_per_s']:,.0f} | {r['peak_mb']:.0f} | "
            f"{ratios} |".replace(",", " ")
        )
    return "\n".join(lines)


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024**2:.0f} GiB memory"
    processor = platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores{memory}, {processor}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("HELHETSBILD_BENCH_POSTGRES_URL"),
        help="also import into this PostgreSQL database (its schema is dropped)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="which stores to import into: sqlite, postgresql or both",
    )
    parser.add_argument("--write", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()
    command = "python bench/run.py " + shlex.join(sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="hb-bench-files-"))
    sections = []
    targets = [(None, "SQLite"), (args.postgres, "PostgreSQL")]
    for database, label in targets:
        if label.lower() not in args.databases.split(",") or (
            label == "PostgreSQL" and not database
        ):
            continue
        rows = []
        for persons in [int(size) for size in args.sizes.split(",")]:
            rows.extend(bench_size(persons, args.repeat, database, work))
            print(table(rows), flush=True)
        sections.append(f"### {label}\n\n{table(rows)}\n")
    report = (
        f"## {dt.date.today().isoformat()}: `{command}`\n\nMachine: {machine()}. "
        f"Repeats: {args.repeat}.\n\n" + "\n".join(sections)
    )
    print(report)
    if args.write:
        with args.write.open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)


if __name__ == "__main__":
    main()
