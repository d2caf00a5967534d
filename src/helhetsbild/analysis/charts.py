"""Charts: one Vega-Lite specification per chart (built with Altair), rendered to SVG on the
server with vl-convert, so that pages need no JavaScript and reports can reuse the same image.
The specifications the indicator pages and the committee's report share are built here
(`series_by_sex_spec`, `trend_spec`), so a page and a report can never draw the same numbers
differently; reports that cannot take SVG (Word) get the same chart as PNG (`png`).

A page shows a chart as an image with empty alternative text beside an accessible table of the
same numbers (WCAG 1.1.1: the table is the text alternative). An image rather than inline SVG,
because the text elements of inline SVG count as content that must reflow at 320 px (WCAG 1.4.10)
and chart labels cannot. Rendering takes tens of milliseconds, so results are cached by
specification.
"""

import base64
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

import altair as alt
import vl_convert
from django.utils.translation import gettext as _

from helhetsbild.analysis.disclosure import Cell, Unit
from helhetsbild.analysis.overview import SeriesRow

# Swedish number format (decimal comma, space as thousands separator) in axes and labels.
_LOCALE: Final = "sv-SE"
# No chart may fetch anything: data is always inline.
_NO_URLS: list[str] = []
# Dark enough for 3:1 against white (WCAG 1.4.11), and told apart by dash and shape as well.
_SERIES_COLOURS = ("#1b1b1b", "#0b4f8a", "#a4001d")
_SERIES_DASHES = ([1, 0], [6, 3], [2, 2])
_SERIES_SHAPES = ("circle", "square", "triangle-up")
# Pixels per chart pixel in a PNG: sharp in print and on high-resolution screens.
PNG_SCALE: Final = 2.0

# (period, series name, value or None for a gap)
Point = tuple[str, str, float | None]


def series_by_sex_spec(series: Sequence[SeriesRow], unit: str) -> dict[str, Any]:
    """An indicator's time series of the total, women and men: the indicator page's chart and the
    trend chart of the committee's report."""
    points = tuple(
        (row.period, name, _plotted(cell))
        for row in series
        for name, cell in zip(series_names(), (row.total, row.women, row.men), strict=True)
    )
    return line_spec(points, axis_title(unit), compact=False)


def trend_spec(series: Sequence[SeriesRow], unit: str) -> dict[str, Any]:
    """The small trend of the total beside a key figure of the overview."""
    points = tuple((row.period, _("Totalt"), _plotted(row.total)) for row in series)
    return line_spec(points, axis_title(unit), compact=True)


def series_names() -> tuple[str, str, str]:
    return (_("Totalt"), _("Kvinnor"), _("Män"))


def axis_title(unit: str) -> str:
    return {
        Unit.SHARE: _("Procent"),
        Unit.COUNT: _("Antal"),
        Unit.AMOUNT: _("Kronor"),
        Unit.MONTHS: _("Månader"),
    }[Unit(unit)]


def line_spec(points: tuple[Point, ...], y_title: str, *, compact: bool) -> dict[str, Any]:
    """A line per series with a mark at every point; a compact chart has no axes or legend.
    Built once per set of numbers drawn (a warm page builds no chart); a fresh dict each call, so
    that no caller can change the cached one."""
    return json.loads(_line_spec(points, y_title, compact))  # type: ignore[no-any-return]


def _plotted(cell: Cell | None) -> float | None:
    """Hidden and undefined points are left out of the line, never drawn as zero."""
    return None if cell is None or cell.suppressed else cell.value


@lru_cache(maxsize=256)
def _line_spec(points: tuple[Point, ...], y_title: str, compact: bool) -> str:
    names = list(dict.fromkeys(name for _period, name, _value in points))
    data = alt.Data(values=[{"period": p, "serie": n, "value": v} for p, n, v in points])
    legend = None if compact else alt.Legend(title=None, orient="bottom")
    chart = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-show-domains", strokeWidth=2)
        .encode(
            x=alt.X("period:O", title=None, axis=None if compact else alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None if compact else y_title),
            color=alt.Color(
                "serie:N",
                scale=alt.Scale(domain=names, range=list(_SERIES_COLOURS[: len(names)])),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "serie:N",
                scale=alt.Scale(domain=names, range=list(_SERIES_DASHES[: len(names)])),
                legend=legend,
            ),
            shape=alt.Shape(
                "serie:N",
                scale=alt.Scale(domain=names, range=list(_SERIES_SHAPES[: len(names)])),
                legend=legend,
            ),
        )
        .properties(width=180 if compact else 640, height=60 if compact else 260)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=13, symbolSize=120, symbolStrokeWidth=0)
    )
    return json.dumps(chart.to_dict(validate=False), ensure_ascii=False)


def svg(spec: dict[str, Any]) -> str:
    """The SVG of a Vega-Lite specification (a dict, as `altair.Chart.to_dict()` gives)."""
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def image_source(spec: dict[str, Any]) -> str:
    """The chart as a `data:` URL for an `<img>`: no request, nothing for the CSP to allow but
    `img-src data:`."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(spec).encode()).decode("ascii")


def image_source_filled(form: str, datasets: Mapping[str, list[dict[str, object]]]) -> str:
    """As `image_source`, for a chart whose form (a Vega-Lite specification in JSON with named
    data) stays while its data change: the form is compiled to Vega once, and each call only
    fills in the data sets by name and draws."""
    vega = json.loads(_compiled(form))
    for data in vega["data"]:
        if data["name"] in datasets:
            data["values"] = datasets[data["name"]]
    drawn = _draw(json.dumps(vega, sort_keys=True, ensure_ascii=False))
    return "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode("ascii")


@lru_cache(maxsize=64)
def _compiled(form: str) -> str:
    """The Vega specification of a form, with every named data set present and empty."""
    spec = json.loads(form)
    names = [layer["data"]["name"] for layer in spec.get("layer", [spec]) if "data" in layer]
    spec["datasets"] = {name: [] for name in names}
    return json.dumps(vl_convert.vegalite_to_vega(json.dumps(spec)), ensure_ascii=False)


@lru_cache(maxsize=64)
def _draw(vega: str) -> str:
    """Cached by the whole specification with its data: a journey's chart is some 100 kB, and a
    page asked for again (another page of codes, a reload) draws nothing."""
    return vl_convert.vega_to_svg(
        vega, format_locale=_LOCALE, time_format_locale=_LOCALE, allowed_base_urls=_NO_URLS
    )


def png(spec: dict[str, Any]) -> bytes:
    """The PNG of a Vega-Lite specification, for documents that take no SVG (Word)."""
    return _render_png(json.dumps(spec, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=128)
def _render_png(spec: str) -> bytes:
    return vl_convert.vegalite_to_png(
        spec,
        scale=PNG_SCALE,
        format_locale=_LOCALE,
        time_format_locale=_LOCALE,
        allowed_base_urls=_NO_URLS,
    )


@lru_cache(maxsize=512)
def _render(spec: str) -> str:
    return vl_convert.vegalite_to_svg(
        spec, format_locale=_LOCALE, time_format_locale=_LOCALE, allowed_base_urls=_NO_URLS
    )
