"""Changes to audits, action plans and actions. Each takes the acting user (None: the operator at
the command line) and checks that user's permission here, so the pages and commands cannot
forget it."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.organisation import permissions
from helhetsbild.organisation.models import Committee, Membership, Role
from helhetsbild.plans import selectors
from helhetsbild.plans.extract import Proposal, extract
from helhetsbild.plans.models import (
    Action,
    Audit,
    AuditKind,
    AuditQuestion,
    Recommendation,
    Status,
    StatusChange,
)

# A public audit report (Knivsta 2018, PwC) with the committees' answers, shipped for the demo.
DEMO_SOURCE = "demo-granskning-knivsta-2018.txt"


def _require(
    actor: User | None, action: permissions.Action, committee: Committee | None = None
) -> None:
    if actor is None:
        return
    allowed = permissions.committees_for(actor, action)
    if committee is None and not allowed.exists():
        raise PermissionDenied
    if committee is not None and not allowed.filter(pk=committee.pk).exists():
        raise PermissionDenied


def audit_create(
    *,
    actor: User | None,
    title: str,
    kind: str = AuditKind.AUDIT,
    auditor: str = "",
    date: dt.date | None = None,
    committees: Iterable[Committee] = (),
    questions: Sequence[tuple[str, str]] = (),
    recommendations: Sequence[str] = (),
    source_name: str = "",
) -> Audit:
    """Save an audit (or an action plan) as a person confirmed it: `questions` are pairs of text
    and assessment ('' where the report gives none)."""
    _require(actor, permissions.Action.AUDIT_EDIT)
    if not title.strip():
        raise ValidationError(_("Granskningen behöver en titel."))
    with transaction.atomic():
        audit = Audit.objects.create(
            kind=kind,
            title=title.strip(),
            auditor=auditor.strip(),
            date=date,
            source_name=source_name[:200],
            created_by=actor,
        )
        audit.committees.set(committees)
        AuditQuestion.objects.bulk_create(
            AuditQuestion(audit=audit, position=i, text=text.strip(), assessment=assessment)
            for i, (text, assessment) in enumerate((q for q in questions if q[0].strip()), start=1)
        )
        Recommendation.objects.bulk_create(
            Recommendation(audit=audit, position=i, text=text.strip())
            for i, text in enumerate((r for r in recommendations if r.strip()), start=1)
        )
    return audit


def audit_from_proposal(
    *,
    actor: User | None,
    proposal: Proposal,
    committees: Iterable[Committee] = (),
    source_name: str = "",
) -> Audit:
    """Save what the extractor proposed as it stands: for the operator's command line and the
    demo, where no one reviews it on a page first."""
    return audit_create(
        actor=actor,
        title=proposal.title or source_name or _("Granskning utan titel"),
        auditor=proposal.auditor or "",
        date=proposal.date,
        committees=committees,
        questions=[(q.text, q.assessment or "") for q in proposal.questions],
        recommendations=proposal.recommendations,
        source_name=source_name,
    )


def action_create(
    *,
    actor: User | None,
    recommendation: Recommendation,
    text: str,
    responsible: str,
    committee: Committee,
    deadline: dt.date | None = None,
    continuous: bool = False,
    follow_up: str = "",
    responsible_user: User | None = None,
    status: str = Status.NOT_STARTED,
    comment: str = "",
    today: dt.date | None = None,
) -> Action:
    """A new action with its first history entry: its status on the day it was written down."""
    _require(actor, permissions.Action.ACTION_UPDATE, committee)
    if not text.strip() or not responsible.strip():
        raise ValidationError(_("En åtgärd behöver en beskrivning och en ansvarig."))
    if continuous == (deadline is not None) or (continuous and not follow_up.strip()):
        raise ValidationError(
            _("Ange antingen ett datum, eller ”kontinuerligt” och var arbetet följs upp.")
        )
    with transaction.atomic():
        action = Action.objects.create(
            recommendation=recommendation,
            text=text.strip(),
            responsible=responsible.strip(),
            responsible_user=responsible_user,
            committee=committee,
            deadline=deadline,
            continuous=continuous,
            follow_up=follow_up.strip(),
            status=status,
            created_by=actor,
        )
        StatusChange.objects.create(
            action=action,
            status=status,
            date=today or timezone.localdate(),
            comment=comment.strip() or _("Åtgärden lades in."),
            changed_by=actor,
        )
    return action


def action_status_change(
    *,
    actor: User | None,
    action: Action,
    status: str,
    comment: str,
    date: dt.date | None = None,
    today: dt.date | None = None,
) -> StatusChange:
    """Append a dated, commented status to the action's history; the action's status becomes
    that of the latest entry by date (a change recorded late, for an earlier day, keeps its
    place in the history)."""
    _require(actor, permissions.Action.ACTION_UPDATE, action.committee)
    today = today or timezone.localdate()
    date = date or today
    if not comment.strip():
        raise ValidationError(_("Skriv en kommentar till ändringen."))
    if date > today:
        raise ValidationError(_("En ändring kan inte gälla från ett datum som inte har kommit."))
    if status not in Status.values:
        raise ValidationError(_("Okänd status."))
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        change = StatusChange.objects.create(
            action=locked,
            status=status,
            date=date,
            comment=comment.strip(),
            changed_by=actor,
        )
        latest = locked.history.order_by("-date", "-changed_at", "-pk").first()
        assert latest is not None
        Action.objects.filter(pk=locked.pk).update(status=latest.status)
    action.status = latest.status
    return change


@dataclass(frozen=True)
class Reminder:
    recipient: str
    actions: tuple[Action, ...]


def reminders_send(*, today: dt.date, days: int) -> list[Reminder]:
    """E-mail each responsible person the actions whose deadline falls within `days` (or has
    passed) and that are not done; each deadline is reminded of once, so the command can run
    every day."""
    due = list(selectors.due_for_reminder(today=today, days=days))
    by_recipient: dict[str, list[Action]] = {}
    for action in due:
        for address in _recipients(action):
            by_recipient.setdefault(address, []).append(action)
    reminders = [Reminder(address, tuple(items)) for address, items in sorted(by_recipient.items())]
    for reminder in reminders:
        send_mail(
            subject=_("Påminnelse: %(count)s åtgärder med tidsgräns")
            % {"count": len(reminder.actions)},
            message=_reminder_text(reminder, today),
            from_email=None,
            recipient_list=[reminder.recipient],
        )
    with transaction.atomic():
        for action in due:
            Action.objects.filter(pk=action.pk).update(reminded_for=action.deadline)
    return reminders


def _recipients(action: Action) -> list[str]:
    """The responsible user; without one, the caseworkers of the responsible committee."""
    if action.responsible_user is not None and action.responsible_user.email:
        return [action.responsible_user.email]
    members = Membership.objects.filter(
        committee=action.committee, role=Role.CASEWORKER, user__is_active=True
    ).exclude(user__email="")
    return sorted({m.user.email for m in members.select_related("user")})


def _reminder_text(reminder: Reminder, today: dt.date) -> str:
    lines = [_("Följande åtgärder har en tidsgräns som närmar sig eller har passerat:"), ""]
    for action in reminder.actions:
        assert action.deadline is not None
        when = (
            _("försenad sedan %(date)s") if action.deadline < today else _("senast %(date)s")
        ) % {"date": action.deadline.isoformat()}
        lines += [
            f"- {action.text}",
            f"  {_('Granskning')}: {action.recommendation.audit.title}",
            f"  {_('Rekommendation')}: {action.recommendation.text}",
            f"  {_('Status')}: {action.get_status_display()}, {when}",
            "",
        ]
    lines.append(_("Uppdatera status under Åtgärder i Helhetsbild."))
    return "\n".join(lines)


def plans_demo_ensure() -> Audit:
    """The demo's audit: a real report (Knivsta's, 2018) read by the extractor, with a few of the
    actions the committees answered with, in each status. Run twice, it changes nothing."""
    existing = Audit.objects.filter(source_name=DEMO_SOURCE).first()
    if existing is not None:
        return existing
    text = resources.files("helhetsbild.plans").joinpath(DEMO_SOURCE).read_text("utf-8")
    committees = {c.code: c for c in Committee.objects.filter(code__in=["KS", "SN"])}
    with transaction.atomic():
        audit = audit_from_proposal(
            actor=None,
            proposal=extract(text),
            committees=committees.values(),
            source_name=DEMO_SOURCE,
        )
        recommendations = list(audit.recommendations.all())
        today = timezone.localdate()
        for index, (text, responsible, code, due, status, comment) in enumerate(_DEMO_ACTIONS):
            committee = committees.get(code)
            if committee is None or not recommendations:
                continue
            action_create(
                actor=None,
                recommendation=recommendations[index % len(recommendations)],
                text=text,
                responsible=responsible,
                committee=committee,
                deadline=today + dt.timedelta(days=due) if due is not None else None,
                continuous=due is None,
                follow_up="" if due is not None else _("verksamhetsberättelsen vid årsbokslutet"),
                status=status,
                comment=comment,
            )
    return audit


# (action, responsible, committee, days to deadline or None for continuous, status, comment)
_DEMO_ACTIONS: list[tuple[str, str, str, int | None, str, str]] = [
    (
        "Ta fram ett kommunövergripande styrdokument om social hållbarhet där integration ingår.",
        "Integrationssamordnare",
        "KS",
        200,
        Status.STARTED,
        "Arbetet har startat i den strategiska gruppen.",
    ),
    (
        "Uppdragsbeskrivning för integrationssamordnare och flyktingsamordnare.",
        "Enhetschefer",
        "KS",
        -10,
        Status.NOT_STARTED,
        "Inte påbörjad.",
    ),
    (
        "Inventera nätverken kring integration, interna och externa.",
        "Kvalitets- och utvecklingsavdelningen",
        "SN",
        10,
        Status.STARTED,
        "Inventeringen pågår.",
    ),
    (
        "Årshjul för forumet för social hållbarhet, med uppföljning.",
        "Integrationssamordnare",
        "KS",
        None,
        Status.STARTED,
        "Följs upp årligen.",
    ),
    (
        "Uppdragsbeskrivning för strategisk grupp för integration.",
        "Strategisk grupp för integration",
        "KS",
        -30,
        Status.DONE,
        "Beslutad i styrgruppen.",
    ),
    (
        "Sammanställning till kommundirektörens ledningsgrupp varje år.",
        "Integrationssamordnare",
        "SN",
        None,
        Status.NOT_STARTED,
        "Första sammanställningen görs i vår.",
    ),
]
