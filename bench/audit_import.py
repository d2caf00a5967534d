"""The audit import of a 60-page report: how long reading and extracting it takes (goal: < 5 s).

    python bench/audit_import.py [--pages 60] [--repeat 5]

1. Builds a report of `pages` A4 pages from the five seed reports' text (tests/plans/seeds) in
   turn, cut where the PDF reaches that many pages, with Markdown stripped as a PDF has it.
2. Times, each `repeat` times: *text*, `extract` on the plain text with a page number and a
   running header every 45 lines; *pdf*, the same text set as a PDF with fpdf2 (lines broken to
   the page width, header and numbered footer on every page; not timed) read back with pypdf and
   extracted, which is what the upload page and `helhetsbild audit import FILE.pdf` do; *cli*,
   `helhetsbild audit import FILE.pdf --dry-run --format json` end to end in a fresh process;
   and the same command on a one-page PDF, which is the process's start-up.

Prints one table row per measurement (median and range), ready for docs/benchmarks.md.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from pypdf import PdfReader  # noqa: E402
from tests.plans.scoring import paginate, plain, report_pdf, seed_names, seed_text  # noqa: E402

from helhetsbild.plans.documents import pdf_text  # noqa: E402
from helhetsbild.plans.extract import content_words, extract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    corpus = "\n".join(plain(seed_text(name)) for name in seed_names())
    lines = corpus.split("\n")
    while _pages(report_pdf("\n".join(lines))) < args.pages:
        lines += corpus.split("\n")
    per_page = len(lines) / _pages(report_pdf("\n".join(lines)))
    text = "\n".join(lines[: int(per_page * args.pages)])
    pdf = report_pdf(text)
    pages = _pages(pdf)
    folder = Path(tempfile.mkdtemp(prefix="hb-audit-"))
    pdf_path = folder / "granskning.pdf"
    pdf_path.write_bytes(pdf)
    paged = paginate(text)

    short_path = folder / "kort.pdf"
    short_path.write_bytes(report_pdf("\n".join(lines[:40])))
    rows = [
        _measure("text", lambda: extract(paged), args.repeat),
        _measure("pdf", lambda: extract(pdf_text(pdf)), args.repeat),
        _measure("cli", lambda: _cli(pdf_path), args.repeat),
        _measure("cli, 1 page (start-up)", lambda: _cli(short_path), args.repeat),
    ]
    found = extract(pdf_text(pdf))
    print(f"report: {pages} PDF pages, {len(text):,} characters of text, {len(pdf):,} bytes")
    print(f"found: {len(found.recommendations)} recommendations, {len(found.questions)} questions")
    print()
    print("| step | median s | min–max s |")
    print("|---|---:|---:|")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} |")
    print()
    print(f"command: python bench/audit_import.py --pages {args.pages} --repeat {args.repeat}")


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _measure(name: str, run: Callable[[], object], repeat: int) -> tuple[str, list[float]]:
    times = []
    for _ in range(repeat):
        content_words.cache_clear()  # each run from cold, as one import is
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return name, times


def _cli(path: Path) -> None:
    helhetsbild = str(Path(sys.executable).with_name("helhetsbild"))
    env = {**os.environ, "HELHETSBILD_DATA_DIR": tempfile.mkdtemp(prefix="hb-audit-cli-")}
    subprocess.run(
        [helhetsbild, "audit", "import", str(path), "--dry-run", "--format", "json"],
        env=env,
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    main()
