"""Granskningar and Åtgärder: each view checks, parses its form, calls one selector or service
and renders. Importing a report is upload -> proposal on a review form -> confirm; nothing is
saved before the confirmation."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhetsbild.imports.uploads import safe_file_name
from helhetsbild.organisation.permissions import acting_user
from helhetsbild.plans import exports, selectors, services
from helhetsbild.plans.documents import UnreadableDocument, document_text
from helhetsbild.plans.extract import Proposal, extract
from helhetsbild.plans.forms import (
    ActionFilterForm,
    ActionForm,
    AuditForm,
    QuestionFormSet,
    RecommendationFormSet,
    StatusForm,
    UploadForm,
)
from helhetsbild.plans.models import AuditKind, Status

PAGE_SIZE = 100
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def audits(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    progress = selectors.progress_by_audit(user)
    listed = [
        (audit, progress.get(audit.pk), _summary(progress.get(audit.pk), audit.kind))
        for audit in selectors.audits_for(user)
    ]
    return render(
        request,
        "plans/audits.html",
        {
            "audits": [item for item in listed if item[0].kind == AuditKind.AUDIT],
            "plans": [item for item in listed if item[0].kind == AuditKind.ACTION_PLAN],
            "may_edit": selectors.may_edit_audits(user),
        },
    )


def _summary(progress: selectors.Progress | None, kind: str) -> str:
    return progress.summary(kind) if progress else ""


@login_required
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    user = acting_user(request)
    shown = selectors.audit_for(user, audit_id)
    today = timezone.localdate()
    recommendations = [
        (r, [(a, a.is_overdue(today)) for a in r.actions.all()])
        for r in shown.recommendations.all()
    ]
    progress = selectors.progress((a for _r, pairs in recommendations for a, _o in pairs), today)
    return render(
        request,
        "plans/audit.html",
        {
            "audit": shown,
            "recommendations": recommendations,
            "progress": progress,
            "summary": progress.summary(shown.kind),
            "over_time": selectors.status_over_time(shown),
            "may_add_actions": selectors.action_committees_for(user).exists(),
            "is_plan": shown.kind == AuditKind.ACTION_PLAN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_import(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.may_edit_audits(user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = safe_file_name(upload.name or "")
        try:
            text = document_text(upload.read(), name)
        except UnreadableDocument as error:
            form.add_error("file", str(error))
        else:
            return _review(request, *_proposal_forms(extract(text), name), proposed=True)
    return render(request, "plans/upload.html", {"form": form})


def _proposal_forms(
    proposal: Proposal, source_name: str
) -> tuple[AuditForm, BaseFormSet, BaseFormSet]:
    audit_form = AuditForm(
        initial={
            "kind": AuditKind.AUDIT,
            "title": proposal.title or Path(source_name).stem,
            "auditor": proposal.auditor or "",
            "date": proposal.date,
            "source_name": source_name,
        }
    )
    questions = QuestionFormSet(
        prefix="fragor",
        initial=[{"text": q.text, "assessment": q.assessment or ""} for q in proposal.questions],
    )
    recommendations = RecommendationFormSet(
        prefix="rekommendationer", initial=[{"text": r} for r in proposal.recommendations]
    )
    return audit_form, questions, recommendations


def _review(
    request: HttpRequest,
    audit_form: AuditForm,
    questions: BaseFormSet,
    recommendations: BaseFormSet,
    *,
    proposed: bool,
) -> HttpResponse:
    return render(
        request,
        "plans/review.html",
        {
            "form": audit_form,
            "questions": questions,
            "recommendations": recommendations,
            "proposed": proposed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    """The review form: confirms a proposal from an imported report, or starts an audit or an
    action plan by hand (GET ?slag=action_plan)."""
    user = acting_user(request)
    if not selectors.may_edit_audits(user):
        raise PermissionDenied
    if request.method == "GET":
        kind = request.GET.get("slag", AuditKind.AUDIT)
        return _review(
            request,
            AuditForm(initial={"kind": kind if kind in AuditKind.values else AuditKind.AUDIT}),
            QuestionFormSet(prefix="fragor"),
            RecommendationFormSet(prefix="rekommendationer"),
            proposed=False,
        )
    audit_form = AuditForm(request.POST)
    questions = QuestionFormSet(request.POST, prefix="fragor")
    recommendations = RecommendationFormSet(request.POST, prefix="rekommendationer")
    if audit_form.is_valid() and questions.is_valid() and recommendations.is_valid():
        data = audit_form.cleaned_data
        saved = services.audit_create(
            actor=user,
            kind=data["kind"],
            title=data["title"],
            auditor=data["auditor"],
            date=data["date"],
            committees=data["committees"],
            questions=[
                (f.cleaned_data["text"], f.cleaned_data["assessment"])
                for f in questions.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
            recommendations=[
                f.cleaned_data["text"]
                for f in recommendations.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
            source_name=data["source_name"],
        )
        messages.success(request, _("Granskningen är sparad."))
        return redirect("plans:audit", audit_id=saved.pk)
    return _review(
        request,
        audit_form,
        questions,
        recommendations,
        proposed=bool(request.POST.get("source_name")),
    )


@login_required
def audit_export(request: HttpRequest, audit_id: int, file_format: str) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise Http404
    user = acting_user(request)
    shown = selectors.audit_for(user, audit_id)
    committee = shown.committees.filter(code=request.GET.get("namnd", "")).first()
    rows = selectors.answer_rows(shown, committee)
    writer = exports.answer_docx if file_format == "docx" else exports.answer_xlsx
    response = HttpResponse(
        writer(shown, rows, timezone.localdate()), content_type=CONTENT_TYPES[file_format]
    )
    suffix = f"-{committee.code.lower()}" if committee else ""
    response["Content-Disposition"] = (
        f'attachment; filename="atgarder-{shown.pk}{suffix}.{file_format}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    user = acting_user(request)
    recommendation = selectors.recommendation_for(user, recommendation_id)
    committees = selectors.action_committees_for(user)
    if not committees.exists():
        raise PermissionDenied
    addressed = recommendation.audit.committees.filter(pk__in=committees).first()
    form = ActionForm(
        request.POST or None,
        committees=committees,
        initial={"committee": addressed, "status": Status.NOT_STARTED},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(
                actor=user,
                recommendation=recommendation,
                text=data["text"],
                responsible=data["responsible"],
                responsible_user=data["responsible_user"],
                committee=data["committee"],
                deadline=data["deadline"],
                continuous=data["continuous"],
                follow_up=data["follow_up"],
                status=data["status"],
                comment=data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Åtgärden är sparad."))
            url = reverse("plans:audit", args=[recommendation.audit_id])
            return redirect(f"{url}#rekommendation-{recommendation.position}")
    return render(
        request, "plans/action_new.html", {"form": form, "recommendation": recommendation}
    )


@login_required
def actions(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    found = selectors.actions_for(
        user,
        committee=filters.get("committee"),
        mine=bool(filters.get("mine")),
        overdue=bool(filters.get("overdue")),
        status=filters.get("status") or None,
        today=today,
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = [(a, a.is_overdue(today)) for a in page.object_list]
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "plans/actions.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "progress": selectors.progress(found, today),
            "query": query.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    user = acting_user(request)
    shown = selectors.action_for(user, action_id)
    may_update = selectors.may_update(user, shown)
    form = StatusForm(request.POST or None, initial={"status": shown.status})
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_status_change(
                    actor=user,
                    action=shown,
                    status=form.cleaned_data["status"],
                    comment=form.cleaned_data["comment"],
                    date=form.cleaned_data["date"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Statusen är ändrad."))
                return redirect("plans:action", action_id=shown.pk)
    return render(
        request,
        "plans/action.html",
        {
            "action": shown,
            "history": selectors.history_of(shown),
            "form": form,
            "may_update": may_update,
            "overdue": shown.is_overdue(timezone.localdate()),
        },
    )
