"""Forms of the log pages. Every form that can name a person is sent by POST, so that neither a
personnummer nor a pseudonym ever stands in a URL or a server log."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helhetsbild.accesslog.models import SHORT_PSEUDONYM_LENGTH
from helhetsbild.organisation.models import Committee
from helhetsbild.register.identity import (
    PERSONNUMMER_IN_TEXT,
    PERSONNUMMER_SHAPE,
    InvalidPersonnummer,
    Personnummer,
    parse_personnummer,
)

PSEUDONYM_START = re.compile(rf"^[0-9a-f]{{{SHORT_PSEUDONYM_LENGTH},64}}$")


class DateInput(forms.DateInput):
    input_type = "date"


class ReviewFilterForm(forms.Form):
    anvandare = forms.CharField(
        label=_("Användare"), required=False, max_length=150, help_text=_("Användarnamnet")
    )
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=64,
        help_text=_("Personnummer (ÅÅÅÅMMDD-NNNN) eller pseudonym, minst de tio första tecknen"),
    )
    namnd = forms.ChoiceField(label=_("Nämnd"), required=False)
    fran = forms.DateField(label=_("Från och med"), required=False, widget=DateInput)
    till = forms.DateField(label=_("Till och med"), required=False, widget=DateInput)
    per_nr = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee_field = self.fields["namnd"]
        assert isinstance(committee_field, forms.ChoiceField)
        committee_field.choices = [("", _("Alla nämnder"))] + [
            (c.code, str(c)) for c in Committee.objects.order_by("code")
        ]

    def clean_person(self) -> Personnummer | str | None:
        text = self.cleaned_data["person"].strip()
        if not text:
            return None
        if PERSONNUMMER_SHAPE.match(text):
            try:
                return parse_personnummer(text)
            except InvalidPersonnummer as error:
                raise forms.ValidationError(
                    _("Personnumret %(reason)s."), params={"reason": error}
                ) from None
        if PSEUDONYM_START.match(text.lower()):
            return text.lower()
        raise forms.ValidationError(
            _("Skriv ett personnummer med tolv siffror eller minst tio tecken av en pseudonym.")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("fran"), cleaned.get("till")
        if first and last and first > last:
            self.add_error("till", _("Slutdatumet ligger före startdatumet."))
        return cleaned


class SignoffForm(forms.Form):
    granskade = forms.TypedMultipleChoiceField(
        label=_("Granskade poster"), coerce=int, required=False
    )
    kommentar = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad du fann och vad som ska följas upp. Skriv inga personnummer."),
    )

    def __init__(self, *args: Any, sequences: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewed = self.fields["granskade"]
        assert isinstance(reviewed, forms.ChoiceField)
        reviewed.choices = [(n, str(n)) for n in sequences]

    def clean_kommentar(self) -> str:
        comment: str = self.cleaned_data["kommentar"]
        if PERSONNUMMER_IN_TEXT.search(comment):
            raise forms.ValidationError(_("Skriv inte personnummer i kommentaren."))
        return comment
