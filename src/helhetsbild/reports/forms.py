"""The form that starts a report. Which committees a person may choose is the permission's
(`selectors.report_committees_for`); the service checks it again."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helhetsbild.organisation.models import Committee
from helhetsbild.reports.models import ReportKind

WHOLE_MUNICIPALITY = ""


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Slag"), choices=ReportKind.choices)
    year = forms.TypedChoiceField(label=_("År"), coerce=int)
    committee = forms.ChoiceField(label=_("Nämnd"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        years: list[int],
        committees: QuerySet[Committee],
        whole_municipality: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(each, str(each)) for each in years]
        committee = self.fields["committee"]
        assert isinstance(committee, forms.ChoiceField)
        choices = [(c.code, c.name) for c in committees.order_by("code")]
        if whole_municipality:
            choices.insert(0, (WHOLE_MUNICIPALITY, str(_("Hela kommunen"))))
        committee.choices = choices
        self.committees = {c.code: c for c in committees}

    def clean_committee(self) -> Committee | None:
        code = self.cleaned_data["committee"]
        return self.committees.get(code) if code else None
