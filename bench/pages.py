"""Response times of the analysis pages on the demo municipality, as a signed-in reader sees them.

Builds the demo (synthetic persons imported through the real pipeline, analysis store built) in a
fresh data folder, warms each page once (the first request computes the indicators and renders
the charts of the build; later ones read the cache), then requests every page `--rounds` times in
turn through Django's test client in this process and prints the 50th, 95th and 99th percentile.
The load test of a deployed server with many users belongs to the benchmark suite of issue 5;
this measures the page's own work.

    python bench/pages.py [--persons 5000] [--rounds 30] [--write docs/benchmarks.md]
"""

import argparse
import datetime as dt
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READER = "lasare"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--write", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()
    os.environ["HELHETSBILD_DATA_DIR"] = tempfile.mkdtemp(prefix="hb-bench-pages-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    os.environ.setdefault("HELHETSBILD_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("demo", persons=args.persons, no_serve=True, verbosity=0)
    pages = _pages()
    client = _signed_in_client()
    cold = {name: _timed(client, url) for name, url in pages.items()}
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, url in pages.items():
            times[name].append(_timed(client, url))
    command = "python bench/pages.py " + shlex.join(sys.argv[1:])
    report = _report(command, args, cold, times)
    print(report)
    if args.write:
        with args.write.open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)


def _pages() -> dict[str, str]:
    from django.urls import reverse

    from helhetsbild.analysis.catalogue import indicators

    pages = {
        "Översikt": reverse("analysis:overview"),
        "Indikatorer (katalog)": reverse("analysis:catalogue"),
        "Användarresan": reverse("analysis:journey"),
    }
    for item in indicators().values():
        pages[f"indikator {item.id}"] = reverse("analysis:indicator", args=[item.id])
    return pages


def _signed_in_client():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=READER))
    return client


def _timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"{url} svarade {response.status_code}")
    return elapsed * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _report(
    command: str, args: argparse.Namespace, cold: dict[str, float], times: dict[str, list[float]]
) -> str:
    every = [value for values in times.values() for value in values]
    indicator_pages = [
        v for name, values in times.items() if name.startswith("indikator ") for v in values
    ]
    lines = [
        f"## {dt.date.today().isoformat()}: `{command}`",
        "",
        f"Pages of the analysis for a signed-in reader, {args.persons:,} persons, "
        f"{args.rounds} rounds over {len(times)} pages after one cold request each "
        "(Django test client in one process, no network).".replace(",", " "),
        "",
        "| page | cold ms | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    groups = {name: values for name, values in times.items() if not name.startswith("indikator ")}
    groups["alla indikatorsidor"] = indicator_pages
    colds = {**cold, "alla indikatorsidor": max(v for n, v in cold.items() if "indikator " in n)}
    for name, values in {**groups, "alla sidor": every}.items():
        lines.append(
            f"| {name} | {colds.get(name, max(cold.values())):.0f} | "
            f"{statistics.median(values):.0f} | {_percentile(values, 0.95):.0f} | "
            f"{_percentile(values, 0.99):.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
