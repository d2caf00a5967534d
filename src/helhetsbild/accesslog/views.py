"""The log pages: the review, the monthly samples and their sign-off, a person's report."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhetsbild.accesslog import selectors, services
from helhetsbild.accesslog.forms import ReviewFilterForm, SignoffForm
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.accesslog.sampling import RULES
from helhetsbild.imports.report import spreadsheet_safe
from helhetsbild.organisation.permissions import Action, acting_user, can
from helhetsbild.register.forms import PersonSearchForm

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Filters come by POST, and so do the pages of a result, which carry the filters again
    (the person as a pseudonym) and the entry the result ends at: no person in any URL."""
    actor = acting_user(request)
    if not can(actor, Action.ACCESS_LOG_REVIEW):
        raise PermissionDenied
    form = ReviewFilterForm(request.POST or None)
    context: dict[str, object] = {"form": form, "head": selectors.log_head()}
    if request.method == "GET" or form.is_valid():
        try:
            filters = _review_filter(form)
        except selectors.UnknownPerson as error:
            form.add_error("person", str(error))
        else:
            found, upto = selectors.events_for_review(actor, filters)
            context["page"] = Paginator(found, PAGE_SIZE).get_page(request.POST.get("sida"))
            context["upto"] = upto
            context["paging"] = _paging_fields(filters, upto)
    return render(request, "accesslog/review.html", context)


def _review_filter(form: ReviewFilterForm) -> selectors.ReviewFilter:
    if not form.is_bound:
        return selectors.ReviewFilter()
    data = form.cleaned_data
    person = data["person"]
    return selectors.ReviewFilter(
        username=data["anvandare"].strip(),
        pseudonyms=selectors.pseudonyms_of(person) if person is not None else (),
        committee_code=data["namnd"],
        first_day=data["fran"],
        last_day=data["till"],
        upto=data["per_nr"],
    )


def _paging_fields(filters: selectors.ReviewFilter, upto: int) -> list[tuple[str, object]]:
    return [
        ("anvandare", filters.username),
        ("person", filters.pseudonyms[0] if filters.pseudonyms else ""),
        ("namnd", filters.committee_code),
        ("fran", filters.first_day.isoformat() if filters.first_day else ""),
        ("till", filters.last_day.isoformat() if filters.last_day else ""),
        ("per_nr", upto),
    ]


@login_required
def samples(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render(
        request,
        "accesslog/samples.html",
        {
            "months": selectors.review_months(actor),
            "may_review": can(actor, Action.ACCESS_LOG_REVIEW),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def month_sample(request: HttpRequest, year: int, month: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        first_day = dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    sample = selectors.month_sample(actor, first_day)
    form = SignoffForm(request.POST or None, sequences=[row.sequence for row in sample.drawn])
    may_sign = sample.ended and sample.signoff is None
    if request.method == "POST" and may_sign and form.is_valid():
        services.review_signoff_create(
            actor=actor,
            month=first_day,
            sample=sample.drawn,
            reviewed=form.cleaned_data["granskade"],
            comment=form.cleaned_data["kommentar"],
        )
        messages.success(request, _("Granskningen är signerad."))
        return redirect("accesslog:month", year=year, month=month)
    reviewed = set(sample.signoff.reviewed if sample.signoff else form["granskade"].value() or [])
    rows = [
        (row, [RULES.label(reason) for reason in row.drawn.reasons], str(row.drawn.sequence))
        for row in sample.rows
    ]
    return render(
        request,
        "accesslog/month.html",
        {
            "sample": sample,
            "rows": rows,
            "reviewed": {str(n) for n in reviewed},
            "form": form,
            "may_sign": may_sign,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_report(request: HttpRequest) -> HttpResponse:
    """ "Who has looked at me": a page, or the same as CSV to send to the person."""
    actor = acting_user(request)
    if not can(actor, Action.ACCESS_LOG_SUBJECT_REPORT):
        raise PermissionDenied
    form = PersonSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        download = request.POST.get("format") == "csv"
        found = selectors.subject_report(
            actor, form.cleaned_data["personnummer"], download=download
        )
        if download:
            return _report_csv(found)
    return render(request, "accesslog/subject_report.html", {"form": form, "found": found})


def _report_csv(found: list[AccessEvent]) -> HttpResponse:
    """Named by date only: the file name must not carry the personnummer."""
    name = f"vem-har-tittat-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("tid"), _("användare"), _("namn"), _("händelse"), _("nämnd"), _("syfte")])
    for event in found:
        writer.writerow(
            [
                spreadsheet_safe(cell)
                for cell in [
                    f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}",
                    event.username,
                    event.user.get_full_name(),
                    str(event.label),
                    event.committee_code,
                    event.purpose,
                ]
            ]
        )
    return response
