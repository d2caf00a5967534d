"""Återsökning: candidates with deadlines, claims with their history, missed deadlines, the
payments reconciled; and the forms with which a controller records a claim, sees its
personnummer, exports the claims and uploads Migrationsverket's payment specifications.

Everything about a person travels in POST bodies, never in a URL; the personnummer is shown and
exported only through the services that write the access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helhetsbild.analysis.store import StoreMissing
from helhetsbild.economy.claim_forms import CandidateKey, ClaimChoice, ClaimForm, PaymentUpload
from helhetsbild.economy.claim_selectors import (
    ClaimRow,
    ClaimsPage,
    claim_rows,
    claims_page,
    payments_agreeing,
    type_name,
)
from helhetsbild.economy.models import Claim, PaymentFile
from helhetsbild.economy.reconciliation import PaymentFileError
from helhetsbild.economy.services import (
    claim_identity,
    claim_save,
    claims_export,
    payments_import,
)
from helhetsbild.imports.reader import FileRejected
from helhetsbild.imports.uploads import safe_file_name, upload_on_disk
from helhetsbild.organisation.permissions import Action, acting_user, can
from helhetsbild.register.models import Person

EXPORT_NAME = "atersokning-migrationsverket.csv"
# Missed deadlines pile up over the years; a page of them at a time, the latest first.
MISSED_PER_PAGE = 25


def _controller(request: HttpRequest) -> User:
    user = acting_user(request)
    if not can(user, Action.CLAIM_MANAGE):
        raise PermissionDenied
    return user


@login_required
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    return _claims(request, _controller(request), PaymentUpload())


def _claims(
    request: HttpRequest, user: User, upload: PaymentUpload, status: int = 200
) -> HttpResponse:
    page: ClaimsPage | None = None
    missing = ""
    try:
        page = claims_page(user, timezone.localdate())
    except StoreMissing as error:
        missing = str(error)
    missed = Paginator(page.missed if page else [], MISSED_PER_PAGE)
    return render(
        request,
        "economy/claims.html",
        {
            "page": page,
            "missing": missing,
            "upload": upload,
            "missed": missed.get_page(request.GET.get("missade")),
        },
        status=status,
    )


@login_required
@require_POST
def payments_upload(request: HttpRequest) -> HttpResponse:
    """A payment specification read whole or not at all; a refused file is explained at the
    field, problem by problem, on the page it was sent from."""
    user = _controller(request)
    form = PaymentUpload(request.POST, request.FILES)
    if form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        name = safe_file_name(upload.name or "")
        try:
            with upload_on_disk(upload) as path:
                file = payments_import(user, path, name)
        except PaymentFileError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        except FileRejected as error:
            form.add_error("file", _("%(file)s: %(problem)s") % {"file": name, "problem": error})
        else:
            messages.success(request, _payments_read(user, file))
            return redirect("economy:claims")
    return _claims(request, user, form, status=400)


def _payments_read(user: User, file: PaymentFile) -> str:
    counts = {"file": file.name, "read": file.payments.count()}
    try:
        agreeing = payments_agreeing(user, file, timezone.localdate())
    except StoreMissing:
        return _("Utbetalningar inlästa från %(file)s: %(read)d.") % counts
    return _(
        "Utbetalningar inlästa från %(file)s: %(read)d. Av dem stämmer %(agreeing)d med väntad "
        "ersättning; avvikelserna visas under Avstämning."
    ) % (counts | {"agreeing": agreeing})


@login_required
@require_POST
def claim_edit(request: HttpRequest) -> HttpResponse:
    """The list's button (`visa`) opens the form filled with what is recorded; the form itself
    comes back here to be saved."""
    user = _controller(request)
    key = CandidateKey(request.POST)
    if not key.is_valid():
        return _problem(request, _("Formuläret saknar uppgift om vilken ansökan det gäller."))
    try:
        row = _row(user, key)
    except StoreMissing as error:
        return _problem(request, str(error), status=503)
    if row is None:
        return _problem(request, _("Ansökan finns inte längre i underlaget."), status=404)
    if "visa" in request.POST:
        form = ClaimForm.of(row.claim, key)
        return render(request, "economy/claim_form.html", {"form": form, "row": row})
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return render(request, "economy/claim_form.html", {"form": form, "row": row}, status=400)
    claim_save(
        user,
        person=Person.objects.get(pk=row.person_key),
        type_code=row.type_code,
        period=(row.first, row.last),
        deadline=row.deadline,
        rule=row.rule,
        values=form.values(),
    )
    messages.success(request, _("Ansökan är sparad. Ändringen finns i dess historik."))
    return redirect("economy:claims")


def _row(user: User, key: CandidateKey) -> ClaimRow | None:
    wanted = key.key()
    found = (r for r in claim_rows(user) if (r.pseudonym, r.type_code, r.first) == wanted)
    return next(found, None)


def _problem(request: HttpRequest, text: str, status: int = 400) -> HttpResponse:
    return render(request, "economy/claim_form.html", {"problem": text}, status=status)


@login_required
@require_POST
def claim_person(request: HttpRequest) -> HttpResponse:
    """The personnummer of one claim, for filling in Migrationsverket's form; logged."""
    user = _controller(request)
    form = ClaimChoice(request.POST)
    if not form.is_valid():
        return render(request, "economy/claim_person.html", {"form": form}, status=400)
    claim: Claim = form.cleaned_data["claim"]
    number = claim_identity(user, claim)
    return render(
        request,
        "economy/claim_person.html",
        {"claim": claim, "number": number, "type_name": type_name(claim.type_code)},
    )


@login_required
@require_POST
def claims_download(request: HttpRequest) -> HttpResponse:
    """The claims not yet sent, as the file Migrationsverket's e-service reads."""
    user = _controller(request)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{EXPORT_NAME}"'},
    )
    unsent = Claim.objects.filter(sent_on__isnull=True).select_related("person")
    claims_export(user, unsent.order_by("deadline", "pk"), response)
    return response
