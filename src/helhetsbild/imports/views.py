"""Import pages: upload and report, history, quarantine. Each calls one selector or service."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.imports import selectors
from helhetsbild.imports.formats import kind as kind_named
from helhetsbild.imports.forms import QuarantineCorrectionForm, UploadForm
from helhetsbild.imports.models import BatchState
from helhetsbild.imports.report import spreadsheet_safe, write_report_csv
from helhetsbild.imports.services import (
    ImportFailed,
    ImportResult,
    ReportLine,
    import_file,
    quarantine_row_correct,
)
from helhetsbild.imports.uploads import safe_file_name, upload_on_disk
from helhetsbild.organisation.permissions import Action, acting_user, committees_for

PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    committees = committees_for(acting_user(request), Action.IMPORT_RUN)
    if not committees.exists():
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        try:
            result = _import_upload(request, form)
        except ImportFailed as error:
            messages.error(request, str(error))
            return render(request, "imports/upload.html", {"form": form})
        if result.batch_id and not result.dry_run:
            messages.add_message(request, *_outcome_message(result))
            return redirect("imports:batch", batch_id=result.batch_id)
        return render(request, "imports/result.html", {"result": result})
    return render(request, "imports/upload.html", {"form": form})


def _import_upload(request: HttpRequest, form: UploadForm) -> ImportResult:
    upload: UploadedFile = form.cleaned_data["file"]
    with upload_on_disk(upload) as path:
        return import_file(
            actor=acting_user(request),
            committee=form.cleaned_data["committee"],
            kind=form.cleaned_data["kind"],
            path=path,
            file_name=safe_file_name(upload.name or ""),
            dry_run=form.cleaned_data["dry_run"],
            accept_valid=form.cleaned_data["accept_valid"],
        )


def _outcome_message(result: ImportResult) -> tuple[int, str]:
    """What happened, in one sentence, for the page the user lands on after an upload."""
    counts = {"rows": result.rows, "accepted": result.accepted, "rejected": result.rejected}
    if result.state == BatchState.COMMITTED:
        return messages.SUCCESS, _(
            "Filen är importerad: %(accepted)s av %(rows)s rader sparades."
        ) % counts
    if result.state == BatchState.PARTIAL:
        return messages.WARNING, _(
            "Filen är delvis importerad: %(accepted)s rader sparades och %(rejected)s ligger i "
            "karantän."
        ) % counts
    if result.state == BatchState.DUPLICATE:
        return messages.INFO, _("Filen är redan importerad; ingenting ändrades.")
    return messages.ERROR, _(
        "Filen avvisades och ingenting sparades: %(rejected)s av %(rows)s rader har fel. "
        "Rätta filen och importera den igen."
    ) % counts


@login_required
def history(request: HttpRequest) -> HttpResponse:
    batches = selectors.batches_for_user(acting_user(request))
    if not committees_for(acting_user(request), Action.IMPORT_VIEW).exists():
        raise PermissionDenied
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "imports/history.html", {"page": page})


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_for_user(acting_user(request), batch_id)
    page = Paginator(batch.issues.all(), PAGE_SIZE).get_page(request.GET.get("sida"))
    quarantined = batch.quarantine.filter(state="open").count()
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "page": page,
            "quarantined": quarantined,
        },
    )


@login_required
def batch_report_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_for_user(acting_user(request), batch_id)
    response = _csv_response(f"importrapport-{batch.pk}.csv")
    lines = (ReportLine(i.row, i.column, i.value, i.reason) for i in batch.issues.all())
    with transaction.atomic():
        access_event_record(
            actor=acting_user(request),
            action=events.IMPORT_REPORT_DOWNLOADED,
            committee_code=batch.committee.code,
            detail=f"omgång {batch.pk}",
        )
    write_report_csv(response, batch.file_name, lines)
    return response


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    if not committees_for(acting_user(request), Action.IMPORT_RUN).exists():
        raise PermissionDenied
    page = Paginator(selectors.quarantine_for_user(acting_user(request)), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(request, "imports/quarantine.html", {"page": page})


@login_required
def quarantine_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's open quarantine rows in the canonical format, to correct and import again."""
    batch = selectors.batch_for_user(acting_user(request), batch_id)
    rows = selectors.quarantine_for_user(acting_user(request)).filter(batch=batch)
    headers = kind_named(batch.kind).headers
    response = _csv_response(f"karantan-{batch.kind}-{batch.pk}.csv")
    with transaction.atomic():
        access_event_record(
            actor=acting_user(request),
            action=events.QUARANTINE_DOWNLOADED,
            committee_code=batch.committee.code,
            detail=f"omgång {batch.pk}",
        )
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        values = selectors.quarantine_values(row)
        writer.writerow([spreadsheet_safe(values.get(header, "")) for header in headers])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def quarantine_row(request: HttpRequest, row_id: int) -> HttpResponse:
    row = selectors.quarantine_row_for_user(acting_user(request), row_id)
    headers = kind_named(row.batch.kind).headers
    initial = selectors.quarantine_values(row)
    form = QuarantineCorrectionForm(request.POST or None, initial=initial, headers=headers)
    result = None
    if request.method == "POST" and form.is_valid():
        result = quarantine_row_correct(
            actor=acting_user(request), row=row, values=form.cleaned_data
        )
        if result.state == BatchState.COMMITTED:
            messages.success(request, _("Raden är rättad och importerad."))
            return redirect("imports:quarantine")
    else:
        with transaction.atomic():
            access_event_record(
                actor=acting_user(request),
                action=events.QUARANTINE_VIEWED,
                committee_code=row.batch.committee.code,
                detail=f"omgång {row.batch_id} rad {row.row}",
            )
    return render(
        request, "imports/quarantine_row.html", {"row": row, "form": form, "result": result}
    )


def _csv_response(file_name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.write("\ufeff")
    return response
