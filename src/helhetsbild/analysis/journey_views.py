"""The pages of Användarresan: a cohort's journey for everyone who may see aggregates, and the
opening of one pseudonymised journey for analysts.

The cohort is chosen by GET, so a view of it can be bookmarked; a journey is opened by POST, so
that no journey code stands in a URL, a browser history or a server log.
"""

import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import altair as alt
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from helhetsbild.analysis import charts, journey
from helhetsbild.analysis.activities import MAIN_ACTIVITIES, main_activity_labels
from helhetsbild.analysis.catalogue import breakdowns
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, display
from helhetsbild.analysis.store import StoreMissing
from helhetsbild.organisation.permissions import Action, acting_user, can
from helhetsbild.register.identity import PERSONNUMMER_IN_TEXT

CODES_PER_PAGE = 20
# One colour per main activity, in the order of MAIN_ACTIVITIES, and one for hidden values.
ACTIVITY_COLOURS = (
    "#1f4e79",
    "#4f8fc0",
    "#2a9d8f",
    "#e9a23b",
    "#8e5ea2",
    "#b48ad1",
    "#dcc6ec",
    "#c0504d",
    "#f2a5a0",
    "#7f6a4f",
    "#d9d9d9",
)
HIDDEN_COLOUR = "#6e6e6e"
OTHER_PURPOSE = "annat"


def _purposes() -> dict[str, str]:
    return {
        "analys": _("Analys av insatsflöden"),
        "kvalitet": _("Kvalitetskontroll av data"),
        OTHER_PURPOSE: _("Annat"),
    }


class CohortForm(forms.Form):
    """The cohort and its filters; every value is one of a fixed list, so a page can only ask
    for the coarse groups that disclosure control is designed for."""

    ar = forms.TypedChoiceField(label=gettext_lazy("Bosättningsår"), coerce=int)
    kon = forms.ChoiceField(label=gettext_lazy("Kön"), required=False)
    malgrupp = forms.ChoiceField(
        label=gettext_lazy("Målgrupp"),
        required=False,
        help_text=gettext_lazy("Ett filter i taget."),
    )

    def __init__(self, data: QueryDict, *, cohorts: journey.Cohorts) -> None:
        if "ar" not in data and cohorts.default_year is not None:
            data = data.copy()
            data["ar"] = str(cohorts.default_year)
        super().__init__(data)
        every = breakdowns()
        everyone = ("", _("Alla"))
        self._choose(self.fields["ar"], [(str(year), str(year)) for year in cohorts.years])
        self._choose(self.fields["kon"], [everyone, *every[journey.SEX].groups.items()])
        targets = [
            (
                every[name].label,
                [(f"{name}:{code}", label) for code, label in every[name].groups.items()],
            )
            for name in journey.TARGET_GROUPS
        ]
        self._choose(self.fields["malgrupp"], [everyone, *targets])

    @staticmethod
    def _choose(field: forms.Field, choices: list[Any]) -> None:
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def cohort(self) -> journey.Cohort:
        data = self.cleaned_data
        breakdown, _colon, group = data["malgrupp"].partition(":")
        return journey.Cohort(
            year=data["ar"], sex=data["kon"] or None, target=(breakdown, group) if group else None
        )

    def query(self) -> str:
        """The cohort as a query string, for links and form actions that keep it."""
        data = self.cleaned_data
        return urlencode({"ar": data["ar"], "kon": data["kon"], "malgrupp": data["malgrupp"]})

    def description(self) -> str:
        """The chosen cohort in words, for headings and captions."""
        cohort, every = self.cohort(), breakdowns()
        parts = [_("bosättningsår %(year)s") % {"year": cohort.year}]
        parts += [f"{every[b].label.lower()}: {every[b].label_of(g)}" for b, g in cohort.filters]
        return ", ".join(parts)


