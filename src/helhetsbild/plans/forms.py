from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.organisation.models import Committee
from helhetsbild.plans.documents import SUFFIXES
from helhetsbild.plans.models import Assessment, AuditKind, Status

# A report of a few hundred pages is a few megabytes; more is something else.
MAX_REPORT_BYTES = 50 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Granskningsrapport"),
        help_text=_(
            "Text, PDF eller Word (.docx). Ingenting sparas förrän du har granskat "
            "förslaget och bekräftat det."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Välj en fil av typen .txt, .pdf eller .docx."))
        if upload.size > min(MAX_REPORT_BYTES, settings.IMPORT_MAX_BYTES):
            raise forms.ValidationError(_("Filen är för stor för en granskningsrapport."))
        return upload


class AuditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Slag"), choices=AuditKind.choices)
    # A textarea: a long title wraps instead of scrolling sideways at 320 px.
    title = forms.CharField(
        label=_("Titel"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    auditor = forms.CharField(
        label=_("Granskare"), max_length=200, required=False, help_text=_("T.ex. revisionsbyrån.")
    )
    date = forms.DateField(label=_("Datum"), required=False, widget=DateInput())
    committees = forms.ModelMultipleChoiceField(
        label=_("Berörda nämnder"),
        queryset=Committee.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source_name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Fråga eller kontrollmål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assessment = forms.ChoiceField(
        label=_("Bedömning"),
        choices=[("", _("Ingen bedömning"))] + list(Assessment.choices),
        required=False,
    )


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Rekommendation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True)
RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=2, can_delete=True)


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Åtgärd"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(
        label=_("Ansvarig"), max_length=200, help_text=_("En person eller en roll.")
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Ansvarig användare"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ingen"),
        help_text=_("Får påminnelser före tidsgränsen och ser åtgärden under ”Mina”."),
    )
    committee = forms.ModelChoiceField(label=_("Ansvarig nämnd"), queryset=Committee.objects.none())
    deadline = forms.DateField(label=_("Klart senast"), required=False, widget=DateInput())
    continuous = forms.BooleanField(label=_("Kontinuerligt arbete"), required=False)
    follow_up = forms.CharField(
        label=_("Följs upp i"),
        max_length=200,
        required=False,
        help_text=_(
            "För ett kontinuerligt arbete, t.ex. ”verksamhetsberättelsen vid årsbokslutet”."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["committee"]).queryset = committees
        people = User.objects.filter(is_active=True, memberships__isnull=False).distinct()
        cast(forms.ModelChoiceField, self.fields["responsible_user"]).queryset = people.order_by(
            "username"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("continuous"):
            if data.get("deadline"):
                self.add_error("deadline", _("Ett kontinuerligt arbete har inget slutdatum."))
            if not (data.get("follow_up") or "").strip():
                self.add_error("follow_up", _("Ange var det kontinuerliga arbetet följs upp."))
        elif not data.get("deadline") and "deadline" not in self.errors:
            self.add_error(
                "deadline", _("Ange ett datum, eller markera att arbetet är kontinuerligt.")
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Status.choices)
    date = forms.DateField(label=_("Gäller från"), widget=DateInput(), initial=timezone.localdate)
    comment = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad har hänt? Kommentaren sparas i åtgärdens historik."),
    )

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Datumet har inte kommit än."))
        return date


class ActionFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Bara mina"), required=False)
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)
    committee = forms.ModelChoiceField(
        label=_("Nämnd"),
        queryset=Committee.objects.filter(active=True),
        required=False,
        empty_label=_("Alla nämnder"),
        to_field_name="code",
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla"))] + list(Status.choices), required=False
    )
