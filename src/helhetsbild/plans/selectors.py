"""Reads of audits, action plans and actions: for the pages, the exports, the reminders and the
committee's report (docs/audits.md describes this API).

Audits and their follow-up are public documents (allmänna handlingar) with no personal data, so
every role that holds `AUDIT_VIEW` sees all of them; committees scope who may change an action,
not who may read it. `user` None is the operator at the command line.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from helhetsbild.organisation import permissions
from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Viewer
from helhetsbild.plans.models import Action, Audit, AuditKind, Recommendation, Status, StatusChange


def _require_view(user: Viewer | None) -> None:
    if user is not None and not permissions.can(user, permissions.Action.AUDIT_VIEW):
        raise Http404


def audits_for(user: Viewer | None, *, kind: str | None = None) -> QuerySet[Audit]:
    """Audits and action plans, newest first, with their committees."""
    _require_view(user)
    audits = Audit.objects.prefetch_related("committees")
    return audits.filter(kind=kind) if kind else audits


def audit_for(user: Viewer | None, audit_id: int) -> Audit:
    """One audit with its questions, recommendations and their actions, ready to show."""
    _require_view(user)
    actions = Action.objects.select_related("committee", "responsible_user")
    recommendations = Recommendation.objects.prefetch_related(Prefetch("actions", actions))
    audit = (
        Audit.objects.prefetch_related(
            "committees", "questions", Prefetch("recommendations", recommendations)
        )
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise Http404
    return audit


def actions_for(
    user: Viewer | None,
    *,
    audit: Audit | None = None,
    committee: Committee | None = None,
    mine: bool = False,
    overdue: bool = False,
    status: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Action]:
    """Actions, soonest deadline first: of one audit, of one committee, the user's own (where
    they are the responsible user), those overdue on `today`, or in one status."""
    _require_view(user)
    actions = Action.objects.select_related(
        "committee", "responsible_user", "recommendation__audit"
    ).order_by("continuous", "deadline", "pk")
    if audit is not None:
        actions = actions.filter(recommendation__audit=audit)
    if committee is not None:
        actions = actions.filter(committee=committee)
    if mine:
        actions = actions.filter(responsible_user_id=getattr(user, "pk", None))
    if overdue:
        actions = actions.filter(deadline__lt=today or timezone.localdate()).exclude(
            status=Status.DONE
        )
    if status:
        actions = actions.filter(status=status)
    return actions


def action_for(user: Viewer | None, action_id: int) -> Action:
    _require_view(user)
    action = (
        Action.objects.select_related("committee", "responsible_user", "recommendation__audit")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def history_of(action: Action) -> QuerySet[StatusChange]:
    """The action's status history, oldest first."""
    return action.history.select_related("changed_by").order_by("date", "changed_at", "pk")


def may_edit_audits(user: Viewer) -> bool:
    return permissions.can(user, permissions.Action.AUDIT_EDIT)


def action_committees_for(user: Viewer) -> QuerySet[Committee]:
    """The committees whose actions `user` may add and update."""
    return permissions.committees_for(user, permissions.Action.ACTION_UPDATE)


def may_update(user: Viewer, action: Action) -> bool:
    return action_committees_for(user).filter(pk=action.committee_id).exists()


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    started: int
    not_started: int
    overdue: int

    def summary(self, kind: str = AuditKind.AUDIT) -> str:
        """'30 av 49 aktiviteter slutförda' (an action plan) or '3 av 7 åtgärder klara'."""
        values = {"done": self.done, "total": self.total}
        if kind == AuditKind.ACTION_PLAN:
            return (
                ngettext(
                    "%(done)s av %(total)s aktivitet slutförd",
                    "%(done)s av %(total)s aktiviteter slutförda",
                    self.total,
                )
                % values
            )
        return (
            ngettext(
                "%(done)s av %(total)s åtgärd klar",
                "%(done)s av %(total)s åtgärder klara",
                self.total,
            )
            % values
        )


