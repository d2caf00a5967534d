from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helhetsbild.imports.formats import kinds
from helhetsbild.organisation.models import Committee


class UploadForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("Nämnd"))
    kind = forms.ChoiceField(label=_("Slag av fil"), choices=())
    file = forms.FileField(
        label=_("Fil"),
        help_text=_(
            "CSV (semikolon eller komma, UTF-8) eller Excel (.xlsx) i det kanoniska formatet."
        ),
    )
    accept_valid = forms.BooleanField(
        label=_("Spara giltiga rader och lägg felaktiga rader i karantän"), required=False
    )
    dry_run = forms.BooleanField(
        label=_("Provkör: kontrollera bara, spara ingenting"), required=False
    )

    def __init__(self, *args: object, committees: QuerySet[Committee], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        if committees.count() == 1:
            self.fields["committee"].initial = committees.first()
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(name, spec.label) for name, spec in kinds().items()]


class QuarantineCorrectionForm(forms.Form):
    """One field per column of the row's kind, prefilled with what the file said."""

    def __init__(self, *args: object, headers: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for header in headers:
            self.fields[header] = forms.CharField(
                label=header.capitalize(), required=False, max_length=200
            )
