"""The committee's own register: its persons, and one identified person for its caseworkers."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Action, acting_user, committees_for
from helhetsbild.register import selectors
from helhetsbild.register.forms import PersonSearchForm

PAGE_SIZE = 50
CASEWORK_PURPOSE = "handläggning"


def _committee(request: HttpRequest, code: str) -> Committee:
    return get_object_or_404(committees_for(acting_user(request), Action.REGISTER_VIEW), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def persons(request: HttpRequest, committee_code: str) -> HttpResponse:
    committee = _committee(request, committee_code)
    form = PersonSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_id = selectors.person_id_by_number(
            acting_user(request), committee, form.cleaned_data["personnummer"]
        )
        if person_id is not None:
            return redirect("register:person", committee_code=committee.code, person_id=person_id)
        form.add_error(
            "personnummer", _("Nämnden har inga uppgifter om någon person med det personnumret.")
        )
    page = Paginator(
        selectors.persons_for_user(acting_user(request), committee), PAGE_SIZE
    ).get_page(request.GET.get("sida"))
    return render(
        request,
        "register/persons.html",
        {
            "committee": committee,
            "form": form,
            "page": page,
            "rows": selectors.with_masked_numbers(list(page.object_list)),
            "counts": selectors.record_counts_for_user(acting_user(request), committee),
        },
    )


@login_required
def person_detail(request: HttpRequest, committee_code: str, person_id: int) -> HttpResponse:
    committee = _committee(request, committee_code)
    view = selectors.person_for_user(
        acting_user(request), committee, person_id, purpose=CASEWORK_PURPOSE
    )
    return render(request, "register/person.html", {"view": view})