def progress(actions: Iterable[Action], today: dt.date | None = None) -> Progress:
    today = today or timezone.localdate()
    items = list(actions)
    return Progress(
        total=len(items),
        done=sum(a.status == Status.DONE for a in items),
        started=sum(a.status == Status.STARTED for a in items),
        not_started=sum(a.status == Status.NOT_STARTED for a in items),
        overdue=sum(a.is_overdue(today) for a in items),
    )


@dataclass(frozen=True)
class AnswerRow:
    """One row of the committee's answer to the auditors."""

    recommendation: str
    action: str
    responsible: str
    timetable: str
    committee: str
    status: str  # a Status value, or "" for a recommendation without actions yet
    status_label: str
    recommendation_position: int


def answer_rows(audit: Audit, committee: Committee | None = None) -> list[AnswerRow]:
    """The table the auditors expect: recommendation, action, responsible, timetable, committee
    and status; a recommendation without actions gets a row of its own, so none is missed."""
    rows: list[AnswerRow] = []
    for recommendation in audit.recommendations.prefetch_related("actions__committee"):
        actions = [
            a for a in recommendation.actions.all() if committee is None or a.committee == committee
        ]
        if not actions and committee is None:
            rows.append(
                AnswerRow(recommendation.text, "", "", "", "", "", "", recommendation.position)
            )
        rows += [
            AnswerRow(
                recommendation=recommendation.text,
                action=action.text,
                responsible=action.responsible,
                timetable=action.timetable,
                committee=action.committee.code,
                status=action.status,
                status_label=action.get_status_display(),
                recommendation_position=recommendation.position,
            )
            for action in actions
        ]
    return rows


@dataclass(frozen=True)
class StatusCount:
    date: dt.date
    not_started: int
    started: int
    done: int


def status_over_time(audit: Audit) -> list[StatusCount]:
    """How many of the audit's actions stood in each status, on each day a status changed: what
    the auditors follow from one review to the next."""
    changes = (
        StatusChange.objects.filter(action__recommendation__audit=audit)
        .order_by("date", "changed_at", "pk")
        .values_list("action_id", "status", "date")
    )
    current: dict[int, str] = {}
    counts: list[StatusCount] = []
    for action_id, status, date in changes:
        current[action_id] = status
        tally = StatusCount(
            date=date,
            not_started=sum(s == Status.NOT_STARTED for s in current.values()),
            started=sum(s == Status.STARTED for s in current.values()),
            done=sum(s == Status.DONE for s in current.values()),
        )
        if counts and counts[-1].date == date:
            counts[-1] = tally
        else:
            counts.append(tally)
    return counts


def due_for_reminder(*, today: dt.date, days: int) -> QuerySet[Action]:
    """Actions not done whose deadline is at most `days` away, or past, and not yet reminded of
    for that deadline."""
    return (
        Action.objects.select_related("committee", "responsible_user", "recommendation__audit")
        .filter(deadline__lte=today + dt.timedelta(days=days))
        .exclude(status=Status.DONE)
        .exclude(reminded_for=F("deadline"))
        .order_by("deadline", "pk")
    )


def recommendation_for(user: Viewer | None, recommendation_id: int) -> Recommendation:
    _require_view(user)
    recommendation = (
        Recommendation.objects.select_related("audit").filter(pk=recommendation_id).first()
    )
    if recommendation is None:
        raise Http404
    return recommendation


def progress_by_audit(user: Viewer | None, today: dt.date | None = None) -> dict[int, Progress]:
    """Each audit's progress, from one query: for the list of audits."""
    _require_view(user)
    by_audit: dict[int, list[Action]] = {}
    for action in Action.objects.select_related("recommendation"):
        by_audit.setdefault(action.recommendation.audit_id, []).append(action)
    return {audit_id: progress(items, today) for audit_id, items in by_audit.items()}
