"""The status rules as tables: one value against its target, an indicator's groups, a goal from
its parts, and when an assessment needs a comment."""

import pytest

from helhetsbild.analysis.catalogue import Direction
from helhetsbild.analysis.disclosure import Unit
from helhetsbild.goals.status import (
    Basis,
    Fulfilment,
    Measure,
    Status,
    Verdict,
    assessment_differs,
    format_number,
    format_value,
    goal_status,
    indicator_status,
    measure_status,
)

G, Y, R = Status.GREEN, Status.YELLOW, Status.RED
NA, MB = Status.NOT_ASSESSABLE, Status.METHOD_BREAK
UP, DOWN = Direction.UP, Direction.DOWN


def measure(value: float | None, target: float | None, **options: object) -> Measure:
    fields: dict[str, object] = {
        "value": value,
        "target": target,
        "unit": Unit.SHARE,
        "direction": UP,
        "year": 2026,
    }
    return Measure(**(fields | options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "target", "options", "expected"),
    [
        (70, 70, {}, G),  # reaching the target is green
        (72.5, 70, {}, G),
        (69.9, 70, {}, Y),
        (63, 70, {}, Y),  # exactly 10 % short is still within 10 %
        (62.99, 70, {}, R),
        (0, 70, {}, R),
        (15, 15, {"direction": DOWN}, G),
        (12, 15, {"direction": DOWN}, G),
        (16.5, 15, {"direction": DOWN}, Y),  # exactly 10 % above a ceiling
        (16.51, 15, {"direction": DOWN}, R),
        (66.5, 70, {"yellow_within": 5}, Y),
        (66.4, 70, {"yellow_within": 5}, R),
        (69.9, 70, {"yellow_within": 0}, R),  # no yellow band at all
        (3, 0, {"direction": DOWN}, R),  # a target of zero leaves no band
        (0, 0, {"direction": DOWN}, G),
        (3300, 3000, {"direction": DOWN, "unit": Unit.AMOUNT}, Y),
    ],
)
def test_a_value_against_its_target(
    value: float, target: float, options: dict[str, object], expected: Status
) -> None:
    assert measure_status(measure(value, target, **options)).status == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (measure(63, 70, suppressed=True), "Kan inte bedömas: utfallet 2026 är dolt"),
        (measure(None, 70), "Kan inte bedömas: det finns inget utfall för 2026."),
        (measure(63, None), "Kan inte bedömas: det finns inget målvärde för 2026."),
        (
            measure(63, 70, baseline_year=2020, method_break_year=2022),
            "Metodbyte 2022: indikatorns definition ändrades efter utgångsåret 2020",
        ),
    ],
)
def test_what_cannot_be_compared_is_not_given_a_colour(found: Measure, expected: str) -> None:
    verdict = measure_status(found)
    assert not verdict.status.assessable
    assert verdict.explanation.startswith(expected)


def test_a_suppressed_value_is_not_assessable_whatever_it_was() -> None:
    """The protected cell has no value; even a value beside the flag is never compared."""
    assert measure_status(measure(80, 70, suppressed=True)).status == NA


@pytest.mark.parametrize(
    ("baseline_year", "break_year", "expected"),
    [
        (2020, 2022, MB),  # the definition changed between baseline and now
        (2020, 2026, MB),  # ... in the very year followed up
        (2022, 2022, Y),  # the baseline already has the new definition
        (2020, 2027, Y),  # a break still to come
        (None, 2022, Y),  # nothing to divide without a baseline
    ],
)
def test_a_method_break_between_baseline_and_now(
    baseline_year: int | None, break_year: int, expected: Status
) -> None:
    found = measure(63, 70, baseline_year=baseline_year, method_break_year=break_year)
    assert measure_status(found).status == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (measure(63, 70), "63 % mot målet 70 %: gul, inom 10 % av målet."),
        (measure(72.46, 70), "72,5 % mot målet 70 %: grön, målet är nått."),
        (
            measure(55, 70, baseline_value=58, baseline_year=2023),
            "55 % mot målet 70 %: röd, mer än 10 % från målet. Utgångsvärde 58 % (2023).",
        ),
        (
            measure(3200, 3000, unit=Unit.AMOUNT, direction=DOWN),
            "3\u00a0200 kr mot målet högst 3\u00a0000 kr: gul, inom 10 % av målet.",
        ),
        (
            measure(14, 20, unit=Unit.COUNT, yellow_within=12.5),
            "14 mot målet 20: röd, mer än 12,5 % från målet.",
        ),
    ],
)
def test_the_explanation_says_value_target_colour_and_reason(found: Measure, expected: str) -> None:
    assert measure_status(found).explanation == expected


