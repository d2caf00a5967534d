"""`helhetsbild report --kind delar|helar --year YEAR [--committee CODE] --out FILE`: the
committee's interim or annual report as HTML, Word or PDF, by the file's ending.

The report of the page is used where one exists for that kind, year and committee: its ready
marks are printed, and an archived report is written exactly as it was archived. Otherwise a
draft is built from the current figures, with no section marked ready.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.organisation.models import Committee
from helhetsbild.reports import selectors, services
from helhetsbild.reports.models import FileFormat, Report, ReportKind
from helhetsbild.reports.selectors import ArchiveDamaged


class Command(BaseCommand):
    help = _("Skriver nämndens delårs- eller helårsrapport som HTML, Word eller PDF.")
    # The system checks (a second of start-up) guard a deployment, not a report read from it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            required=True,
            choices=ReportKind.values,
            help=_("delar (delårsrapport) eller helar (helårsrapport)"),
        )
        parser.add_argument("--year", required=True, type=int, help=_("året rapporten gäller"))
        parser.add_argument("--committee", help=_("nämndens kod; utan den hela kommunen"))
        parser.add_argument(
            "--out", required=True, help=_("filen: .html, .docx eller .pdf avgör formatet")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        file_format = out.suffix.lower().lstrip(".")
        if file_format not in FileFormat.values:
            raise CommandError(
                _("Filen måste sluta på .html, .docx eller .pdf, inte %(suffix)s.")
                % {"suffix": out.suffix or _("(ingen ändelse)")}
            )
        committee = _committee(options["committee"]) if options["committee"] else None
        kind, year = options["kind"], options["year"]
        report = selectors.report_matching(kind, year, committee) or Report(
            kind=kind, year=year, committee=committee
        )
        try:
            generated = services.report_generate(actor=None, report=report, file_format=file_format)
        except ArchiveDamaged as error:
            raise CommandError(
                _("Den arkiverade filen saknas eller är ändrad: %(path)s") % {"path": error}
            ) from error
        try:
            out.write_bytes(generated.content)
        except OSError as error:
            raise CommandError(_("Filen kan inte skrivas: %(error)s") % {"error": error}) from error
        self.stdout.write(
            _("Skrev %(report)s (%(state)s) till %(path)s, %(size)s byte.")
            % {
                "report": report,
                "state": _("arkiverad") if report.archived else _("utkast"),
                "path": out,
                "size": len(generated.content),
            }
        )
        not_ready = [s.title for s in selectors.sections_of(report) if not s.ready]
        if not_ready and not report.archived:
            self.stdout.write(
                _("Inte klarmarkerade avsnitt: %(sections)s") % {"sections": "; ".join(not_ready)}
            )


def _committee(code: str) -> Committee:
    found = Committee.objects.filter(code=code.upper()).first()
    if found is None:
        codes = ", ".join(Committee.objects.values_list("code", flat=True))
        raise CommandError(
            _("Nämnden %(code)s finns inte. Nämnderna är: %(codes)s.")
            % {"code": code, "codes": codes}
        )
    return found
