"""The committee's report for the demo municipality in each format (goal: < 10 s per format).

    python bench/report.py [--persons 5000] [--repeat 3]

1. Builds the demo (synthetic persons through the real import, analysis store, the demo's goals
   and audit) in a fresh data folder.
2. For one committee's interim report (SN) and the whole municipality's annual report, and for
   each format, times:
   - *cli*: `helhetsbild report --kind … --year … [--committee SN] --out FILE` end to end in a
     fresh process, which is what the requirement names (start-up, indicators computed for the
     build, charts rendered, document written), with its CPU time (user + system), which a busy
     shared machine stretches less than the wall time;
   - *cold*: building the document and rendering it in this process with the indicator and chart
     caches emptied first (a page download on a fresh worker);
   - *warm*: the same again with the caches full (the next download).
3. Times archiving the municipality's report (all sections marked ready; the three files built,
   written with their SHA-256, the report locked).

Prints one Markdown table (median and range over the repeats) and the command, ready for
docs/benchmarks.md.
"""

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

FORMATS = ("html", "docx", "pdf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hb-bench-report-"))
    os.environ["HELHETSBILD_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from helhetsbild.goals.demo import goals_demo_ensure
    from helhetsbild.plans.services import plans_demo_ensure

    started = time.perf_counter()
    call_command("demo", persons=args.persons, no_serve=True, verbosity=0)
    goals_demo_ensure()
    plans_demo_ensure()
    print(f"demo built in {time.perf_counter() - started:.1f} s in {folder}", file=sys.stderr)

    year = timezone.localdate().year
    cases = [
        ("SN, delårsrapport", ["--kind", "delar", "--year", str(year), "--committee", "SN"]),
        ("hela kommunen, helårsrapport", ["--kind", "helar", "--year", str(year)]),
    ]
    rows = []
    for name, options in cases:
        for file_format in FORMATS:
            out = folder / f"rapport.{file_format}"
            cli = _repeat(args.repeat, partial(_cli, [*options, "--out", str(out)]))
            size = out.stat().st_size
            cold = _repeat(args.repeat, partial(_in_process, options, file_format, cold=True))
            warm = _repeat(args.repeat, partial(_in_process, options, file_format, cold=False))
            rows.append((f"{name}, {file_format}", cli, cold, warm, size))
    archive = _archive(year)

    command = "python bench/report.py " + shlex.join(sys.argv[1:])
    print(f"\n`{command}` ({args.persons} persons, {_sections(year)} sections in the whole")
    print("municipality's report)\n")
    print(
        "| report, format | cli: median s | min–max s | cli CPU s | cold: median s "
        "| warm: median s | size KB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, cli, cold, warm, size in rows:
        walls = [wall for wall, _cpu in cli]
        cpus = [cpu for _wall, cpu in cli]
        print(
            f"| {name} | {_median(walls)} | {_range(walls)} | {_median(cpus)} | {_median(cold)} "
            f"| {_median(warm)} | {size / 1000:.0f} |"
        )
    print(f"\nArchiving the municipality's report (three files, SHA-256, lock): {archive:.2f} s")


def _repeat(times: int, step: Callable[[], Any]) -> list[Any]:
    return [step() for _ in range(times)]


def _cli(arguments: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of the command in its own process: on a shared
    machine the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("helhetsbild")), "report", *arguments],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _in_process(options: list[str], file_format: str, *, cold: bool) -> float:
    from helhetsbild.analysis import charts, engine
    from helhetsbild.organisation.models import Committee
    from helhetsbild.reports.document import build_document
    from helhetsbild.reports.models import Report
    from helhetsbild.reports.render import render

    values = dict(zip(options[::2], options[1::2], strict=True))
    committee = (
        Committee.objects.get(code=values["--committee"]) if "--committee" in values else None
    )
    report = Report(kind=values["--kind"], year=int(values["--year"]), committee=committee)
    if cold:
        engine._cache.clear()
        charts._render.cache_clear()
        charts._render_png.cache_clear()
        charts._line_spec.cache_clear()
    started = time.perf_counter()
    render(build_document(None, report), file_format)
    return time.perf_counter() - started


def _archive(year: int) -> float:
    from helhetsbild.reports.selectors import sections_of
    from helhetsbild.reports.services import report_archive, report_create, section_mark

    report = report_create(actor=None, kind="helar", year=year, committee=None)
    for section in sections_of(report):
        section_mark(actor=None, report=report, key=section.key, ready=True)
    started = time.perf_counter()
    report_archive(actor=None, report=report)
    return time.perf_counter() - started


def _sections(year: int) -> int:
    from helhetsbild.reports.models import Report
    from helhetsbild.reports.selectors import sections_of

    return len(sections_of(Report(kind="helar", year=year)))


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}"


def _range(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


if __name__ == "__main__":
    main()
