"""One measured step of the benchmark, run in a fresh process so that its peak memory is its own.

Prints one JSON object: the step's seconds, peak resident memory and what it produced.
"""

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "step",
        choices=list(STEPS),
    )
    parser.add_argument("--persons", type=int, default=0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--kind")
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    if args.step in ("setup", "import", "analyse", "indicators", "compensation", "report"):
        _django()
    import duckdb  # noqa: F401  (loaded before the clock starts, like Django above)

    started = time.perf_counter()
    produced = STEPS[args.step](args)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A step that sets something up first times the rest itself.
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **produced}))


def synth(args: argparse.Namespace) -> dict[str, object]:
    from helhetsbild.synth.generator import generate

    rows = generate(persons=args.persons, seed=1, out_dir=args.out, as_of=AS_OF)
    return {"rows": sum(rows.values()), "files": rows}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    import django

    django.setup()


def setup(args: argparse.Namespace) -> dict[str, object]:
    _django()
    from django.core.management import call_command

    from helhetsbild.organisation.services import DEMO_COMMITTEES, committee_ensure

    call_command("migrate", interactive=False, verbosity=0)
    for code, name in DEMO_COMMITTEES.items():
        committee_ensure(code=code, name=name)
    return {}


def import_(args: argparse.Namespace) -> dict[str, object]:
    _django()
    from helhetsbild.imports.services import import_file
    from helhetsbild.organisation.models import Committee

    result = import_file(
        analyse=False,
        actor=None,
        committee=Committee.objects.get(code="KS"),
        kind=args.kind,
        path=args.file,
        file_name=args.file.name,
        today=AS_OF,
    )
    if result.state != "committed":
        sys.exit(f"import of {args.file} ended {result.state}: {result.issues[:3]}")
    return {"rows": result.rows}


def analyse(args: argparse.Namespace) -> dict[str, object]:
    from helhetsbild.analysis.store import build_store

    build = build_store(actor=None, reference_date=AS_OF)
    return {"rows": build.row_counts.get("person_months", 0)}


def indicators(args: argparse.Namespace) -> dict[str, object]:
    """Every indicator through the engine (query, tables, disclosure control), cold, against
    the bare DuckDB aggregation each compiles to, timed in this process on the same store. The
    results the build computed are removed first, so the engine computes them again."""
    import shutil

    import duckdb

    from helhetsbild.analysis import engine
    from helhetsbild.analysis.catalogue import indicators
    from helhetsbild.analysis.store import current_build, results_folder

    build = current_build()
    assert build is not None
    shutil.rmtree(results_folder(build))
    connection = duckdb.connect(str(build.path), read_only=True)
    bare_times, engine_times, cells = {}, {}, 0
    for item in indicators().values():
        query = engine.query_for(connection, item)
        started = time.perf_counter()
        connection.execute(query).fetchall()
        bare_times[item.id] = time.perf_counter() - started
        started = time.perf_counter()
        cells += len(engine.result(item, build).cells)
        engine_times[item.id] = time.perf_counter() - started
    ratios = {name: engine_times[name] / bare_times[name] for name in bare_times}
    worst = max(ratios, key=ratios.__getitem__)
    return {
        "rows": cells,
        "engine_seconds": sum(engine_times.values()),
        "bare_seconds": sum(bare_times.values()),
        "max_ratio": ratios[worst],
        "worst": worst,
    }


def compensation(args: argparse.Namespace) -> dict[str, object]:
    """Every person's expected state compensation over the whole history, tallied per type and
    month: what `helhetsbild compensation expected` computes, without printing it."""
    import duckdb

    from helhetsbild.analysis.store import current_build
    from helhetsbild.economy.compensation import ALL_MONTHS, Tally
    from helhetsbild.economy.rules import rules
    from helhetsbild.economy.store import expected_in_store

    build = current_build()
    assert build is not None
    tally, rows = Tally(), 0
    with duckdb.connect(str(build.path), read_only=True) as connection:
        for chunk in expected_in_store(connection, rules(), ALL_MONTHS):
            for _key, found in chunk:
                rows += len(found)
                tally.add(found)
    return {"rows": rows}


def report(args: argparse.Namespace) -> dict[str, object]:
    """The whole municipality's annual report as the tagged PDF (the slowest of its formats),
    on the demo's goal tree and audit, which are set up first and not timed."""
    from helhetsbild.goals.demo import goals_demo_ensure
    from helhetsbild.plans.services import plans_demo_ensure
    from helhetsbild.reports.document import build_document
    from helhetsbild.reports.models import Report
    from helhetsbild.reports.render import render
    from helhetsbild.web.demo import demo_users

    demo_users()
    goals = goals_demo_ensure(AS_OF.year)
    plans_demo_ensure()
    started = time.perf_counter()
    render(build_document(None, Report(kind="helar", year=AS_OF.year)), "pdf")
    return {"rows": goals, "seconds": time.perf_counter() - started}


def read_duckdb(args: argparse.Namespace) -> dict[str, object]:
    import duckdb

    connection = duckdb.connect()
    connection.execute(
        f"CREATE TABLE t AS SELECT * FROM read_csv('{args.file}', delim=';', header=true)"
    )
    return {"rows": connection.execute("SELECT count(*) FROM t").fetchall()[0][0]}


def read_csv(args: argparse.Namespace) -> dict[str, object]:
    import csv

    with args.file.open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _row in csv.reader(handle, delimiter=";")) - 1
    return {"rows": rows}


STEPS = {
    "synth": synth,
    "setup": setup,
    "import": import_,
    "analyse": analyse,
    "indicators": indicators,
    "compensation": compensation,
    "report": report,
    "read-duckdb": read_duckdb,
    "read-csv": read_csv,
}

if __name__ == "__main__":
    main()
