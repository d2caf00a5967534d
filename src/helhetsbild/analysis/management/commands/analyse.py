"""`helhetsbild analyse [--as-of YYYY-MM-DD]`: rebuild the analysis store from the register.

Progress goes to stderr, line by line; what the store was built from goes to stdout at the end.
Exit status 0 when the new store is current; otherwise the previous store stays current and the
error is shown.
"""

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import build_store


class Command(BaseCommand):
    help = _("Bygger om analysdatabasen (DuckDB) från registret och visar vad den byggdes av.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            help=_("referensdatum: panelen slutar i dess månad (standard: i dag)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = _Progress() if options["verbosity"] > 0 else None
        build = build_store(actor=None, progress=progress, reference_date=options["as_of"])
        self._summary(build)

    def _summary(self, build: AnalysisBuild) -> None:
        write = self.stdout.write
        write(
            _("Analysdatabasen är byggd (bygge %(id)s, referensdatum %(date)s): %(path)s")
            % {"id": build.pk, "date": build.reference_date, "path": build.path}
        )
        write(_("Byggd från %(n)s importomgångar:") % {"n": len(build.batch_ids)})
        write(f"  {_('nämnd'):<8}{_('slag'):<22}{_('omgångar'):>9}  {_('senaste import')}")
        for source in build.sources:
            latest = timezone.localtime(dt.datetime.fromisoformat(source["latest"]))
            write(
                f"  {source['committee']:<8}{source['kind']:<22}{source['batches']:>9}  "
                f"{latest:%Y-%m-%d %H:%M}"
            )
        write(_("Rader per tabell:"))
        for table, rows in build.row_counts.items():
            write(f"  {table:<22}{_number(rows):>12}")
        write(_("Tid: %(s)s s") % {"s": f"{build.seconds or 0:.1f}".replace(".", ",")})


class _Progress:
    """Each step on its own line on stderr, with the seconds since the start."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        sys.stderr.write(f"[{time.monotonic() - self.started:6.1f} s] {message}\n")
        sys.stderr.flush()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")