def verdict(status: Status, basis: Basis = Basis.COMPUTED) -> Verdict:
    return Verdict(status, f"({status})", basis)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([G, G, G], G),
        ([G, Y, G], Y),
        ([G, G, R], R),  # the target for men is missed: the worst group decides
        ([G, NA, G], NA),  # women's value is hidden: no colour for the indicator
        ([MB, MB, MB], MB),
    ],
)
def test_an_indicator_with_targets_by_sex_is_met_only_for_both(
    groups: list[Status], expected: Status
) -> None:
    labelled = list(zip(["Totalt", "Kvinnor", "Män"], map(verdict, groups), strict=True))
    found = indicator_status(labelled)
    assert found.status == expected
    assert found.explanation.startswith("Totalt: (")
    assert "Kvinnor: (" in found.explanation and "Män: (" in found.explanation


def test_an_indicator_with_one_group_keeps_its_words() -> None:
    assert indicator_status([("Totalt", verdict(Y))]) == verdict(Y)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], NA),
        ([G], G),
        ([Y], Y),
        ([G, G], G),
        ([G, Y], Y),
        ([G, R], Y),  # half red is not more than half
        ([G, R, R], R),
        ([R, NA, NA], R),  # parts that cannot be assessed do not count
        ([G, MB], G),
        ([NA, MB], NA),
        ([G, G, G, Y], Y),  # one yellow part keeps a goal from green
    ],
)
def test_a_goal_takes_its_status_from_its_parts(parts: list[Status], expected: Status) -> None:
    found = goal_status([verdict(p) for p in parts])
    assert (found.status, found.basis) == (expected, Basis.COMPUTED)


def test_the_goal_explanation_counts_its_parts_in_swedish() -> None:
    found = goal_status([verdict(G), verdict(G), verdict(R), verdict(NA)])
    assert found.explanation == (
        "Gul: av 3 delar som kan bedömas är 2 gröna och 1 röd. "
        "1 del kan inte bedömas och räknas inte."
    )


def test_a_single_part_passes_its_explanation_up() -> None:
    assert goal_status([verdict(R)]).explanation == "(red)"


@pytest.mark.parametrize(
    ("parts", "assessment", "expected", "basis"),
    [
        ([], Fulfilment.PARTLY_FULFILLED, Y, Basis.ASSESSMENT),
        ([], Fulfilment.FULFILLED, G, Basis.ASSESSMENT),
        ([NA], Fulfilment.NOT_FULFILLED, R, Basis.ASSESSMENT),
        ([G], Fulfilment.NOT_FULFILLED, G, Basis.COMPUTED),  # the computed status stands
        ([], None, NA, Basis.COMPUTED),
    ],
)
def test_the_assessment_stands_in_only_where_nothing_can_be_computed(
    parts: list[Status], assessment: Fulfilment | None, expected: Status, basis: Basis
) -> None:
    found = goal_status([verdict(p) for p in parts], assessment)
    assert (found.status, found.basis) == (expected, basis)
    if basis == Basis.ASSESSMENT:
        assert "enligt den ansvariges bedömning" in found.explanation


@pytest.mark.parametrize(
    ("computed", "fulfilment", "differs"),
    [
        (verdict(G), Fulfilment.FULFILLED, False),
        (verdict(G), Fulfilment.PARTLY_FULFILLED, True),
        (verdict(Y), Fulfilment.PARTLY_FULFILLED, False),
        (verdict(Y), Fulfilment.FULFILLED, True),
        (verdict(R), Fulfilment.NOT_FULFILLED, False),
        (verdict(R), Fulfilment.FULFILLED, True),
        (verdict(NA), Fulfilment.FULFILLED, False),
        (verdict(MB), Fulfilment.NOT_FULFILLED, False),
        (verdict(G, Basis.ASSESSMENT), Fulfilment.NOT_FULFILLED, False),
    ],
)
def test_an_assessment_that_departs_from_the_computed_status_needs_a_comment(
    computed: Verdict, fulfilment: Fulfilment, differs: bool
) -> None:
    assert assessment_differs(computed, fulfilment) is differs


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (63.0, Unit.SHARE, "63 %"),
        (63.46, Unit.SHARE, "63,5 %"),
        (12345.6, Unit.AMOUNT, "12\u00a0346 kr"),
        (8.26, Unit.MONTHS, "8,3 mån."),
        (1400, Unit.COUNT, "1\u00a0400"),
    ],
)
def test_numbers_are_written_the_swedish_way(value: float, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


def test_a_whole_number_has_no_decimal_part() -> None:
    assert format_number(10.0) == "10"
