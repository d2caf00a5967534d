"""Återsökning: candidates with deadlines, claims with their history, missed deadlines."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from helhetsbild.analysis.store import StoreMissing
from helhetsbild.economy.claim_selectors import ClaimsPage, claims_page
from helhetsbild.organisation.permissions import Action, acting_user, can


@login_required
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can(user, Action.CLAIM_MANAGE):
        raise PermissionDenied
    page: ClaimsPage | None = None
    missing = ""
    try:
        page = claims_page(user, timezone.localdate())
    except StoreMissing as error:
        missing = str(error)
    return render(request, "economy/claims.html", {"page": page, "missing": missing})
