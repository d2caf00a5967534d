"""A chart whose form is compiled once and filled with data on each call draws that data."""

import base64
import json

from helhetsbild.analysis.charts import image_source_filled

FORM = json.dumps(
    {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "layer": [
            {
                "data": {"name": "parts"},
                "mark": "bar",
                "encoding": {
                    "x": {"field": "m", "type": "ordinal"},
                    "y": {"field": "n", "type": "quantitative"},
                },
            },
            {
                "data": {"name": "marks"},
                "mark": "text",
                "encoding": {"x": {"field": "m", "type": "ordinal"}, "text": {"field": "t"}},
            },
        ],
    }
)


def drawn(source: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert source.startswith(prefix)
    return base64.b64decode(source[len(prefix) :]).decode()


def bars(svg: str) -> int:
    return svg.count('aria-roledescription="bar"')


def test_each_call_draws_its_own_data_into_the_same_form() -> None:
    three = drawn(image_source_filled(FORM, {"parts": [{"m": m, "n": m + 1} for m in range(3)]}))
    five = drawn(image_source_filled(FORM, {"parts": [{"m": m, "n": 2} for m in range(5)]}))

    assert (bars(three), bars(five)) == (3, 5)


def test_a_data_set_left_out_is_drawn_empty() -> None:
    svg = drawn(image_source_filled(FORM, {"parts": [{"m": 1, "n": 4}]}))

    assert bars(svg) == 1 and ">..</text>" not in svg


def test_every_named_data_set_can_be_filled() -> None:
    svg = drawn(image_source_filled(FORM, {"parts": [], "marks": [{"m": 0, "t": ".."}]}))

    assert bars(svg) == 0 and ">..</text>" in svg
