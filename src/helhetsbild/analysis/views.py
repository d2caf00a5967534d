"""The overview and indicator pages, and the indicator downloads.

Each view calls the selectors (which check `aggregate.view`), shapes the protected cells for the
template, and renders. A number reaches a page only through `disclosure.display`. Without an
analysis store the pages say so in Swedish instead of failing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhetsbild.analysis import charts, selectors
from helhetsbild.analysis.catalogue import Direction, Indicator, breakdowns_of
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, Cell, Shown, Unit, display
from helhetsbild.analysis.downloads import NUMBERS, FileFormat, indicator_download, unit_label
from helhetsbild.analysis.overview import SeriesRow, overview_for, series_by_sex
from helhetsbild.analysis.store import StoreMissing
from helhetsbild.organisation.permissions import acting_user

# After a number in running text; tables say the unit in their headings instead.
_UNIT_SUFFIX = {Unit.SHARE: " %", Unit.AMOUNT: " kr", Unit.MONTHS: " mån.", Unit.COUNT: ""}


@dataclass(frozen=True)
class BreakdownRow:
    group: str
    numbers: list[Shown]


@dataclass(frozen=True)
class BreakdownTable:
    label: str
    rows: list[BreakdownRow]
    total: BreakdownRow


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Indikatorn har inga värden för %(value)s. Sidan visar den senaste perioden."
            )
        },
    )

    def __init__(self, data: QueryDict | None, *, periods: list[str]) -> None:
        super().__init__(data, initial={"period": periods[0]})
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(period, period) for period in periods]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    try:
        found = overview_for(acting_user(request))
    except StoreMissing as error:
        return render(request, "analysis/overview.html", {"missing": str(error)})
    figures = [
        {
            "item": figure.indicator,
            "unit": unit_label(figure.indicator),
            "period": figure.latest.period,
            "total": _figure(figure.latest.total),
            "women": _figure(figure.latest.women),
            "men": _figure(figure.latest.men),
            "chart": charts.image_source(charts.trend_spec(figure.trend, figure.indicator.unit)),
            "trend": _series_rows(figure.trend),
        }
        for figure in found.key_figures
    ]
    activities = found.activities
    context = {
        "build": found.build,
        "month": activities.month,
        "activities": [(label, _shown(cell)) for label, cell in activities.by_activity],
        "sexes": [(label, _shown(cell)) for label, cell in activities.by_sex],
        "total": _shown(activities.total),
        "figures": figures,
        "sources": found.sources,
        "explanation": _explanation(
            [*activities.cells, *(c for f in found.key_figures for c in _cells_of(f.trend))]
        ),
    }
    return render(request, "analysis/overview.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    themes: dict[str, list[dict[str, object]]] = {}
    for item in selectors.catalogue_for(acting_user(request)):
        themes.setdefault(item.theme, []).append({"item": item, "unit": unit_label(item)})
    return render(request, "analysis/catalogue.html", {"themes": sorted(themes.items())})


@login_required
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    user = acting_user(request)
    item = _indicator_or_404(request, indicator_id)
    context: dict[str, object] = {
        "item": item,
        "unit": unit_label(item),
        "direction": _direction(item.direction),
    }
    try:
        result = selectors.result_for(user, item)
    except StoreMissing as error:
        return render(request, "analysis/indicator.html", {**context, "missing": str(error)})
    series = series_by_sex(result)
    if not series:
        return render(request, "analysis/indicator.html", context)
    periods = [row.period for row in reversed(series)]
    form = PeriodForm(request.GET if "period" in request.GET else None, periods=periods)
    period = form.cleaned_data["period"] if form.is_bound and form.is_valid() else periods[0]
    context |= {
        "form": form,
        "period": period,
        "series": _series_rows(series),
        "chart": charts.image_source(charts.series_by_sex_spec(series, item.unit)),
        "headings": _number_headings(item),
        "tables": _breakdown_tables(item, [c for c in result.cells if c.period == period]),
        "explanation": _explanation(result.cells),
    }
    return render(request, "analysis/indicator.html", context)


@login_required
def download(request: HttpRequest, indicator_id: str, file_format: str) -> HttpResponse:
    item = _indicator_or_404(request, indicator_id)
    try:
        chosen = FileFormat(file_format)
    except ValueError:
        raise Http404 from None
    try:
        found = indicator_download(actor=acting_user(request), item=item, file_format=chosen)
    except StoreMissing:
        return redirect("analysis:indicator", indicator_id=item.id)  # the page explains
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    return response


def _indicator_or_404(request: HttpRequest, indicator_id: str) -> Indicator:
    item = selectors.indicator_for(acting_user(request), indicator_id)
    if item is None:
        raise Http404
    return item


def _direction(direction: Direction) -> str:
    return {
        Direction.UP: _("Högre värde är bättre"),
        Direction.DOWN: _("Lägre värde är bättre"),
        Direction.NONE: _("Varken högre eller lägre värde är bättre i sig"),
    }[direction]


def _shown(cell: Cell | None) -> Shown:
    if cell is None:
        return Shown("–")
    return Shown(display(cell), cell.explanation)


def _figure(cell: Cell | None) -> Shown:
    """A value in running text, with its unit: "45,2 %", "3 200 kr"."""
    shown = _shown(cell)
    if cell is None or cell.suppressed or cell.value is None:
        return shown
    return Shown(shown.text + _UNIT_SUFFIX[Unit(cell.unit)])


def _series_rows(series: list[SeriesRow]) -> list[tuple[str, list[Shown]]]:
    return [(row.period, [_shown(row.total), _shown(row.women), _shown(row.men)]) for row in series]


def _number_headings(item: Indicator) -> list[str]:
    """The headings of a breakdown table's number columns, in the order of `NUMBERS`."""
    if item.unit == Unit.SHARE:
        words = {
            "numerator": _("Täljare (antal med utfallet)"),
            "denominator": _("Nämnare (antal i gruppen)"),
        }
    else:
        words = {"numerator": _("Summa, %(unit)s") % {"unit": charts.axis_title(item.unit).lower()}}
        words["denominator"] = _("Personer")
    words["value"] = unit_label(item).capitalize()
    return [words[name] for name in NUMBERS[item.aggregate]]


