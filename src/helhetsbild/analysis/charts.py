"""Charts: one Vega-Lite specification per chart (built with Altair), rendered to SVG on the
server with vl-convert, so that pages need no JavaScript and reports can reuse the same image.

The SVG is decorative for assistive technology: every chart sits beside an accessible table with
the same numbers (WCAG 1.1.1), so the image is hidden from screen readers and the table is the
text alternative. Rendering takes tens of milliseconds, so results are cached by specification.
"""

import json
from functools import lru_cache
from typing import Any

import vl_convert

# Swedish number format (decimal comma, space as thousands separator) in axes and labels.
_LOCALE = "sv-SE"
# No chart may fetch anything: data is always inline.
_NO_URLS: list[str] = []


def svg(spec: dict[str, Any]) -> str:
    """The SVG of a Vega-Lite specification (a dict, as `altair.Chart.to_dict()` gives)."""
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=512)
def _render(spec: str) -> str:
    image = vl_convert.vegalite_to_svg(
        spec, format_locale=_LOCALE, time_format_locale=_LOCALE, allowed_base_urls=_NO_URLS
    )
    return image.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
