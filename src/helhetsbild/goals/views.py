"""Mål: the goal tree of a year, a goal's page, its red thread, and the forms that add to them.

Views parse, call one selector or service and render; who may do what is decided in the
selectors and services (PermissionDenied becomes the 403 page)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helhetsbild.goals import selectors, services
from helhetsbild.goals.forms import (
    AssessmentForm,
    GoalForm,
    GoalIndicatorForm,
    OutcomeForm,
    ValuesForm,
    YearForm,
)
from helhetsbild.goals.models import Goal, GoalIndicator
from helhetsbild.goals.status import DEFAULT_YELLOW_WITHIN, RULE_TEXT, THRESHOLD_TEXT, Status
from helhetsbild.organisation.permissions import Action, acting_user, committees_for

# What goals/legend.html shows on every page with statuses.
LEGEND = {"rule": RULE_TEXT, "thresholds": THRESHOLD_TEXT, "statuses": list(Status)}


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    options = selectors.goal_years_for(user)
    form = YearForm(
        request.GET if "year" in request.GET else None,
        options=options,
        initial_year=selectors.current_year(),
    )
    year = (
        form.cleaned_data["year"] if form.is_bound and form.is_valid() else selectors.current_year()
    )
    found = selectors.goal_tree_for(user, year)
    option = next(o for o in options if o.year == year)
    following = next((o for o in options if o.year == year + 1), None)
    return render(
        request,
        "goals/tree.html",
        {
            "tree": found,
            "form": form,
            "option": option,
            "following": following,
            "may_edit": selectors.can_edit(user, None),
            **LEGEND,
        },
    )


@login_required
def goal(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = acting_user(request)
    found = _goal_or_404(request, goal_id)
    detail = selectors.goal_detail_for(user, found)
    return render(request, "goals/goal.html", _goal_context(detail))


@login_required
def red_thread(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = acting_user(request)
    thread = selectors.red_thread_for(user, _goal_or_404(request, goal_id))
    return render(request, "goals/thread.html", {"thread": thread, **LEGEND})


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    committees = committees_for(user, Action.GOAL_EDIT)
    if not committees.exists():
        raise PermissionDenied
    parent = _parent(request)
    year = parent.year if parent else _year(request)
    initial = {"parent": parent, "committee": parent.committee if parent else None}
    form = GoalForm(request.POST or None, year=year, committees=committees, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.goal_add(actor=user, year=year, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Målet är tillagt."))
            return redirect("goals:goal", goal_id=created.pk)
    return render(request, "goals/goal_form.html", {"form": form, "year": year, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = acting_user(request)
    found = _goal_or_404(request, goal_id)
    if not selectors.can_edit(user, found.committee):
        raise PermissionDenied
    form = GoalIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_indicator_add(
                actor=user,
                goal=found,
                source=data["source"],
                indicator_id=data["indicator_id"],
                kolada_id=data["kolada_id"],
                title=data["title"],
                unit=data["unit"],
                direction=data["direction"],
                baseline_value=data["baseline_value"],
                baseline_year=data["baseline_year"],
                yellow_within=(
                    DEFAULT_YELLOW_WITHIN
                    if data["yellow_within"] is None
                    else data["yellow_within"]
                ),
                method_break_year=data["method_break_year"],
                method_break_note=data["method_break_note"],
                target=form.target(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Indikatorn är tillagd."))
            return redirect("goals:goal", goal_id=found.pk)
    return render(request, "goals/indicator_form.html", {"form": form, "goal": found})


@login_required
@require_POST
def target_set(request: HttpRequest, goal_indicator_id: int) -> HttpResponse:
    user = acting_user(request)
    goal_indicator = _goal_indicator_or_404(request, goal_indicator_id)
    form = ValuesForm(request.POST, prefix=f"mal{goal_indicator.pk}")
    return _values_posted(
        request,
        form,
        goal_indicator,
        lambda: services.goal_target_set(
            actor=user,
            goal_indicator=goal_indicator,
            values=form.values(),
            comment=form.cleaned_data["comment"],
        ),
        _("Målvärdet är sparat. Det tidigare målvärdet finns kvar i historiken."),
    )


@login_required
@require_POST
def outcome_add(request: HttpRequest, goal_indicator_id: int) -> HttpResponse:
    user = acting_user(request)
    goal_indicator = _goal_indicator_or_404(request, goal_indicator_id)
    form = OutcomeForm(request.POST, prefix=f"utfall{goal_indicator.pk}")
    return _values_posted(
        request,
        form,
        goal_indicator,
        lambda: services.goal_outcome_add(
            actor=user,
            goal_indicator=goal_indicator,
            values=form.values(),
            comment=form.cleaned_data["comment"],
        ),
        _("Utfallet är sparat."),
    )


@login_required
@require_POST
def assess(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = acting_user(request)
    found = _goal_or_404(request, goal_id)
    detail = selectors.goal_detail_for(user, found)
    if not detail.may_assess:
        raise PermissionDenied
    form = AssessmentForm(request.POST, computed=detail.node.computed)
    if form.is_valid():
        try:
            services.goal_assessment_add(actor=user, goal=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Bedömningen är sparad."))
            return redirect("goals:goal", goal_id=found.pk)
    return render(request, "goals/goal.html", _goal_context(detail, assessment_form=form))


@login_required
@require_POST
def year_copy(request: HttpRequest, year: int) -> HttpResponse:
    user = acting_user(request)
    try:
        copies = services.goal_year_copy(actor=user, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_tree_url(year))
    messages.success(
        request,
        _("Planen för %(year)s är skapad med %(count)s mål.")
        % {"year": year + 1, "count": len(copies)},
    )
    return redirect(_tree_url(year + 1))


@login_required
@require_POST
def period_close(request: HttpRequest, year: int) -> HttpResponse:
    user = acting_user(request)
    try:
        services.goal_period_close(actor=user, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)s är stängt. Rapporter därefter märks som sena rättelser och loggas.")
            % {"year": year},
        )
    return redirect(_tree_url(year))


def _goal_context(
    detail: selectors.GoalDetail, *, assessment_form: AssessmentForm | None = None
) -> dict[str, object]:
    """The goal page's context: its forms are offered only to those who may use them."""
    forms_by_indicator = {}
    for history in detail.indicators:
        goal_indicator = history.reading.goal_indicator
        forms_by_indicator[goal_indicator.pk] = {
            "target": ValuesForm(prefix=f"mal{goal_indicator.pk}") if detail.may_edit else None,
            "outcome": OutcomeForm(prefix=f"utfall{goal_indicator.pk}")
            if detail.may_assess and goal_indicator.reported_by_hand
            else None,
        }
    if assessment_form is None and detail.may_assess:
        assessment_form = AssessmentForm(computed=detail.node.computed)
    return {
        "detail": detail,
        "node": detail.node,
        "goal": detail.node.goal,
        "indicators": [
            (history, forms_by_indicator[history.reading.goal_indicator.pk])
            for history in detail.indicators
        ],
        "assessment_form": assessment_form,
        **LEGEND,
        "suppressed_explanation": next(
            (
                value.explanation
                for history in detail.indicators
                for row in history.rows
                for value in row.values
                if value.suppressed
            ),
            "",
        ),
    }


