"""`helhetsbild audit import FILE [--dry-run] [--format json|text] [--committee CODE]`: read an
audit report (text, PDF or Word) and propose its structure; without --dry-run the proposal is
saved as it stands (the operator's path; on the page a person reviews it first).
`helhetsbild audit export ID --out FILE.docx|FILE.xlsx [--committee CODE]`: the committee's answer
to the auditors."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.organisation.models import Committee
from helhetsbild.plans import exports, selectors, services
from helhetsbild.plans.documents import UnreadableDocument, document_text
from helhetsbild.plans.extract import Proposal, extract


class Command(BaseCommand):
    help = _("Granskningsrapporter: läs in en rapport, eller skriv ut nämndens svar.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="what", required=True)
        reading = commands.add_parser("import", help=_("läs en granskningsrapport"))
        reading.add_argument("file", help=_("rapporten: .txt, .pdf eller .docx"))
        reading.add_argument(
            "--dry-run", action="store_true", help=_("visa förslaget, spara inget")
        )
        reading.add_argument("--format", choices=["text", "json"], default="text")
        reading.add_argument(
            "--committee", action="append", default=[], help=_("berörd nämnd (kod), får upprepas")
        )
        export = commands.add_parser("export", help=_("nämndens svar som Word eller Excel"))
        export.add_argument("audit", type=int, help=_("granskningens nummer"))
        export.add_argument("--out", required=True, help=_("filen: .docx eller .xlsx"))
        export.add_argument("--committee", help=_("bara denna nämnds åtgärder (kod)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "export":
            self._export(options)
        else:
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            text = document_text(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(_("Filen kan inte läsas: %(error)s") % {"error": error}) from error
        except UnreadableDocument as error:
            raise CommandError(str(error)) from error
        proposal = extract(text)
        saved = None
        if not options["dry_run"]:
            committees = [_committee(code) for code in options["committee"]]
            audit = services.audit_from_proposal(
                actor=None, proposal=proposal, committees=committees, source_name=path.name
            )
            saved = audit.pk
        if options["format"] == "json":
            record = proposal.as_json()
            if saved is not None:
                record = {**record, "id": saved}
            self.stdout.write(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            self._write_text(proposal, saved)

    def _write_text(self, proposal: Proposal, saved: int | None) -> None:
        none = _("(inget)")
        self.stdout.write(f"{_('Titel')}: {proposal.title or none}")
        self.stdout.write(f"{_('Granskare')}: {proposal.auditor or none}")
        self.stdout.write(f"{_('Datum')}: {proposal.date.isoformat() if proposal.date else none}")
        self.stdout.write(_("Frågor och kontrollmål (%(n)s):") % {"n": len(proposal.questions)})
        for question in proposal.questions:
            assessment = question.assessment or _("ingen bedömning")
            self.stdout.write(f"  - {question.text} [{assessment}]")
        self.stdout.write(_("Rekommendationer (%(n)s):") % {"n": len(proposal.recommendations)})
        for recommendation in proposal.recommendations:
            self.stdout.write(f"  - {recommendation}")
        if saved is not None:
            self.stdout.write(_("Sparad som granskning %(id)s.") % {"id": saved})

    def _export(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in (".docx", ".xlsx"):
            raise CommandError(_("--out ska sluta på .docx eller .xlsx."))
        audit = selectors.audit_for(None, options["audit"])
        committee = _committee(options["committee"]) if options["committee"] else None
        rows = selectors.answer_rows(audit, committee)
        writer = exports.answer_docx if out.suffix.lower() == ".docx" else exports.answer_xlsx
        out.write_bytes(writer(audit, rows, timezone.localdate()))
        self.stdout.write(
            _("Skrev %(rows)s rader till %(file)s.") % {"rows": len(rows), "file": out}
        )


def _committee(code: str) -> Committee:
    committee = Committee.objects.filter(code=code.upper()).first()
    if committee is None:
        raise CommandError(_("Ingen nämnd har koden %(code)s.") % {"code": code})
    return committee
