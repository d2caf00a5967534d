"""Rapporter: the list of reports, starting one, a report's sections with their ready marks,
the downloads and archiving. Views parse, call one selector or service and render; who may do
what is decided in the selectors and services (PermissionDenied becomes the 403 page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhetsbild.goals.selectors import current_year
from helhetsbild.organisation.permissions import acting_user
from helhetsbild.reports import selectors, services
from helhetsbild.reports.forms import ReportForm
from helhetsbild.reports.models import FileFormat, Report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    reports = list(selectors.reports_for(user))
    return render(
        request,
        "reports/list.html",
        {
            "reports": [(report, _ready_count(report)) for report in reports],
            "form": _form(request, None),
        },
    )


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = _form(request, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            created = services.report_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rapporten är skapad."))
            return redirect("reports:report", report_id=created.pk)
    reports = list(selectors.reports_for(user))
    return render(
        request,
        "reports/list.html",
        {"reports": [(r, _ready_count(r)) for r in reports], "form": form},
        status=400,
    )


@login_required
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.report_for(user, report_id)
    sections = selectors.sections_of(found)
    rows = [
        (section, not found.archived and selectors.may_mark(user, section)) for section in sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            "report": found,
            "sections": rows,
            "not_ready": [s for s in sections if not s.ready],
            "formats": list(FileFormat),
            "files": selectors.archived_files(found),
            "may_archive": not found.archived and selectors.may_archive(user),
        },
    )


@login_required
def download(request: HttpRequest, report_id: int, file_format: str) -> HttpResponse:
    user = acting_user(request)
    found = selectors.report_for(user, report_id)
    if file_format not in FileFormat.values:
        raise Http404
    generated = services.report_generate(actor=user, report=found, file_format=file_format)
    response = HttpResponse(generated.content, content_type=generated.content_type)
    response["Content-Disposition"] = f'attachment; filename="{generated.file_name}"'
    return response


@login_required
@require_POST
def mark(request: HttpRequest, report_id: int, key: str) -> HttpResponse:
    user = acting_user(request)
    found = selectors.report_for(user, report_id)
    ready = request.POST.get("ready") == "1"
    try:
        services.section_mark(actor=user, report=found, key=key, ready=ready)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Avsnittet är klarmarkerat.") if ready else _("Klarmarkeringen är borttagen."),
        )
    return redirect("reports:report", report_id=found.pk)


@login_required
@require_POST
def archive(request: HttpRequest, report_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.report_for(user, report_id)
    try:
        services.report_archive(actor=user, report=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rapporten är arkiverad och låst."))
    return redirect("reports:report", report_id=found.pk)


def _form(request: HttpRequest, data: object) -> ReportForm | None:
    """The form to start a report, or None for someone who may start none."""
    user = acting_user(request)
    committees = selectors.report_committees_for(user)
    whole = selectors.may_create(user, None)
    if not whole and not committees.exists():
        return None
    year = current_year()
    return ReportForm(
        data,
        years=[year, year - 1, year - 2],
        committees=committees,
        whole_municipality=whole,
        initial={"year": year},
    )


def _ready_count(report: Report) -> tuple[int, int]:
    sections = selectors.sections_of(report)
    return sum(s.ready for s in sections), len(sections)
