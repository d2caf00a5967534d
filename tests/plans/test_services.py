"""Audits, actions and their status history; overdue actions; reminders; who may change what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from helhetsbild.accesslog.models import AppendOnlyError
from helhetsbild.organisation.models import Role
from helhetsbild.plans import selectors
from helhetsbild.plans.models import Action, Audit, AuditKind, Status, StatusChange
from helhetsbild.plans.services import (
    action_status_change,
    audit_create,
    plans_demo_ensure,
    reminders_send,
)
from tests.factories import TODAY, caseworker, make_user
from tests.plans.world import make_action, make_audit

pytestmark = pytest.mark.django_db


def test_an_audit_keeps_its_questions_and_recommendations_in_order(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    assert [(q.position, q.assessment) for q in audit.questions.all()] == [
        (1, "delvis uppfyllt"),
        (2, ""),
    ]
    assert [r.text for r in audit.recommendations.all()] == [
        "Tydliggöra ansvaret.",
        "Följa upp planen årligen.",
    ]
    assert {c.code for c in audit.committees.all()} == {"KS", "SN"}


def test_every_status_change_is_dated_commented_and_kept(committees) -> None:  # type: ignore[no-untyped-def]
    action = make_action(make_audit(committees), committees["KS"])
    action_status_change(
        actor=None, action=action, status=Status.STARTED, comment="Igång.", today=TODAY
    )
    action_status_change(
        actor=None, action=action, status=Status.DONE, comment="Beslutad.", today=TODAY
    )

    history = list(selectors.history_of(action))
    assert [(h.status, h.comment) for h in history] == [
        (Status.NOT_STARTED, "Åtgärden lades in."),
        (Status.STARTED, "Igång."),
        (Status.DONE, "Beslutad."),
    ]
    assert Action.objects.get(pk=action.pk).status == Status.DONE
    with pytest.raises(AppendOnlyError):
        history[0].delete()
    with pytest.raises(AppendOnlyError):
        StatusChange.objects.filter(action=action).update(comment="ändrad")


def test_a_change_recorded_late_for_an_earlier_day_keeps_its_place(committees) -> None:  # type: ignore[no-untyped-def]
    action = make_action(make_audit(committees), committees["KS"])
    action_status_change(
        actor=None, action=action, status=Status.DONE, comment="Klar.", date=TODAY, today=TODAY
    )
    action_status_change(
        actor=None,
        action=action,
        status=Status.STARTED,
        comment="Påbörjades egentligen i förra veckan.",
        date=TODAY - dt.timedelta(days=7),
        today=TODAY,
    )
    assert Action.objects.get(pk=action.pk).status == Status.DONE


@pytest.mark.parametrize(
    ("comment", "date", "message"),
    [
        ("  ", TODAY, "kommentar"),
        ("Klar.", TODAY + dt.timedelta(days=1), "datum"),
    ],
)
def test_a_status_change_needs_a_comment_and_a_day_that_has_come(  # type: ignore[no-untyped-def]
    committees, comment: str, date: dt.date, message: str
) -> None:
    action = make_action(make_audit(committees), committees["KS"])
    with pytest.raises(ValidationError, match=message):
        action_status_change(
            actor=None, action=action, status=Status.DONE, comment=comment, date=date, today=TODAY
        )
    assert action.history.count() == 1


def test_an_action_has_a_date_or_is_continuous_with_a_follow_up_point(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    continuous = make_action(audit, committees["SN"], deadline=None)
    assert continuous.timetable == "Kontinuerligt, följs upp i årsredovisningen"
    with pytest.raises(ValidationError):
        make_action(audit, committees["SN"], deadline=None, follow_up="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            recommendation=audit.recommendations.first(),
            text="Utan tidsplan",
            responsible="X",
            committee=committees["KS"],
        )


def test_overdue_actions_are_those_past_their_deadline_and_not_done(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    late = make_action(audit, committees["KS"], deadline=TODAY - dt.timedelta(days=1))
    make_action(audit, committees["KS"], deadline=TODAY - dt.timedelta(days=1), status=Status.DONE)
    make_action(audit, committees["SN"], deadline=TODAY)
    make_action(audit, committees["SN"], deadline=None)

    overdue = selectors.actions_for(None, overdue=True, today=TODAY)
    assert list(overdue) == [late]
    progress = selectors.progress(selectors.actions_for(None, audit=audit), TODAY)
    assert (progress.total, progress.done, progress.overdue) == (4, 1, 1)
    assert progress.summary() == "1 av 4 åtgärder klara"


def test_an_action_plan_counts_its_activities(committees) -> None:  # type: ignore[no-untyped-def]
    plan = audit_create(
        actor=None,
        kind=AuditKind.ACTION_PLAN,
        title="Handlingsplan för integration 2026",
        recommendations=["Språk och utbildning", "Arbete"],
    )
    make_action(plan, committees["UN"], status=Status.DONE)
    make_action(plan, committees["AMN"], position=2)
    progress = selectors.progress(selectors.actions_for(None, audit=plan))
    assert progress.summary(plan.kind) == "1 av 2 aktiviteter slutförda"


def test_reminders_go_to_the_responsible_before_the_deadline_once(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    anna = make_user(Role.ANALYST, username="anna")
    anna.email = "anna@kommun.example"
    anna.save()
    sn_worker = caseworker(committees["SN"])
    sn_worker.email = "sn@kommun.example"
    sn_worker.save()
    soon = make_action(
        audit, committees["KS"], deadline=TODAY + dt.timedelta(days=5), responsible_user=anna
    )
    late = make_action(audit, committees["SN"], deadline=TODAY - dt.timedelta(days=2))
    make_action(audit, committees["KS"], deadline=TODAY + dt.timedelta(days=30))  # not yet
    make_action(audit, committees["KS"], deadline=TODAY + dt.timedelta(days=3), status=Status.DONE)

    reminders = reminders_send(today=TODAY, days=14)

    assert {(r.recipient, r.actions) for r in reminders} == {
        ("anna@kommun.example", (soon,)),
        ("sn@kommun.example", (late,)),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@kommun.example", "sn@kommun.example"]
    message = next(m for m in mail.outbox if m.to == ["anna@kommun.example"])
    assert "Åtgärd för KS" in message.body and "senast 2026-11-27" in message.body
    assert reminders_send(today=TODAY, days=14) == []
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("role", "committee", "allowed"),
    [
        (Role.CASEWORKER, "KS", True),
        (Role.CASEWORKER, "SN", False),
        (Role.ANALYST, None, True),
        (Role.READER, None, False),
        (Role.CONTROLLER, None, False),
        (Role.ADMIN, None, False),
    ],
)
def test_who_may_change_the_status_of_a_ks_action(  # type: ignore[no-untyped-def]
    committees, role: str, committee: str | None, allowed: bool
) -> None:
    action = make_action(make_audit(committees), committees["KS"])
    user = make_user(role, committees[committee] if committee else None)
    if allowed:
        action_status_change(actor=user, action=action, status=Status.STARTED, comment="Igång.")
    else:
        with pytest.raises(PermissionDenied):
            action_status_change(actor=user, action=action, status=Status.STARTED, comment="Igång.")
    assert action.history.count() == (2 if allowed else 1)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ANALYST, True),
        (Role.ADMIN, True),
        (Role.CASEWORKER, False),
        (Role.READER, False),
        (Role.CONTROLLER, False),
    ],
)
def test_who_may_save_an_audit(committees, role: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role, committees["KS"] if role == Role.CASEWORKER else None)
    if allowed:
        audit_create(actor=user, title="Granskning")
    else:
        with pytest.raises(PermissionDenied):
            audit_create(actor=user, title="Granskning")
    assert Audit.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_follows_the_audits(committees, role: str) -> None:  # type: ignore[no-untyped-def]
    make_audit(committees)
    user = make_user(role, committees["SN"] if role == Role.CASEWORKER else None)
    assert selectors.audits_for(user).count() == 1


def test_the_demo_audit_is_read_from_a_real_report_and_made_once(committees) -> None:  # type: ignore[no-untyped-def]
    audit = plans_demo_ensure()
    assert audit.auditor == "PwC"
    assert audit.recommendations.count() == 6 and audit.questions.count() == 6
    statuses = set(selectors.actions_for(None, audit=audit).values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert plans_demo_ensure() == audit
    assert Audit.objects.count() == 1
