"""Changes to the goal tree: each one function that takes the acting user, checks the permission,
validates, and writes in one transaction (STYLE.md #2).

Every change that can move a status ends by recording the statuses of its year
(`goal_statuses_record`), so the status history is complete without ever storing a status in
place of computing it. Reports (targets, outcomes, assessments) made after their year is closed
are accepted, marked late and written to the access log.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis import selectors as analysis_selectors
from helhetsbild.analysis.catalogue import Direction, indicator
from helhetsbild.analysis.store import StoreMissing
from helhetsbild.goals.models import (
    COUNCIL_KINDS,
    KIND_LEVEL,
    NESTING_KINDS,
    Assessment,
    Goal,
    GoalIndicator,
    GoalKind,
    GoalPeriod,
    Outcome,
    Source,
    StatusRecord,
    Target,
)
from helhetsbild.goals.selectors import (
    TOTAL,
    can_assess,
    can_edit,
    engine_observed,
    goal_status_for,
    goal_tree_for,
)
from helhetsbild.goals.status import DEFAULT_YELLOW_WITHIN, Fulfilment, assessment_differs
from helhetsbild.organisation.models import Committee

KOLADA_ID = re.compile(r"^[A-Z][0-9]{5}$")


@dataclass(frozen=True)
class Values:
    """A value (a target or an outcome) for all, and optionally for women and for men."""

    total: float | None = None
    women: float | None = None
    men: float | None = None

    @property
    def empty(self) -> bool:
        return self.total is None and self.women is None and self.men is None


@transaction.atomic
def goal_add(
    *,
    actor: User,
    year: int,
    kind: str,
    title: str,
    description: str = "",
    parent: Goal | None = None,
    committee: Committee | None = None,
    responsible_user: User | None = None,
    responsible_role: str = "",
) -> Goal:
    if not can_edit(actor, committee):
        raise PermissionDenied
    chosen = GoalKind(kind)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Skriv målets rubrik.")
    if chosen in COUNCIL_KINDS and committee is not None:
        errors["committee"] = _(
            "Vision och inriktningsmål beslutas av fullmäktige: välj ingen nämnd."
        )
    if chosen in NESTING_KINDS and committee is None:
        errors["committee"] = _("Välj den nämnd som ansvarar för målet eller aktiviteten.")
    if parent is not None and parent.year != year:
        errors["parent"] = _("Det överordnade målet hör till ett annat år.")
    elif not _fits_under(chosen, parent):
        errors["parent"] = _fit_message(chosen)
    if errors:
        raise ValidationError(errors)
    siblings = Goal.objects.filter(year=year, parent=parent)
    goal = Goal.objects.create(
        year=year,
        kind=chosen,
        parent=parent,
        title=title.strip(),
        description=description.strip(),
        committee=committee,
        responsible_user=responsible_user,
        responsible_role=responsible_role.strip(),
        order=(siblings.aggregate(last=Max("order"))["last"] or 0) + 1,
        created_by=actor,
    )
    goal_statuses_record(year=year, actor=actor)
    return goal


@transaction.atomic
def goal_indicator_add(
    *,
    actor: User,
    goal: Goal,
    source: str,
    indicator_id: str = "",
    kolada_id: str = "",
    title: str = "",
    unit: str = "",
    direction: str = "",
    baseline_value: float | None = None,
    baseline_year: int | None = None,
    yellow_within: float = DEFAULT_YELLOW_WITHIN,
    method_break_year: int | None = None,
    method_break_note: str = "",
    target: Values | None = None,
) -> GoalIndicator:
    """An engine indicator takes its unit and, unless another is given, its direction from the
    catalogue, and its baseline value from the analysis store when only the year is given."""
    if not can_edit(actor, goal.committee):
        raise PermissionDenied
    chosen = Source(source)
    errors: dict[str, str] = {}
    if chosen == Source.ENGINE:
        item = indicator(indicator_id)
        if item is None:
            errors["indicator_id"] = _("Välj en indikator ur katalogen.")
        else:
            unit = item.unit
            if not direction and item.direction != Direction.NONE:
                direction = item.direction
    elif chosen == Source.KOLADA and not KOLADA_ID.match(kolada_id.strip()):
        errors["kolada_id"] = _("Ett Kolada-id är en bokstav och fem siffror, till exempel N00973.")
    if chosen == Source.MANUAL and not title.strip():
        errors["title"] = _("Skriv indikatorns namn.")
    if chosen != Source.ENGINE and not unit:
        errors["unit"] = _("Välj enhet.")
    if direction not in (Direction.UP, Direction.DOWN):
        errors["direction"] = _("Välj om högre eller lägre värde är bättre.")
    if baseline_year is not None and baseline_year > goal.year:
        errors["baseline_year"] = _("Utgångsåret kan inte ligga efter målets år.")
    if baseline_value is not None and baseline_year is None:
        errors["baseline_year"] = _("Ange vilket år utgångsvärdet gäller.")
    if not 0 <= yellow_within <= 100:
        errors["yellow_within"] = _("Gränsen för gul är en procentsats mellan 0 och 100.")
    if errors:
        raise ValidationError(errors)
    if chosen == Source.ENGINE and baseline_value is None and baseline_year is not None:
        baseline_value = _engine_total(indicator_id, baseline_year)
    goal_indicator = GoalIndicator.objects.create(
        goal=goal,
        source=chosen,
        indicator_id=indicator_id if chosen == Source.ENGINE else "",
        kolada_id=kolada_id.strip() if chosen == Source.KOLADA else "",
        title=title.strip() if chosen != Source.ENGINE else "",
        unit=unit,
        direction=direction,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        yellow_within=yellow_within,
        method_break_year=method_break_year,
        method_break_note=method_break_note.strip(),
        order=goal.indicators.count() + 1,
        created_by=actor,
    )
    first_target = None
    if target is not None and not target.empty:
        first_target = _target_create(
            actor=actor, goal_indicator=goal_indicator, values=target, comment=""
        )
    goal_statuses_record(year=goal.year, actor=actor)
    if first_target is not None and first_target.late:
        _log_late(actor, goal, _("målvärde"))
    return goal_indicator


@transaction.atomic
def goal_target_set(
    *, actor: User, goal_indicator: GoalIndicator, values: Values, comment: str = ""
) -> Target:
    """A new target row; the earlier ones stay, so a lowered target is there for all to see."""
    if not can_edit(actor, goal_indicator.goal.committee):
        raise PermissionDenied
    if values.empty:
        raise ValidationError({"total": _("Ange minst ett målvärde.")})
    target = _target_create(
        actor=actor, goal_indicator=goal_indicator, values=values, comment=comment
    )
    goal_statuses_record(year=goal_indicator.goal.year, actor=actor)
    if target.late:
        _log_late(actor, goal_indicator.goal, _("målvärde"))
    return target


@transaction.atomic
def goal_outcome_add(
    *, actor: User, goal_indicator: GoalIndicator, values: Values, comment: str
) -> Outcome:
    """An outcome entered by hand; a correction is another row, never an update."""
    goal = goal_indicator.goal
    if not can_assess(actor, goal):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not goal_indicator.reported_by_hand:
        errors["total"] = _("Indikatorns utfall kommer från analysdatabasen och matas inte in.")
    elif values.empty:
        errors["total"] = _("Ange minst ett utfall.")
    if not comment.strip():
        errors["comment"] = _(
            "Skriv en kommentar till utfallet: varifrån det kommer och vad det visar."
        )
    if errors:
        raise ValidationError(errors)
    late = _closed(goal)
    outcome = Outcome.objects.create(
        goal_indicator=goal_indicator,
        total=values.total,
        women=values.women,
        men=values.men,
        comment=comment.strip(),
        reported_by=actor,
        late=late,
    )
    goal_statuses_record(year=goal.year, actor=actor)
    if late:
        _log_late(actor, goal, _("utfall"))
    return outcome


@transaction.atomic
def goal_assessment_add(
    *, actor: User, goal: Goal, fulfilment: str, analysis: str, comment: str = ""
) -> Assessment:
    """The responsible person's assessment; where it departs from the computed status, the
    comment saying why is required (the form says so too, this is the rule's home)."""
    if not can_assess(actor, goal):
        raise PermissionDenied
    chosen = Fulfilment(fulfilment)
    computed = goal_status_for(None, goal).computed
    errors: dict[str, str] = {}
    if not analysis.strip():
        errors["analysis"] = _("Skriv en analys av måluppfyllelsen.")
    if assessment_differs(computed, chosen) and not comment.strip():
        errors["comment"] = _(
            "Bedömningen %(assessment)s skiljer sig från den beräknade statusen (%(status)s): "
            "förklara varför i en kommentar."
        ) % {"assessment": chosen.label.lower(), "status": computed.status.label.lower()}
    if errors:
        raise ValidationError(errors)
    late = _closed(goal)
    assessment = Assessment.objects.create(
        goal=goal,
        fulfilment=chosen,
        analysis=analysis.strip(),
        comment=comment.strip(),
        computed_status=computed.status,
        computed_explanation=computed.explanation,
        reported_by=actor,
        late=late,
    )
    goal_statuses_record(year=goal.year, actor=actor)
    if late:
        _log_late(actor, goal, _("bedömning"))
    return assessment


@transaction.atomic
def goal_year_copy(*, actor: User, year: int) -> list[Goal]:
    """Next year's plan, beside this year's: the tree, its indicators and their latest targets,
    each copy linked to what it came from. Outcomes, assessments and statuses stay behind."""
    if not can_edit(actor, None):
        raise PermissionDenied
    following = year + 1
    if Goal.objects.filter(year=following).exists():
        raise ValidationError(
            _("%(year)s har redan mål; planen kopieras bara till ett tomt år.")
            % {"year": following}
        )
    goals = list(Goal.objects.filter(year=year).order_by("order", "id"))
    if not goals:
        raise ValidationError(_("%(year)s har inga mål att kopiera.") % {"year": year})
    copies: dict[int, Goal] = {}
    remaining = goals
    while remaining:  # parents before their children
        ready = [g for g in remaining if g.parent_id is None or g.parent_id in copies]
        for goal in ready:
            copies[goal.pk] = _goal_copy(actor, goal, copies.get(goal.parent_id or 0), following)
        remaining = [g for g in remaining if g.pk not in copies]
    goal_statuses_record(year=following, actor=actor)
    return list(copies.values())


@transaction.atomic
def goal_period_close(*, actor: User, year: int) -> GoalPeriod:
    """Closing a year; later reports against it are marked as late corrections."""
    if not can_edit(actor, None):
        raise PermissionDenied
    period, _created = GoalPeriod.objects.select_for_update().get_or_create(year=year)
    if period.closed:
        raise ValidationError(_("%(year)s är redan stängt.") % {"year": year})
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.save(update_fields=["closed_at", "closed_by"])
    goal_statuses_record(year=year, actor=actor)
    return period


@transaction.atomic
def goal_statuses_record(*, year: int, actor: User | None = None) -> list[StatusRecord]:
    """Append a status row for every goal of the year whose status or explanation has changed
    since its last row. Call it after each analysis build too (actor None), since new engine
    values move statuses without any change here."""
    tree = goal_tree_for(None, year)
    last = {
        record.goal_id: record
        for record in StatusRecord.objects.filter(goal__year=year).order_by("id")
    }
    recorded = []
    for node in tree.walk():
        verdict = node.verdict
        previous = last.get(node.goal.pk)
        now = (str(verdict.status), str(verdict.basis), verdict.explanation)
        if previous is not None and (previous.status, previous.basis, previous.explanation) == now:
            continue
        recorded.append(
            StatusRecord.objects.create(
                goal=node.goal,
                status=verdict.status,
                basis=verdict.basis,
                explanation=verdict.explanation,
                analysis_build=tree.build.pk if tree.build else None,
                recorded_by=actor,
            )
        )
    return recorded


def _goal_copy(actor: User, goal: Goal, parent: Goal | None, year: int) -> Goal:
    copy = Goal.objects.create(
        year=year,
        kind=goal.kind,
        parent=parent,
        title=goal.title,
        description=goal.description,
        committee=goal.committee,
        responsible_user=goal.responsible_user,
        responsible_role=goal.responsible_role,
        order=goal.order,
        copied_from=goal,
        created_by=actor,
    )
    for goal_indicator in goal.indicators.all():
        target = Target.objects.filter(goal_indicator=goal_indicator).order_by("-id").first()
        indicator_copy = GoalIndicator.objects.create(
            goal=copy,
            source=goal_indicator.source,
            indicator_id=goal_indicator.indicator_id,
            kolada_id=goal_indicator.kolada_id,
            title=goal_indicator.title,
            unit=goal_indicator.unit,
            direction=goal_indicator.direction,
            baseline_value=goal_indicator.baseline_value,
            baseline_year=goal_indicator.baseline_year,
            yellow_within=goal_indicator.yellow_within,
            method_break_year=goal_indicator.method_break_year,
            method_break_note=goal_indicator.method_break_note,
            order=goal_indicator.order,
            copied_from=goal_indicator,
            created_by=actor,
        )
        if target is not None:
            Target.objects.create(
                goal_indicator=indicator_copy,
                total=target.total,
                women=target.women,
                men=target.men,
                comment=_("Kopierat från målvärdet för %(year)s.") % {"year": goal.year},
                reported_by=actor,
            )
    return copy


def _target_create(
    *, actor: User, goal_indicator: GoalIndicator, values: Values, comment: str
) -> Target:
    return Target.objects.create(
        goal_indicator=goal_indicator,
        total=values.total,
        women=values.women,
        men=values.men,
        comment=comment.strip(),
        reported_by=actor,
        late=_closed(goal_indicator.goal),
    )


def _closed(goal: Goal) -> bool:
    return GoalPeriod.objects.filter(year=goal.year, closed_at__isnull=False).exists()


def _log_late(actor: User, goal: Goal, what: str) -> None:
    """A report after the year closed goes to the access log, last in its transaction as the
    log asks, so that the log's lock is held briefly."""
    access_event_record(
        actor=actor,
        action=events.GOAL_LATE_CORRECTION,
        committee_code=goal.committee.code if goal.committee else "",
        detail=_("%(what)s för mål %(id)s (%(title)s), år %(year)s")
        % {"what": what, "id": goal.pk, "title": goal.title, "year": goal.year},
    )


def _fits_under(kind: GoalKind, parent: Goal | None) -> bool:
    if parent is None:
        return True
    if kind == GoalKind.VISION:
        return False
    above = GoalKind(parent.kind)
    return KIND_LEVEL[kind] > KIND_LEVEL[above] or (kind == above and kind in NESTING_KINDS)


def _fit_message(kind: GoalKind) -> str:
    if kind == GoalKind.VISION:
        return _("En vision står överst och har inget överordnat mål.")
    return _(
        "Ett mål står under ett mål på högre nivå: vision, inriktningsmål, nämndmål, aktivitet. "
        "Nämndmål och aktiviteter kan också stå under ett av samma slag."
    )


def _engine_total(indicator_id: str, year: int) -> float | None:
    """The published total of an engine indicator in a year; None when hidden or not built."""
    item = indicator(indicator_id)
    if item is None:
        return None
    try:
        cells = analysis_selectors.result_for(None, item).cells
    except StoreMissing:
        return None
    total = engine_observed(cells, year).get(TOTAL)
    return total.value if total is not None else None
