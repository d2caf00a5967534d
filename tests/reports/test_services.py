"""Starting a report, its sections, marking them ready, who may do what, and archiving: the
archived files are kept with their SHA-256, the report is locked, and downloads serve the
archived bytes unchanged whatever happens to the figures afterwards."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helhetsbild.goals.models import GoalKind
from helhetsbild.goals.services import goal_add, goal_assessment_add
from helhetsbild.goals.status import Fulfilment
from helhetsbild.organisation.models import Role
from helhetsbild.reports import selectors
from helhetsbild.reports.models import FileFormat, ReadyMark, Report, ReportFile, ReportKind
from helhetsbild.reports.selectors import ACTIONS_KEY, ArchiveDamaged, sections_of
from helhetsbild.reports.services import (
    report_archive,
    report_create,
    report_generate,
    section_mark,
)
from tests.factories import caseworker, make_user
from tests.goals.support import YEAR
from tests.reports.world import SmallWorld, small_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_data_dir")]


@pytest.fixture
def world(committees) -> SmallWorld:  # type: ignore[no-untyped-def]
    return small_world(committees)


def analyst():  # type: ignore[no-untyped-def]
    return make_user(Role.ANALYST)


def key(goal) -> str:  # type: ignore[no-untyped-def]
    return f"mal-{goal.pk}"


def mark_all(report: Report) -> None:
    for section in sections_of(report):
        section_mark(actor=analyst(), report=report, key=section.key, ready=True)


def test_a_committee_report_has_a_section_per_goal_with_its_activities_then_the_actions(
    world: SmallWorld,
) -> None:
    tree = world.tree
    sn = report_create(
        actor=caseworker(world.committees["SN"]),
        kind=ReportKind.INTERIM,
        year=YEAR,
        committee=world.committees["SN"],
    )
    sections = sections_of(sn)
    assert [(s.title, [g.title for g in s.members]) for s in sections] == [
        (tree.sn_goal.title, [tree.sn_goal.title, tree.sn_activity.title]),
        ("Åtgärder efter granskningar", []),
    ]
    ks_activity = goal_add(
        actor=analyst(),
        year=YEAR,
        kind=GoalKind.ACTIVITY,
        title="Praktikplatser i förvaltningarna",
        parent=tree.amn_goal,
        committee=world.committees["KS"],
    )
    ks = report_create(
        actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=ks_activity.committee
    )
    assert [s.goal for s in sections_of(ks)] == [ks_activity, None]  # its goal is AMN's

    whole = report_create(actor=analyst(), kind=ReportKind.ANNUAL, year=YEAR, committee=None)
    assert [s.goal.kind if s.goal else None for s in sections_of(whole)] == [
        GoalKind.VISION,
        GoalKind.STRATEGIC_GOAL,
        GoalKind.COMMITTEE_GOAL,  # SN's, its activity within it
        GoalKind.COMMITTEE_GOAL,  # AMN's, the KS activity within it
        None,
    ]


def test_one_report_of_a_kind_per_year_and_committee(world: SmallWorld) -> None:
    sn = world.committees["SN"]
    report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=None)
    report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=sn)
    for committee in (sn, None):
        with pytest.raises(ValidationError, match="Det finns redan en delårsrapport"):
            report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=committee)


def test_a_reporter_marks_a_section_ready_with_who_and_when_and_may_take_it_back(
    world: SmallWorld,
) -> None:
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=None)
    reporter = caseworker(world.committees["SN"])
    section_key = key(world.tree.sn_goal)

    mark = section_mark(actor=reporter, report=report, key=section_key, ready=True)
    assert mark is not None and mark.marked_by == reporter and mark.marked_at is not None
    assert section_mark(actor=reporter, report=report, key=section_key, ready=True) is None
    section = selectors.section_for(report, section_key)
    assert section.ready and section.mark == mark

    section_mark(actor=reporter, report=report, key=section_key, ready=False)
    assert not selectors.section_for(report, section_key).ready
    assert ReadyMark.objects.filter(report=report).count() == 2  # both kept


@pytest.mark.parametrize(
    ("role", "bound_to", "section", "allowed"),
    [
        (Role.CASEWORKER, "SN", "sn_goal", True),
        (Role.CASEWORKER, "AMN", "sn_goal", False),
        (Role.CASEWORKER, "SN", "strategic", False),  # the council's
        (Role.ANALYST, None, "strategic", True),
        (Role.ANALYST, None, "sn_goal", True),
        (Role.READER, None, "sn_goal", False),
        (Role.CONTROLLER, None, "sn_goal", False),
        (Role.ADMIN, None, "sn_goal", False),
    ],
)
def test_who_may_mark_a_section_ready(  # type: ignore[no-untyped-def]
    world: SmallWorld, role, bound_to, section, allowed
) -> None:
    report = report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=None)
    user = make_user(role, world.committees[bound_to] if bound_to else None)
    goal = getattr(world.tree, section)
    if allowed:
        assert section_mark(actor=user, report=report, key=key(goal), ready=True) is not None
    else:
        with pytest.raises(PermissionDenied):
            section_mark(actor=user, report=report, key=key(goal), ready=True)
        assert not ReadyMark.objects.exists()


def test_the_goals_named_responsible_person_may_mark_its_section(world: SmallWorld) -> None:
    report = report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=None)
    reader = make_user(Role.READER)
    goal = world.tree.amn_goal
    with pytest.raises(PermissionDenied):
        section_mark(actor=reader, report=report, key=key(goal), ready=True)
    goal.responsible_user = reader
    goal.save()
    assert section_mark(actor=reader, report=report, key=key(goal), ready=True) is not None


@pytest.mark.parametrize(
    ("role", "bound_to", "committee", "allowed"),
    [
        (Role.CASEWORKER, "SN", "SN", True),
        (Role.CASEWORKER, "SN", "KS", False),
        (Role.CASEWORKER, "SN", None, False),  # the whole municipality's
        (Role.ANALYST, None, "KS", True),
        (Role.ANALYST, None, None, True),
        (Role.READER, None, "SN", False),
        (Role.CONTROLLER, None, None, False),
        (Role.ADMIN, None, "SN", False),
    ],
)
def test_who_may_start_a_report(  # type: ignore[no-untyped-def]
    world: SmallWorld, role, bound_to, committee, allowed
) -> None:
    user = make_user(role, world.committees[bound_to] if bound_to else None)
    chosen = world.committees[committee] if committee else None
    if allowed:
        report = report_create(actor=user, kind=ReportKind.ANNUAL, year=YEAR, committee=chosen)
        assert report.created_by == user
    else:
        with pytest.raises(PermissionDenied):
            report_create(actor=user, kind=ReportKind.ANNUAL, year=YEAR, committee=chosen)
        assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("role", "bound_to", "allowed"),
    [
        (Role.ANALYST, None, True),
        (Role.CASEWORKER, "SN", False),
        (Role.ADMIN, None, False),
        (Role.READER, None, False),
        (Role.CONTROLLER, None, False),
    ],
)
def test_only_analysts_archive(world: SmallWorld, role, bound_to, allowed) -> None:  # type: ignore[no-untyped-def]
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    mark_all(report)
    user = make_user(role, world.committees[bound_to] if bound_to else None)
    if allowed:
        assert len(report_archive(actor=user, report=report)) == 3
    else:
        with pytest.raises(PermissionDenied):
            report_archive(actor=user, report=report)
        report.refresh_from_db()
        assert not report.archived and not ReportFile.objects.exists()


def test_a_report_with_sections_not_ready_is_not_archived(world: SmallWorld) -> None:
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    section_mark(actor=None, report=report, key=key(world.tree.sn_goal), ready=True)
    with pytest.raises(ValidationError, match="Inte klara: Åtgärder efter granskningar"):
        report_archive(actor=analyst(), report=report)
    report.refresh_from_db()
    assert not report.archived
    assert not selectors.archive_folder(report).exists()


def test_an_archived_report_is_locked_and_served_as_it_was_sent(world: SmallWorld) -> None:
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    mark_all(report)
    files = report_archive(actor=analyst(), report=report)

    report.refresh_from_db()
    assert report.archived and report.archived_by is not None
    folder = selectors.archive_folder(report)
    for stored in files:
        content = (folder / stored.name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size
    archived = {f: report_generate(actor=None, report=report, file_format=f) for f in FileFormat}
    assert b"Arkiverad " in archived[FileFormat.HTML].content

    # Nothing more is accepted ...
    with pytest.raises(ValidationError, match="arkiverad och låst"):
        section_mark(actor=None, report=report, key=ACTIONS_KEY, ready=False)
    with pytest.raises(ValidationError, match="arkiverad och låst"):
        report_archive(actor=None, report=report)

    # ... and a new assessment changes the draft of another report, never the archived bytes.
    goal_assessment_add(
        actor=caseworker(sn),
        goal=world.tree.sn_goal,
        fulfilment=Fulfilment.FULFILLED,
        analysis="En sen analys som inte skickades.",
        comment="",
    )
    for file_format, before in archived.items():
        again = report_generate(
            actor=make_user(Role.READER), report=report, file_format=file_format
        )
        assert again.content == before.content, file_format
    draft = report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=sn)
    assert (
        b"En sen analys"
        in report_generate(actor=None, report=draft, file_format=FileFormat.HTML).content
    )
    assert b"En sen analys" not in archived[FileFormat.HTML].content


def test_a_changed_archived_file_is_refused_not_served(world: SmallWorld) -> None:
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    mark_all(report)
    stored = next(f for f in report_archive(actor=None, report=report) if f.file_format == "pdf")
    path = selectors.archive_folder(report) / stored.name
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(ArchiveDamaged):
        report_generate(actor=None, report=report, file_format=FileFormat.PDF)


def test_files_left_where_an_archive_goes_are_set_aside_not_overwritten(
    world: SmallWorld,
) -> None:
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=sn)
    mark_all(report)
    folder = selectors.archive_folder(report)
    folder.mkdir(parents=True)
    (folder / "delarsrapport-2026-SN.pdf").write_bytes(b"from a restored backup")
    report_archive(actor=None, report=report)
    kept = list(folder.parent.glob(f"{folder.name}.set-aside-*/delarsrapport-2026-SN.pdf"))
    assert [path.read_bytes() for path in kept] == [b"from a restored backup"]
    assert report_generate(actor=None, report=report, file_format="pdf").content.startswith(b"%PDF")
