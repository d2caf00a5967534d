"""Expected compensation: how long it takes for the demo municipality and for a national register.

    python bench/compensation.py [--persons 5000] [--copies 200] [--repeat 3]

1. Builds the demo municipality (`helhetsbild demo --no-serve --persons N`) in a fresh data
   folder, with its analysis store on 2026-11-22.
2. On that store, each in a fresh process: *all months*, every person's expected compensation
   over the whole history, tallied per type and month (the rows `helhetsbild compensation
   expected` prints, without writing them); *page table*, the Ekonomi page's 36 months; and the
   command `helhetsbild compensation expected --format json > /dev/null` end to end.
3. A national-size store: the demo store's tables copied `copies` times with new person keys
   (5,000 × 200 = 1,000,000 persons, the demo's mix of cohorts, ages and placements), and the
   first two measurements on it. The command is not run there: the copies have no identities in
   the operational database to name them by.

Prints one table row per measurement (median and range over the repeats, peak resident memory
of the process) and the command lines, ready for docs/benchmarks.md.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
TABLES = ("persons", "permits", "settlements", "episodes")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--step", choices=["all-months", "page-table"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step, args.store)))
        return
    env = {**os.environ, "HELHETSBILD_DATA_DIR": tempfile.mkdtemp(prefix="hb-compensation-")}
    helhetsbild = str(Path(sys.executable).with_name("helhetsbild"))
    _run([helhetsbild, "demo", "--no-serve", "--persons", str(args.persons)], env)
    _run([helhetsbild, "analyse", "--as-of", AS_OF], env)
    demo = _current_store(env)
    national = Path(env["HELHETSBILD_DATA_DIR"]) / "national.duckdb"
    persons = _copy_store(demo, national, args.copies)
    table = []
    for size, store in ((args.persons, demo), (persons, national)):
        for step in ("all-months", "page-table"):
            runs = [_measure(step, store, env) for _ in range(args.repeat)]
            table.append((size, step, runs))
    command = [helhetsbild, "compensation", "expected", "--format", "json"]
    runs = [_timed_command(command, env) for _ in range(args.repeat)]
    table.append((args.persons, "command, json to /dev/null", runs))
    _print(args, table)


def _step(step: str, store: Path) -> dict[str, float]:
    """One measurement in this process: Django set up before the clock starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    import django

    django.setup()
    import duckdb

    from helhetsbild.economy.compensation import ALL_MONTHS, Tally
    from helhetsbild.economy.rules import rules
    from helhetsbild.economy.selectors import overview_months
    from helhetsbild.economy.store import expected_in_store

    book = rules()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    tally, rows = Tally(), 0
    with duckdb.connect(str(store), read_only=True) as connection:
        reference = connection.execute("SELECT reference_date FROM build_info").fetchone()[0]
        months = ALL_MONTHS if step == "all-months" else overview_months(reference)
        for chunk in expected_in_store(connection, book, months):
            for _key, found in chunk:
                rows += len(found)
                tally.add(found)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu_started,
        "load": os.getloadavg()[0],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": rows,
        "kronor": sum(cell.known for cell in tally.cells.values()),
    }


def _cpu_seconds() -> float:
    """This process's processor time, DuckDB's threads included: on a shared machine it says
    what the step costs better than the wall clock does."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(step: str, store: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, "--store", str(store)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def _timed_command(command: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_kb, user, system = done.stderr.split()[-3:]
    return {
        "seconds": seconds,
        "cpu_seconds": float(user) + float(system),
        "load": os.getloadavg()[0],
        "peak_mb": int(peak_kb) / 1024,
        "rows": len(json.loads(done.stdout)),
    }


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, check=True, capture_output=True)


def _current_store(env: dict[str, str]) -> Path:
    folder = Path(env["HELHETSBILD_DATA_DIR"]) / "analysis"
    return max(folder.glob("build-*.duckdb"), key=lambda path: path.stat().st_mtime)


def _copy_store(source: Path, target: Path, copies: int) -> int:
    """The tables the rules read, `copies` times, each copy's person keys moved past the last."""
    import duckdb

    with duckdb.connect(str(target)) as connection:
        connection.execute(f"ATTACH '{source}' AS demo (READ_ONLY)")
        step = connection.execute("SELECT max(person_key) + 1 FROM demo.persons").fetchone()[0]
        connection.execute("CREATE TABLE build_info AS SELECT * FROM demo.build_info")
        for table in TABLES:
            columns = [
                name
                for (name,) in connection.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'demo' "
                    "AND table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
            ]
            select = ", ".join(
                f"person_key + copy * {step} AS person_key" if name == "person_key" else name
                for name in columns
            )
            connection.execute(
                f"CREATE TABLE {table} AS SELECT {select} "
                f"FROM demo.{table}, range({copies}) AS copies(copy)"
            )
        persons: int = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
    return persons


def _print(args: argparse.Namespace, table: list[tuple[int, str, list[dict[str, float]]]]) -> None:
    loads = [run["load"] for _persons, _step, runs in table for run in runs]
    print(
        f"## {dt.date.today()}: `python bench/compensation.py --persons {args.persons} "
        f"--copies {args.copies} --repeat {args.repeat}`"
    )
    print()
    print(
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}. Repeats: {args.repeat}. Reference date {AS_OF}. "
        f"Load average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f}."
    )
    print()
    print("| persons | measurement | rows | median s | min–max s | median CPU s | peak MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for persons, step, runs in table:
        seconds = [run["seconds"] for run in runs]
        cpu = statistics.median(run["cpu_seconds"] for run in runs)
        print(
            f"| {persons:,} | {step} | {int(runs[0]['rows']):,} | {statistics.median(seconds):.2f} "
            f"| {min(seconds):.2f}–{max(seconds):.2f} | {cpu:.2f} "
            f"| {max(r['peak_mb'] for r in runs):.0f} |"
        )


if __name__ == "__main__":
    main()
