"""Reads of reports: the list, one report, its sections with their ready marks, who may do what
with them, and the archived files.

A report's sections follow from the goals of its year on every read, so a goal added after the
report was started is a section of it at once (not ready). A section is a goal of the report's
scope with the activities under it that are in the same scope; an activity whose goal lies
outside the scope (a KS activity under an AMN goal, in KS's report) is a section of its own. The
last section is the actions after audits. `user` None is the operator at the command line.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from helhetsbild.goals.models import Goal, GoalKind
from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Action, can, can_for, committees_for
from helhetsbild.reports.models import FileFormat, ReadyMark, Report, ReportFile, ReportKind

ACTIONS_KEY = "atgarder"


@dataclass(frozen=True)
class Section:
    """A part of a report that one reporter answers for and marks ready."""

    goal: Goal | None  # None: the actions after audits
    title: str
    committee: Committee | None  # whose reporters mark it; None: the council's (analysts)
    members: tuple[Goal, ...]  # the goal, then the activities reported within it
    mark: ReadyMark | None  # the latest mark, ready or taken back

    @property
    def key(self) -> str:
        return f"mal-{self.goal.pk}" if self.goal else ACTIONS_KEY

    @property
    def ready(self) -> bool:
        return self.mark is not None and self.mark.ready

    @property
    def owner(self) -> str:
        if self.committee is not None:
            return self.committee.name
        return str(_("Kommunfullmäktige")) if self.goal else str(_("Hela kommunen"))


class ArchiveDamaged(Exception):
    """An archived file is missing or no longer has the SHA-256 it was archived with."""


def require_view(user: User | None) -> None:
    if user is not None and not can(user, Action.REPORT_VIEW):
        raise PermissionDenied


def reports_for(user: User | None) -> QuerySet[Report]:
    """Every report, the newest year first: reports hold aggregates only, so all roles see all."""
    require_view(user)
    return Report.objects.select_related("committee", "created_by", "archived_by")


def report_for(user: User | None, report_id: int) -> Report:
    report = reports_for(user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def report_matching(kind: str, year: int, committee: Committee | None) -> Report | None:
    return (
        Report.objects.select_related("committee", "archived_by")
        .filter(kind=kind, year=year, committee=committee)
        .first()
    )


def sections_of(report: Report) -> list[Section]:
    """The goal sections in the order of the goal tree, then the actions; each with its latest
    ready mark. An unsaved report (the command line's) has no marks."""
    goals = list(
        Goal.objects.filter(year=report.year).select_related(
            "committee", "parent", "responsible_user"
        )
    )
    known = {goal.pk for goal in goals}
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id if goal.parent_id in known else None, []).append(goal)
    in_scope = {
        goal.pk
        for goal in goals
        if report.committee_id is None or goal.committee_id == report.committee_id
    }
    marks = _latest_marks(report)
    members: dict[int, list[Goal]] = {}  # section goal -> its members
    section_of: dict[int, int] = {}

    def visit(goal: Goal) -> None:
        if goal.pk in in_scope:
            if goal.kind == GoalKind.ACTIVITY and goal.parent_id in section_of:
                section_of[goal.pk] = section_of[goal.parent_id]  # type: ignore[index]
                members[section_of[goal.pk]].append(goal)
            else:
                section_of[goal.pk] = goal.pk
                members[goal.pk] = [goal]
        for child in children.get(goal.pk, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    sections = [
        Section(
            goal=group[0],
            title=group[0].title,
            committee=group[0].committee,
            members=tuple(group),
            mark=marks.get(group[0].pk),
        )
        for group in members.values()
    ]
    sections.append(
        Section(
            goal=None,
            title=_("Åtgärder efter granskningar"),
            committee=report.committee,
            members=(),
            mark=marks.get(None),
        )
    )
    return sections


def section_for(report: Report, key: str) -> Section:
    found = next((s for s in sections_of(report) if s.key == key), None)
    if found is None:
        raise Http404
    return found


def _latest_marks(report: Report) -> dict[int | None, ReadyMark]:
    if report.pk is None:
        return {}
    found: dict[int | None, ReadyMark] = {}
    for mark in ReadyMark.objects.filter(report=report).select_related("marked_by").order_by("id"):
        found[mark.goal_id] = mark
    return found


def report_committees_for(user: User) -> QuerySet[Committee]:
    """The committees whose reports `user` may start."""
    return committees_for(user, Action.REPORT_EDIT)


def may_create(user: User, committee: Committee | None) -> bool:
    """A committee's report by its reporters; the whole municipality's by analysts."""
    return can_for(user, Action.REPORT_EDIT, committee)


def may_mark(user: User, section: Section) -> bool:
    """The committee's reporters, or the goal's named responsible person, as for assessing it."""
    goal = section.goal
    if goal is not None and goal.responsible_user_id == user.pk:
        return can(user, Action.REPORT_VIEW)
    return can_for(user, Action.REPORT_EDIT, section.committee)


def may_archive(user: User) -> bool:
    return can(user, Action.REPORT_ARCHIVE)


def archive_folder(report: Report) -> Path:
    return Path(settings.DATA_DIR) / "reports" / str(report.pk)


def file_name(report: Report, file_format: str) -> str:
    """e.g. "delarsrapport-2026-SN.pdf"; the whole municipality's has no code."""
    kind = {ReportKind.INTERIM: "delarsrapport", ReportKind.ANNUAL: "helarsrapport"}[
        ReportKind(report.kind)
    ]
    code = f"-{report.committee.code}" if report.committee else "-kommunen"
    return f"{kind}-{report.year}{code}.{FileFormat(file_format).value}"


def archived_file(report: Report, file_format: str) -> bytes:
    """The archived bytes, unchanged; checked against their SHA-256 before they are served."""
    stored = ReportFile.objects.filter(report=report, file_format=file_format).first()
    if stored is None:
        raise Http404
    path = archive_folder(report) / stored.name
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ArchiveDamaged(str(path)) from None
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        raise ArchiveDamaged(str(path))
    return content


def archived_files(report: Report) -> list[ReportFile]:
    return list(ReportFile.objects.filter(report=report).order_by("file_format"))
