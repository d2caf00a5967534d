"""Forms of the goal pages. They parse and check what a person can correct on the spot; the
services hold the rules (the assessment's comment rule is checked in both, so the form can point
at the field)."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from helhetsbild.analysis.catalogue import indicators
from helhetsbild.goals.models import DirectionChoice, Goal, GoalKind, Source, UnitChoice
from helhetsbild.goals.selectors import YearOption
from helhetsbild.goals.services import Values
from helhetsbild.goals.status import (
    DEFAULT_YELLOW_WITHIN,
    FULFILMENT_LABELS,
    Fulfilment,
    Verdict,
    assessment_differs,
)
from helhetsbild.organisation.models import Committee


class NumberField(forms.FloatField):
    """A number as Swedes write it ("63,5"), typed in a text box that asks for a decimal pad."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(localize=True, **kwargs)
        self.widget.attrs["inputmode"] = "decimal"


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1990, max_value=2100, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 6})


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, data: Any, *, options: list[YearOption], initial_year: int) -> None:
        super().__init__(data, initial={"year": initial_year})
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(option.year, _year_label(option)) for option in options]


class GoalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nivå"), choices=GoalKind.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.ModelChoiceField(
        label=_("Överordnat mål"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Inget (målet står överst)"),
    )
    committee = forms.ModelChoiceField(
        label=_("Nämnd"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("Ingen: fullmäktiges mål"),
        help_text=_("Vision och inriktningsmål har ingen nämnd; nämndmål och aktiviteter har en."),
    )
    responsible_role = forms.CharField(
        label=_("Ansvarig funktion"),
        max_length=200,
        required=False,
        help_text=_("Till exempel Kommundirektör eller Socialchef."),
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Ansvarig användare"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ingen vald"),
        help_text=_(
            "Den som får lägga in utfall och bedömning för målet, utöver nämndens handläggare."
        ),
    )

    def __init__(
        self, data: Any = None, *, year: int, committees: Any, initial: Any = None
    ) -> None:
        super().__init__(data, initial=initial)
        self._set_queryset("parent", Goal.objects.filter(year=year).select_related("committee"))
        self._set_queryset("committee", committees)
        self._set_queryset(
            "responsible_user", User.objects.filter(is_active=True).order_by("username")
        )

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class GoalIndicatorForm(forms.Form):
    source = forms.ChoiceField(label=_("Källa"), choices=Source.choices)
    indicator_id = forms.ChoiceField(
        label=_("Indikator ur katalogen"),
        required=False,
        help_text=_("För källan Helhetsbildens indikator."),
    )
    kolada_id = forms.CharField(
        label=_("Kolada-id"),
        max_length=20,
        required=False,
        help_text=_("För källan Kolada, till exempel N00973."),
    )
    title = forms.CharField(
        label=_("Namn"),
        max_length=300,
        required=False,
        help_text=_("För manuella indikatorer och Kolada-nyckeltal."),
    )
    unit = forms.ChoiceField(
        label=_("Enhet"),
        choices=[("", _("Som indikatorn i katalogen")), *UnitChoice.choices],
        required=False,
    )
    direction = forms.ChoiceField(
        label=_("Riktning"),
        choices=[("", _("Som indikatorn i katalogen")), *DirectionChoice.choices],
        required=False,
    )
    target_total = NumberField(label=_("Målvärde totalt"))
    target_women = NumberField(label=_("Målvärde kvinnor"))
    target_men = NumberField(label=_("Målvärde män"))
    baseline_year = YearField(label=_("Utgångsår"))
    baseline_value = NumberField(
        label=_("Utgångsvärde"),
        help_text=_(
            "Lämna tomt för en indikator ur katalogen: värdet hämtas då från analysdatabasen."
        ),
    )
    yellow_within = NumberField(
        label=_("Gul inom (% av målvärdet)"),
        min_value=0,
        max_value=100,
        initial=DEFAULT_YELLOW_WITHIN,
        help_text=_("Hur långt från målvärdet utfallet får ligga och ändå vara gult."),
    )
    method_break_year = YearField(
        label=_("År för metodbyte"),
        help_text=_("Första året med en ny definition, om indikatorn har bytt definition."),
    )
    method_break_note = forms.CharField(
        label=_("Om metodbytet"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        field = self.fields["indicator_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Välj indikator"))] + [
            (item.id, item.title) for item in indicators().values()
        ]

    def target(self) -> Values:
        data = self.cleaned_data
        return Values(data["target_total"], data["target_women"], data["target_men"])


class ValuesForm(forms.Form):
    """A target or an outcome: for all, and optionally for women and for men."""

    total = NumberField(label=_("Totalt"))
    women = NumberField(label=_("Kvinnor"))
    men = NumberField(label=_("Män"))
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def values(self) -> Values:
        data = self.cleaned_data
        return Values(data["total"], data["women"], data["men"])


class OutcomeForm(ValuesForm):
    comment = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Varifrån utfallet kommer och vad det visar. Krävs."),
    )


class AssessmentForm(forms.Form):
    fulfilment = forms.ChoiceField(
        label=_("Bedömning"),
        choices=[("", _("Välj bedömning"))]
        + [(f.value, label) for f, label in FULFILMENT_LABELS.items()],
    )
    analysis = forms.CharField(
        label=_("Analys"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad har gjorts, vad visar resultaten och vad behöver göras framåt?"),
    )
    comment = forms.CharField(
        label=_("Kommentar till avvikelsen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs när bedömningen skiljer sig från den beräknade statusen."),
    )

    def __init__(self, data: Any = None, *, computed: Verdict) -> None:
        super().__init__(data)
        self.computed = computed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fulfilment = data.get("fulfilment")
        departs = fulfilment and assessment_differs(self.computed, Fulfilment(fulfilment))
        if departs and not data.get("comment", "").strip():
            self.add_error(
                "comment",
                _(
                    "Bedömningen skiljer sig från den beräknade statusen (%(status)s): "
                    "förklara varför."
                )
                % {"status": self.computed.status.label.lower()},
            )
        return data


def _year_label(option: YearOption) -> str:
    if option.plan:
        return str(_("%(year)s (plan)") % {"year": option.year})
    if option.closed:
        return str(_("%(year)s (stängt)") % {"year": option.year})
    return str(option.year)