def _breakdown_tables(item: Indicator, cells: list[Cell]) -> list[BreakdownTable]:
    """One table per breakdown of the period, each closed by the total its groups add up to."""
    total = _breakdown_row(item, _("Totalt"), next(c for c in cells if c.breakdown == TOTAL))
    return [
        BreakdownTable(
            label=part.label,
            rows=[
                _breakdown_row(item, part.label_of(cell.group), cell)
                for cell in cells
                if cell.breakdown == part.id
            ],
            total=total,
        )
        for part in breakdowns_of(item)
    ]


def _breakdown_row(item: Indicator, group: str, cell: Cell) -> BreakdownRow:
    numbers = [_shown(cell)]
    for name in NUMBERS[item.aggregate][1:]:
        number = getattr(cell, name)
        if cell.suppressed:
            numbers.append(Shown(SUPPRESSED_MARK, cell.explanation))
        else:
            numbers.append(Shown(number_format(round(number), decimal_pos=0, force_grouping=True)))
    return BreakdownRow(group=group, numbers=numbers)


def _cells_of(series: list[SeriesRow]) -> list[Cell | None]:
    return [cell for row in series for cell in (row.total, row.women, row.men)]


def _explanation(cells: Iterable[Cell | None]) -> str:
    """The one explanation all hidden cells share, for the page's footnote; empty when none is
    hidden, and then the footnote and the references to it are left out."""
    return next((cell.explanation for cell in cells if cell is not None and cell.suppressed), "")
