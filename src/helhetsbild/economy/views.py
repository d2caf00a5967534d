"""Ekonomi: expected state compensation by month and type and per committee, expected against
received, the claims' deadlines, and one person's compensation for controllers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhetsbild.analysis.store import StoreMissing
from helhetsbild.economy import selectors
from helhetsbild.economy.followup import Followup, followup_for
from helhetsbild.economy.selectors import Overview, PersonCompensation
from helhetsbild.organisation.permissions import Action, acting_user, can
from helhetsbild.register.forms import PersonSearchForm


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """The personnummer comes by POST only, so it never stands in a URL or a server log."""
    user = acting_user(request)
    may_look_up = can(user, Action.COMPENSATION_VIEW)
    if request.method == "POST" and not may_look_up:
        raise PermissionDenied
    form = PersonSearchForm(request.POST or None)
    person: PersonCompensation | None = None
    table: Overview | None = None
    followup: Followup | None = None
    missing = ""
    try:
        if request.method == "POST" and form.is_valid():
            person = selectors.expected_for_person(user, form.cleaned_data["personnummer"])
            if person is None:
                form.add_error(
                    "personnummer", _("Registret har ingen person med det personnumret.")
                )
            else:
                form = PersonSearchForm()  # the number found is not echoed back into the page
        table = selectors.overview_for(user)
        followup = followup_for(user, timezone.localdate())
    except StoreMissing as error:
        missing = str(error)
    return render(
        request,
        "economy/overview.html",
        {
            "overview": table,
            "followup": followup,
            "missing": missing,
            "form": form if may_look_up else None,
            "person": person,
        },
    )
