"""Changes to reports: starting one, marking its sections ready, archiving it. Each takes the
acting user (None: the operator) and checks the permission here, so pages and commands cannot
forget it. An archived report refuses every change."""

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.organisation.models import Committee
from helhetsbild.reports import selectors
from helhetsbild.reports.document import ReportDocument, build_document
from helhetsbild.reports.models import FileFormat, ReadyMark, Report, ReportFile, ReportKind
from helhetsbild.reports.render import CONTENT_TYPES, render


@dataclass(frozen=True)
class Generated:
    content: bytes
    file_name: str
    content_type: str


def report_create(
    *, actor: User | None, kind: str, year: int, committee: Committee | None
) -> Report:
    """A committee's report of a kind and year (committee None: the whole municipality)."""
    if actor is not None and not selectors.may_create(actor, committee):
        raise PermissionDenied
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Välj delårsrapport eller helårsrapport.")})
    with transaction.atomic():
        if selectors.report_matching(kind, year, committee) is not None:
            raise ValidationError(
                _("Det finns redan en %(kind)s för %(year)s för %(scope)s.")
                % {
                    "kind": ReportKind(kind).label.lower(),
                    "year": year,
                    "scope": committee.name if committee else _("hela kommunen"),
                }
            )
        return Report.objects.create(kind=kind, year=year, committee=committee, created_by=actor)


def section_mark(*, actor: User | None, report: Report, key: str, ready: bool) -> ReadyMark | None:
    """Marks a section ready (or takes the mark back); None when it already stood so."""
    _refuse_if_archived(report)
    section = selectors.section_for(report, key)
    if actor is not None and not selectors.may_mark(actor, section):
        raise PermissionDenied
    if section.ready == ready:
        return None
    return ReadyMark.objects.create(report=report, goal=section.goal, ready=ready, marked_by=actor)


def report_generate(*, actor: User | None, report: Report, file_format: str) -> Generated:
    """The report in one format: the archived file as it was sent, or a draft built now."""
    selectors.require_view(actor)
    chosen = FileFormat(file_format)
    if report.archived:
        content = selectors.archived_file(report, chosen)
    else:
        content = render(build_document(actor, report), chosen)
    return Generated(
        content=content,
        file_name=selectors.file_name(report, chosen),
        content_type=CONTENT_TYPES[chosen],
    )


def report_archive(*, actor: User | None, report: Report) -> list[ReportFile]:
    """Builds the document once, writes it in every format to DATA_DIR/reports/<id>/ with its
    SHA-256, and locks the report. Every section must be marked ready first."""
    if actor is not None and not selectors.may_archive(actor):
        raise PermissionDenied
    folder = selectors.archive_folder(report)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        _refuse_if_archived(locked)
        not_ready = [s.title for s in selectors.sections_of(locked) if not s.ready]
        if not_ready:
            raise ValidationError(
                _(
                    "Alla avsnitt måste vara klarmarkerade innan rapporten arkiveras. "
                    "Inte klara: %(sections)s."
                )
                % {"sections": "; ".join(not_ready)}
            )
        locked.archived_at = timezone.now()
        locked.archived_by = actor
        document = build_document(actor, locked, now=locked.archived_at)
        _set_aside(folder, locked.archived_at)
        try:
            files = _write_files(locked, document, folder)
            locked.save(update_fields=["archived_at", "archived_by"])
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    report.archived_at, report.archived_by = locked.archived_at, locked.archived_by
    return files


def _write_files(report: Report, document: ReportDocument, folder: Path) -> list[ReportFile]:
    """Each file is written whole and synced before its row is made: a crash leaves no half
    file under an archived name (and the transaction, and the folder, are undone)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for file_format in FileFormat:
        content = render(document, file_format)
        name = selectors.file_name(report, file_format)
        temporary = folder / f"{name}.tmp"
        with temporary.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(folder / name)
        files.append(
            ReportFile.objects.create(
                report=report,
                file_format=file_format,
                name=name,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
        )
    return files


def _set_aside(folder: Path, now: dt.datetime) -> None:
    """Files already where this report's would go belong to no archived report the database
    knows (a restored backup, a rolled-back test): kept beside, never overwritten."""
    if folder.exists():
        folder.rename(folder.with_name(f"{folder.name}.set-aside-{now:%Y%m%d%H%M%S%f}"))


def _refuse_if_archived(report: Report) -> None:
    if report.archived:
        raise ValidationError(_("Rapporten är arkiverad och låst. Den kan inte ändras."))
