"""Charts: one Vega-Lite specification per chart (built with Altair), rendered to SVG on the
server with vl-convert, so that pages need no JavaScript and reports can reuse the same image.

A page shows a chart as an image with empty alternative text beside an accessible table of the
same numbers (WCAG 1.1.1: the table is the text alternative). An image rather than inline SVG,
because the text elements of inline SVG count as content that must reflow at 320 px (WCAG 1.4.10)
and chart labels cannot. Rendering takes tens of milliseconds, so results are cached by
specification.
"""

import base64
import json
from functools import lru_cache
from typing import Any, Final

import vl_convert

# Swedish number format (decimal comma, space as thousands separator) in axes and labels.
_LOCALE: Final = "sv-SE"
# No chart may fetch anything: data is always inline.
_NO_URLS: list[str] = []


def svg(spec: dict[str, Any]) -> str:
    """The SVG of a Vega-Lite specification (a dict, as `altair.Chart.to_dict()` gives)."""
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def image_source(spec: dict[str, Any]) -> str:
    """The chart as a `data:` URL for an `<img>`: no request, nothing for the CSP to allow but
    `img-src data:`."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(spec).encode()).decode("ascii")


@lru_cache(maxsize=512)
def _render(spec: str) -> str:
    return vl_convert.vegalite_to_svg(
        spec, format_locale=_LOCALE, time_format_locale=_LOCALE, allowed_base_urls=_NO_URLS
    )