def _values_posted(
    request: HttpRequest,
    form: ValuesForm,
    goal_indicator: GoalIndicator,
    save: Callable[[], object],
    done: str,
) -> HttpResponse:
    """A target or an outcome sent from the goal page: saved, or the errors shown as messages
    on the page it came from, which keeps its other forms as they were."""
    if form.is_valid():
        try:
            save()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    else:
        for name, problems in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for problem in problems:
                messages.error(request, f"{label}: {problem}" if label else str(problem))
    return redirect("goals:goal", goal_id=goal_indicator.goal_id)


def _goal_or_404(request: HttpRequest, goal_id: int) -> Goal:
    try:
        return selectors.goal_for(acting_user(request), goal_id)
    except Goal.DoesNotExist:
        raise Http404 from None


def _goal_indicator_or_404(request: HttpRequest, goal_indicator_id: int) -> GoalIndicator:
    try:
        return selectors.goal_indicator_for(acting_user(request), goal_indicator_id)
    except GoalIndicator.DoesNotExist:
        raise Http404 from None


def _parent(request: HttpRequest) -> Goal | None:
    identifier = request.GET.get("under", "")
    if not identifier.isdigit():
        return None
    return _goal_or_404(request, int(identifier))


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else selectors.current_year()


def _tree_url(year: int) -> str:
    return f"{reverse('goals:tree')}?year={year}"
