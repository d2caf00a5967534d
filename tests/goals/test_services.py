"""Changes to the goal tree: where a goal may stand, the assessment's comment rule, history that
is never overwritten, late corrections, next year's plan, and who may do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent, AppendOnlyError
from helhetsbild.goals.forms import AssessmentForm
from helhetsbild.goals.models import (
    Assessment,
    Goal,
    GoalIndicator,
    GoalKind,
    Outcome,
    StatusRecord,
    Target,
)
from helhetsbild.goals.selectors import goal_status_for, goal_tree_for
from helhetsbild.goals.services import (
    Values,
    goal_add,
    goal_assessment_add,
    goal_indicator_add,
    goal_outcome_add,
    goal_period_close,
    goal_statuses_record,
    goal_target_set,
    goal_year_copy,
)
from helhetsbild.goals.status import Basis, Fulfilment, Status
from helhetsbild.organisation.models import Role
from tests.factories import caseworker, make_user
from tests.goals.support import YEAR, analyst, make_tree, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(committees):  # type: ignore[no-untyped-def]
    return make_tree(committees)


# Where a goal may stand


def test_committee_goals_and_activities_nest_to_any_depth(tree, committees) -> None:  # type: ignore[no-untyped-def]
    result = goal_add(
        actor=analyst(),
        year=YEAR,
        kind=GoalKind.COMMITTEE_GOAL,
        title="Delresultat",
        parent=tree.sn_goal,
        committee=committees["SN"],
    )
    deeper = goal_add(
        actor=analyst(),
        year=YEAR,
        kind=GoalKind.ACTIVITY,
        title="Aktivitet under aktivitet",
        parent=tree.sn_activity,
        committee=committees["SN"],
    )
    assert result.parent == tree.sn_goal and deeper.parent == tree.sn_activity


@pytest.mark.parametrize(
    ("kind", "parent", "committee", "field"),
    [
        (GoalKind.VISION, "vision", None, "parent"),  # a vision stands alone at the top
        (GoalKind.STRATEGIC_GOAL, "sn_goal", None, "parent"),  # not under a committee goal
        (GoalKind.COMMITTEE_GOAL, "sn_activity", "SN", "parent"),  # not under an activity
        (GoalKind.STRATEGIC_GOAL, "vision", "KS", "committee"),  # the council's, no committee
        (GoalKind.COMMITTEE_GOAL, "strategic", None, "committee"),  # a committee's, so one
        (GoalKind.ACTIVITY, "sn_goal", "", "title"),  # no title
    ],
)
def test_a_goal_out_of_place_is_refused_with_the_field_to_correct(  # type: ignore[no-untyped-def]
    tree, committees, kind, parent, committee, field
) -> None:
    with pytest.raises(ValidationError) as error:
        goal_add(
            actor=analyst(),
            year=YEAR,
            kind=kind,
            title="" if field == "title" else "Ett mål",
            parent=getattr(tree, parent),
            committee=committees.get(committee or "SN") if committee is not None else None,
        )
    assert field in error.value.message_dict


def test_a_parent_of_another_year_is_refused(tree) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        goal_add(
            actor=analyst(),
            year=YEAR + 1,
            kind=GoalKind.STRATEGIC_GOAL,
            title="Nästa år",
            parent=tree.vision,
        )
    assert "parent" in error.value.message_dict


# Status through the tree


def test_a_parent_derives_its_status_from_its_children(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.assistance, 14)  # green: at most 15
    report(tree.work, 30)  # red: 25 % short of 40
    found = goal_tree_for(None, YEAR)
    assert found.node(tree.sn_goal.pk).verdict.status == Status.GREEN
    assert found.node(tree.amn_goal.pk).verdict.status == Status.RED
    strategic = found.node(tree.strategic.pk).verdict
    assert strategic.status == Status.YELLOW  # one of two red is not more than half
    assert strategic.explanation.startswith("Gul: av 2 delar som kan bedömas är 1 grön och 1 röd")
    assert found.node(tree.vision.pk).verdict.status == Status.YELLOW


def test_an_activity_without_indicators_takes_its_status_from_its_assessment(tree) -> None:  # type: ignore[no-untyped-def]
    goal_assessment_add(
        actor=caseworker(tree.sn_activity.committee),
        goal=tree.sn_activity,
        fulfilment=Fulfilment.PARTLY_FULFILLED,
        analysis="Mötena har börjat.",
    )
    found = goal_status_for(None, tree.sn_activity)
    assert (found.verdict.status, found.verdict.basis) == (Status.YELLOW, Basis.ASSESSMENT)
    assert found.computed.status == Status.NOT_ASSESSABLE


# The assessment's comment


def test_an_assessment_against_the_computed_status_needs_a_comment(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)  # red
    worker = caseworker(tree.amn_goal.committee)
    with pytest.raises(ValidationError) as error:
        goal_assessment_add(
            actor=worker,
            goal=tree.amn_goal,
            fulfilment=Fulfilment.FULFILLED,
            analysis="Många fick jobb.",
        )
    assert "comment" in error.value.message_dict
    assert "skiljer sig från den beräknade statusen (röd)" in error.value.message_dict["comment"][0]
    saved = goal_assessment_add(
        actor=worker,
        goal=tree.amn_goal,
        fulfilment=Fulfilment.FULFILLED,
        analysis="Många fick jobb.",
        comment="Utfallet gäller bara första halvåret.",
    )
    assert (saved.computed, saved.late) == (Status.RED, False)
    assert saved.computed_explanation.startswith("30 % mot målet 40 %: röd")


def test_an_assessment_that_agrees_needs_no_comment(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)
    goal_assessment_add(
        actor=caseworker(tree.amn_goal.committee),
        goal=tree.amn_goal,
        fulfilment=Fulfilment.NOT_FULFILLED,
        analysis="Arbetsmarknaden är svag.",
    )
    assert Assessment.objects.filter(goal=tree.amn_goal).count() == 1


def test_the_form_asks_for_the_comment_before_the_service_does(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)
    computed = goal_status_for(None, tree.amn_goal).computed
    data = {"fulfilment": Fulfilment.FULFILLED, "analysis": "Bra år."}
    form = AssessmentForm(data, computed=computed)
    assert not form.is_valid() and "comment" in form.errors
    assert AssessmentForm(data | {"comment": "Därför."}, computed=computed).is_valid()
    agreeing = {"fulfilment": Fulfilment.NOT_FULFILLED, "analysis": "Svagt år."}
    assert AssessmentForm(agreeing, computed=computed).is_valid()


# Never overwritten


def test_a_correction_is_a_new_outcome_row_and_the_latest_counts(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30, "Första siffran")
    report(tree.work, 41, "Rättad efter kontroll")
    rows = list(Outcome.objects.filter(goal_indicator=tree.work).order_by("id"))
    assert [(row.total, row.comment) for row in rows] == [
        (30, "Första siffran"),
        (41, "Rättad efter kontroll"),
    ]
    assert goal_status_for(None, tree.amn_goal).verdict.status == Status.GREEN


@pytest.mark.parametrize("model", [Outcome, Target, Assessment, StatusRecord])
def test_reported_rows_cannot_be_changed_or_deleted(tree, model) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)
    goal_assessment_add(
        actor=analyst(),
        goal=tree.strategic,
        fulfilment=Fulfilment.NOT_FULFILLED,
        analysis="Inte än.",
    )
    row = model.objects.first()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        model.objects.update(id=0)
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_a_new_target_keeps_the_old_one_in_the_history(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 36)  # yellow against 40
    goal_target_set(
        actor=analyst(), goal_indicator=tree.work, values=Values(35), comment="Sänkt i juni"
    )
    assert [t.total for t in Target.objects.filter(goal_indicator=tree.work).order_by("id")] == [
        40,
        35,
    ]
    assert goal_status_for(None, tree.amn_goal).verdict.status == Status.GREEN


def test_a_status_row_is_appended_when_the_status_changes_and_only_then(tree) -> None:  # type: ignore[no-untyped-def]
    history = StatusRecord.objects.filter(goal=tree.amn_goal)
    before = history.count()
    report(tree.work, 30)
    assert history.count() == before + 1
    assert goal_statuses_record(year=YEAR) == []  # nothing moved
    report(tree.work, 30, "Samma siffra, ny kommentar")
    assert history.count() == before + 1
    report(tree.work, 38)
    latest = history.order_by("-id").first()
    assert latest is not None and latest.state == Status.YELLOW
    assert latest.recorded_by == caseworker(tree.amn_goal.committee)


# Late corrections


def test_a_report_after_the_year_closed_is_accepted_flagged_and_logged(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)
    assert not AccessEvent.objects.filter(action=events.GOAL_LATE_CORRECTION).exists()
    goal_period_close(actor=analyst(), year=YEAR)
    report(tree.work, 42, "Rättat efter bokslutet")
    rows = list(Outcome.objects.filter(goal_indicator=tree.work).order_by("id"))
    assert [row.late for row in rows] == [False, True]
    event = AccessEvent.objects.get(action=events.GOAL_LATE_CORRECTION)
    assert event.committee_code == "AMN"
    assert "Fler i arbete" in event.detail and str(YEAR) in event.detail
    assert goal_status_for(None, tree.amn_goal).verdict.status == Status.GREEN


def test_a_year_is_closed_once(tree) -> None:  # type: ignore[no-untyped-def]
    goal_period_close(actor=analyst(), year=YEAR)
    with pytest.raises(ValidationError):
        goal_period_close(actor=analyst(), year=YEAR)


# Next year's plan


def test_next_years_plan_is_a_linked_copy_without_outcomes(tree) -> None:  # type: ignore[no-untyped-def]
    report(tree.work, 30)
    copies = goal_year_copy(actor=analyst(), year=YEAR)
    assert len(copies) == Goal.objects.filter(year=YEAR).count() == 5
    plan = {goal.copied_from_id: goal for goal in Goal.objects.filter(year=YEAR + 1)}
    assert plan[tree.sn_activity.pk].parent == plan[tree.sn_goal.pk]
    assert plan[tree.strategic.pk].parent == plan[tree.vision.pk]
    work = GoalIndicator.objects.get(copied_from=tree.work)
    assert work.goal == plan[tree.amn_goal.pk]
    assert [t.total for t in Target.objects.filter(goal_indicator=work)] == [40]
    assert not Outcome.objects.filter(goal_indicator=work).exists()
    assert goal_status_for(None, plan[tree.amn_goal.pk]).verdict.status == Status.NOT_ASSESSABLE
    with pytest.raises(ValidationError):
        goal_year_copy(actor=analyst(), year=YEAR)


# Who may do what: each case once allowed and once denied, from the same tree


@pytest.mark.parametrize(
    ("role", "committee", "allowed"),
    [
        (Role.ANALYST, None, True),
        (Role.ADMIN, None, True),
        (Role.CASEWORKER, "SN", False),
        (Role.CONTROLLER, None, False),
        (Role.READER, None, False),
    ],
)
def test_who_may_add_goals(tree, committees, role, committee, allowed) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role, committees.get(committee))

    def add() -> Goal:
        return goal_add(
            actor=user,
            year=YEAR,
            kind=GoalKind.ACTIVITY,
            title="Ny aktivitet",
            parent=tree.sn_goal,
            committee=committees["SN"],
        )

    if allowed:
        assert add().created_by == user
    else:
        with pytest.raises(PermissionDenied):
            add()


@pytest.mark.parametrize(
    ("role", "committee", "allowed"),
    [
        (Role.CASEWORKER, "AMN", True),  # the goal's own committee
        (Role.CASEWORKER, "SN", False),  # another committee
        (Role.ANALYST, None, True),
        (Role.READER, None, False),
        (Role.CONTROLLER, None, False),
        (Role.ADMIN, None, False),
    ],
)
def test_who_may_report_an_outcome(tree, committees, role, committee, allowed) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role, committees.get(committee))

    def add() -> Outcome:
        return goal_outcome_add(
            actor=user, goal_indicator=tree.work, values=Values(30), comment="Från AMN"
        )

    if allowed:
        assert add().reported_by == user
    else:
        with pytest.raises(PermissionDenied):
            add()


@pytest.mark.parametrize(
    ("role", "committee", "allowed"),
    [(Role.ANALYST, None, True), (Role.CASEWORKER, "KS", False), (Role.READER, None, False)],
)
def test_who_may_assess_a_council_goal(tree, committees, role, committee, allowed) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role, committees.get(committee))

    def assess() -> Assessment:
        return goal_assessment_add(
            actor=user,
            goal=tree.strategic,
            fulfilment=Fulfilment.PARTLY_FULFILLED,
            analysis="Delvis.",
        )

    if allowed:
        assert assess().reported_by == user
    else:
        with pytest.raises(PermissionDenied):
            assess()


def test_the_named_responsible_person_may_assess_their_goal(committees) -> None:  # type: ignore[no-untyped-def]
    chair = make_user(Role.READER, username="ordforande")
    other = make_user(Role.READER, username="annan-lasare")
    goal = goal_add(
        actor=analyst(),
        year=YEAR,
        kind=GoalKind.STRATEGIC_GOAL,
        title="Trygg bostad",
        responsible_user=chair,
    )
    with pytest.raises(PermissionDenied):
        goal_assessment_add(
            actor=other, goal=goal, fulfilment=Fulfilment.FULFILLED, analysis="Klart."
        )
    saved = goal_assessment_add(
        actor=chair, goal=goal, fulfilment=Fulfilment.FULFILLED, analysis="Klart."
    )
    assert saved.reported_by == chair


def test_an_outcome_of_an_engine_indicator_is_not_typed_in(tree, committees) -> None:  # type: ignore[no-untyped-def]
    engine = goal_indicator_add(
        actor=analyst(),
        goal=tree.sn_goal,
        source="engine",
        indicator_id="forsorjningsstod_personer",
        target=Values(15),
    )
    assert (engine.unit, engine.direction) == ("share", "down")  # from the catalogue
    with pytest.raises(ValidationError):
        goal_outcome_add(
            actor=caseworker(committees["SN"]),
            goal_indicator=engine,
            values=Values(12),
            comment="Från Excel",
        )
