"""`helhetsbild import --kind KIND --committee CODE FILE [--dry-run] [--accept-valid]
[--report-csv PATH]`

Exit status 0: committed, partly committed or already imported; 1: rejected; 2: usage error.
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.imports.formats import kinds
from helhetsbild.imports.models import BatchState
from helhetsbild.imports.report import format_line, write_report_csv
from helhetsbild.imports.services import ImportFailed, ImportResult, import_file
from helhetsbild.organisation.models import Committee

TERMINAL_REPORT_LINES = 50


class Command(BaseCommand):
    help = _("Importerar en fil i det kanoniska formatet för en nämnd.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("CSV- eller XLSX-filen"))
        parser.add_argument("--kind", required=True, choices=sorted(kinds()), help=_("filens slag"))
        parser.add_argument("--committee", required=True, help=_("den importerande nämndens kod"))
        parser.add_argument("--dry-run", action="store_true", help=_("kontrollera utan att spara"))
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help=_("spara giltiga rader och lägg övriga i karantän"),
        )
        parser.add_argument("--report-csv", type=Path, help=_("skriv radrapporten som CSV hit"))
        parser.add_argument("--user", help=_("importera som denna användare (behörighet prövas)"))
        parser.add_argument("--no-progress", action="store_true", help=_("visa inte förlopp"))
        parser.add_argument(
            "--no-analyse",
            action="store_true",
            help=_("bygg inte om analysdatabasen efteråt (vid flera filer i rad)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Filen %(path)s finns inte.") % {"path": path}, returncode=2)
        committee = Committee.objects.filter(code=options["committee"], active=True).first()
        if committee is None:
            codes = ", ".join(Committee.objects.filter(active=True).values_list("code", flat=True))
            raise CommandError(
                _("Nämnden %(code)s finns inte. Nämnder: %(codes)s.")
                % {"code": options["committee"], "codes": codes or "-"},
                returncode=2,
            )
        actor = None
        if options["user"]:
            actor = (
                get_user_model().objects.filter(username=options["user"], is_active=True).first()
            )
            if actor is None:
                raise CommandError(
                    _("Användaren %(u)s finns inte.") % {"u": options["user"]}, returncode=2
                )
        progress = None if options["no_progress"] else _Progress()
        try:
            result = import_file(
                actor=actor,
                committee=committee,
                kind=options["kind"],
                path=path,
                file_name=path.name,
                dry_run=options["dry_run"],
                accept_valid=options["accept_valid"],
                progress=progress,
                analyse=not options["no_analyse"],
            )
        except ImportFailed as error:
            self.stderr.write(str(error))
            sys.exit(1)
        if progress:
            progress.done()
        if options["report_csv"]:
            with options["report_csv"].open("w", encoding="utf-8-sig", newline="") as handle:
                write_report_csv(handle, path.name, result.issues)
        self._print(result)
        if not result.succeeded:
            sys.exit(1)

    def _print(self, result: ImportResult) -> None:
        for note in result.notes:
            self.stdout.write(note)
        for line in result.issues[:TERMINAL_REPORT_LINES]:
            self.stdout.write(format_line(result.file_name, line))
        if result.issue_count > TERMINAL_REPORT_LINES:
            self.stdout.write(
                _("… och %(more)s fel till. Hela rapporten: --report-csv FIL eller importsidan.")
                % {"more": result.issue_count - TERMINAL_REPORT_LINES}
            )
        self.stdout.write(_summary(result))


def _summary(result: ImportResult) -> str:
    counts = {
        "rows": result.rows,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "batch": result.batch_id or "-",
    }
    prefix = _("Provkörning, ingenting sparades. ") if result.dry_run else ""
    if result.state == BatchState.DUPLICATE:
        return prefix + _("Redan importerad: ingenting ändrades.")
    if result.state == BatchState.COMMITTED:
        text = _("Importerad: %(rows)s rader, %(accepted)s sparade (omgång %(batch)s).")
    elif result.state == BatchState.PARTIAL:
        text = _(
            "Delvis importerad: %(accepted)s av %(rows)s rader sparade, %(rejected)s i "
            "karantän (omgång %(batch)s)."
        )
    else:
        text = _("Avvisad: ingenting sparades. %(rows)s rader lästa, %(rejected)s med fel.")
    return prefix + text % counts


class _Progress:
    """Progress on stderr: a live line on a terminal, a line every few seconds in a log."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, rows: int, position: int, size: int) -> None:
        now = time.monotonic()
        if now - self.started < 1.0 or now - self.last < (0.2 if self.interactive else 5.0):
            return
        self.last = now
        share = f" ({100 * position // size} %)" if size and position else ""
        line = _("Importerar: %(rows)s rader%(share)s, %(s)s s") % {
            "rows": f"{rows:,}".replace(",", " "),
            "share": share,
            "s": int(now - self.started),
        }
        sys.stderr.write(("\r" + line) if self.interactive else line + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.interactive and self.last:
            sys.stderr.write("\n")