class OpenForm(forms.Form):
    """The journey to open and why: the purpose goes to the access log with the opening."""

    vald = forms.CharField(required=False)
    kod = forms.CharField(
        label=gettext_lazy("Eller skriv en resekod"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Till exempel R-0a1b2c3d4e5f."),
    )
    syfte = forms.ChoiceField(label=gettext_lazy("Syfte"))
    annat_syfte = forms.CharField(
        label=gettext_lazy("Beskriv syftet"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("Behövs om syftet är Annat. Skriv inga personuppgifter."),
    )

    def __init__(self, data: QueryDict | None = None) -> None:
        super().__init__(data)
        field = self.fields["syfte"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Välj syfte")), *_purposes().items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, typed = (_normal_code(data.get(name, "")) for name in ("vald", "kod"))
        if chosen and typed and chosen != typed:
            self.add_error("kod", _("Välj en resa i listan eller skriv en kod, inte båda."))
        elif not (chosen or typed):
            self.add_error("kod", _("Välj en resa i listan eller skriv en resekod."))
        elif not journey.CODE_SHAPE.match(typed or chosen):
            self.add_error("kod", _("En resekod är R- följt av tolv tecken 0–9 och a–f."))
        data["code"] = typed or chosen
        other = data.get("annat_syfte", "").strip()
        if data.get("syfte") == OTHER_PURPOSE and not other:
            self.add_error("annat_syfte", _("Beskriv syftet när du väljer Annat."))
        if PERSONNUMMER_IN_TEXT.search(other):
            self.add_error("annat_syfte", _("Syftet får inte innehålla ett personnummer."))
        return data

    def purpose(self) -> str:
        """The purpose as the access log keeps it: the reason's words, and the text for Annat."""
        label = _purposes()[self.cleaned_data["syfte"]]
        if self.cleaned_data["syfte"] == OTHER_PURPOSE:
            return f"{label}: {self.cleaned_data['annat_syfte'].strip()}"
        return label


def _normal_code(text: str) -> str:
    """A code as typed, in the one spelling codes have: capital R, small hex letters."""
    text = text.strip()
    return text[:2].upper() + text[2:].lower()


@login_required
@require_GET
def journey_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return _journey_page(request, user, _cohort_form(request, user), OpenForm())


@login_required
@require_POST
def journey_open(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can(user, Action.JOURNEY_OPEN):
        raise PermissionDenied
    cohort_form = _cohort_form(request, user)
    open_form = OpenForm(request.POST)
    if isinstance(cohort_form, str) or not (cohort_form.is_valid() and open_form.is_valid()):
        return _journey_page(request, user, cohort_form, open_form)
    opened = journey.journey_open(
        actor=user,
        year=cohort_form.cleaned_data["ar"],
        code=open_form.cleaned_data["code"],
        purpose=open_form.purpose(),
    )
    return render(
        request,
        "analysis/journey_person.html",
        {
            "opened": opened,
            "purpose": open_form.purpose(),
            "query": cohort_form.query(),
            "facts": _person_facts(opened),
            "rows": _person_rows(opened),
        },
    )


def _cohort_form(request: HttpRequest, user: User) -> CohortForm | str:
    """The cohort form over the cohorts in the store, or the Swedish reason there is none."""
    try:
        cohorts = journey.cohorts_for(user)
    except StoreMissing as missing:
        return str(missing)
    if not cohorts.years:
        return _("Analysdatabasen har ingen som har bosatt sig i kommunen ännu.")
    return CohortForm(request.GET, cohorts=cohorts)


def _journey_page(
    request: HttpRequest, user: User, form: CohortForm | str, open_form: OpenForm
) -> HttpResponse:
    if isinstance(form, str):
        return render(request, "analysis/journey.html", {"missing": form})
    context: dict[str, object] = {"form": form, "threshold": settings.MIN_CELL_SIZE}
    if form.is_valid():
        cohort = form.cohort()
        result = journey.journey_for(user, cohort)
        labels = main_activity_labels()
        context.update(
            description=form.description(),
            query=form.query(),
            journey=result,
            activity_labels=[labels[code] for code in MAIN_ACTIVITIES],
            rows=_table_rows(result),
            chart=_chart(result, labels) if result.months else "",
        )
        if can(user, Action.JOURNEY_OPEN):
            codes = Paginator(journey.journey_codes_for(user, cohort), CODES_PER_PAGE)
            context.update(codes=codes.get_page(request.GET.get("sida")), open_form=open_form)
    return render(request, "analysis/journey.html", context)


def _table_rows(result: journey.Journey) -> SafeString:
    """The table's rows, joined here rather than in a template loop: a cohort's table has some
    1,800 cells, and Django's loop took longer over them than the query that counts them."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                month.month,
                format_html_join(
                    "", '<td class="number">{}</td>', ((display(c),) for c in month.cells)
                ),
            )
            for month in result.months
        ),
    )


def _chart(result: journey.Journey, labels: dict[str, str]) -> str:
    """One stacked column per month since settlement, and `..` at the foot of a month whose
    total is hidden.

    Columns rather than a stacked area: an area would join the points on either side of a hidden
    cell and so draw it as if it had a value. A hidden cell is left out; where the month's total
    is shown, the hidden cells together are drawn as one grey part, which anyone can compute
    from the table (the total minus the shown cells) and which `protect` keeps at or above the
    threshold.
    """
    hidden = _("Dolda värden (..)")
    order = [labels[code] for code in MAIN_ACTIVITIES] + [hidden]
    parts: list[dict[str, object]] = []
    unknown_totals: list[dict[str, object]] = []
    for month in result.months:
        shown = [c for c in month.activities if not c.suppressed and c.value]
        parts += [{"m": month.month, "a": labels[str(c.group)], "n": c.value} for c in shown]
        if month.total.suppressed:
            unknown_totals.append({"m": month.month, "t": SUPPRESSED_MARK})
        elif rest := (month.total.value or 0) - sum(c.value or 0 for c in shown):
            parts.append({"m": month.month, "a": hidden, "n": rest})
    for part in parts:
        part["o"] = order.index(str(part["a"]))
    form = _chart_form(tuple(month.month for month in result.months), tuple(order))
    return charts.image_source_filled(form, {"parts": parts, "totals": unknown_totals})


@lru_cache(maxsize=64)
def _chart_form(months: tuple[int, ...], order: tuple[str, ...]) -> str:
    """The chart without its data, which depends only on the cohort's months and the labels:
    Altair takes longer to build it than Vega takes to draw it, so it is built once."""
    x = alt.X(
        "m:O",
        title=_("Månader sedan bosättning"),
        scale=alt.Scale(domain=list(months)),
        axis=alt.Axis(values=list(months[::6]), labelAngle=0),
    )
    columns = (
        alt.Chart(alt.NamedData(name="parts"))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "sum(n):Q",
                title=_("Personer"),
                stack="zero",
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            color=alt.Color(
                "a:N",
                title=_("Huvudaktivitet"),
                scale=alt.Scale(domain=list(order), range=[*ACTIVITY_COLOURS, HIDDEN_COLOUR]),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            order=alt.Order("o:Q"),
        )
    )
    marks = (
        alt.Chart(alt.NamedData(name="totals"))
        .mark_text(dy=-8, fontSize=13, fontWeight="bold")
        .encode(x=x, y=alt.Y(datum=0), text="t:N")
    )
    chart = (
        alt.layer(columns, marks)
        .properties(width=640, height=320)
        .configure_axis(labelFontSize=12, titleFontSize=13)
        .configure_legend(labelFontSize=12, titleFontSize=13, labelLimit=260)
    )
    return json.dumps(chart.to_dict(validate=False), ensure_ascii=False)


def _person_facts(opened: journey.PersonJourney) -> list[tuple[str, str]]:
    every = breakdowns()
    return [
        (_("Resekod"), opened.code),
        (_("Bosättningsår"), str(opened.settlement_year)),
        (_("Kön"), every[journey.SEX].label_of(opened.sex)),
        (_("Åldersgrupp vid bosättning"), every[journey.AGE_GROUP].label_of(opened.age_group)),
        (_("Mottagandeform"), every[journey.SETTLEMENT_FORM].label_of(opened.settlement_form)),
    ]


def _person_rows(opened: journey.PersonJourney) -> list[list[str]]:
    activities = main_activity_labels()
    housing = journey.housing_labels()
    return [
        [
            month.month.strftime("%Y-%m"),
            str(month.months_since_settlement),
            activities[month.main_activity],
            ", ".join(activities[flag] for flag in month.activities) or "–",
            _("Ja") if month.social_assistance else _("Nej"),
            housing[month.housing],
        ]
        for month in opened.months
    ]
