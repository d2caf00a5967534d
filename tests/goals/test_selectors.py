"""Reading an indicator for a goal: the protected cells of the engine (a hidden cell is never a
number), targets by sex, and a tree read without an analysis store."""

import pytest

from helhetsbild.analysis.disclosure import TOTAL, Cell
from helhetsbild.goals.models import GoalIndicator, Source, Target
from helhetsbild.goals.selectors import (
    current_year,
    engine_observed,
    goal_tree_for,
    goal_years_for,
    indicator_reading,
)
from helhetsbild.goals.services import Values, goal_indicator_add
from helhetsbild.goals.status import Status
from helhetsbild.organisation.models import Role
from tests.factories import make_user
from tests.goals.support import YEAR, analyst, make_tree

INDICATOR = "sjalvforsorjande_andel"


def cell(
    period: str, breakdown: str, group: str, value: float | None, hidden: bool = False
) -> Cell:
    return Cell(
        indicator=INDICATOR,
        period=period,
        breakdown=breakdown,
        group=group,
        unit="share",
        value=None if hidden else value,
        numerator=None,
        denominator=None,
        suppressed=hidden,
        explanation="Dolt: färre än 5 personer." if hidden else "",
    )


def goal_indicator(**fields: object) -> GoalIndicator:
    """Unsaved: the reading needs only the fields."""
    defaults: dict[str, object] = {
        "source": Source.ENGINE,
        "indicator_id": INDICATOR,
        "unit": "share",
        "direction": "up",
        "yellow_within": 10.0,
    }
    return GoalIndicator(**(defaults | fields))


def target(total: float | None, women: float | None = None, men: float | None = None) -> Target:
    return Target(total=total, women=women, men=men)


CELLS = [
    cell("2025", TOTAL, TOTAL, 50.0),
    cell("2026", TOTAL, TOTAL, 53.4),
    cell("2026", "kön", "K", 48.2),
    cell("2026", "kön", "M", 57.7),
    cell("2026", "mottagandeform", "ebo", 12.0),
]


def test_the_year_and_the_sexes_are_taken_from_the_protected_cells() -> None:
    found = engine_observed(CELLS, 2026)
    assert {group: seen.value for group, seen in found.items()} == {
        TOTAL: 53.4,
        "K": 48.2,
        "M": 57.7,
    }


def test_targets_by_sex_are_each_compared_with_their_own_cell() -> None:
    reading = indicator_reading(
        goal_indicator(), YEAR, engine_observed(CELLS, 2026), target(55, women=50, men=58)
    )
    assert [g.verdict.status for g in reading.groups if g.verdict] == [Status.YELLOW] * 3
    assert reading.verdict.status == Status.YELLOW
    assert [g.value.text for g in reading.groups] == ["53,4 %", "48,2 %", "57,7 %"]
    assert [g.target for g in reading.groups] == ["55 %", "50 %", "58 %"]
    assert reading.verdict.explanation.startswith("Totalt: 53,4 % mot målet 55 %: gul")
    assert "Kvinnor: 48,2 % mot målet 50 %: gul" in reading.verdict.explanation


def test_without_targets_by_sex_only_the_total_is_assessed() -> None:
    reading = indicator_reading(goal_indicator(), YEAR, engine_observed(CELLS, 2026), target(50))
    assert [g.verdict is not None for g in reading.groups] == [True, False, False]
    assert reading.verdict.status == Status.GREEN


def test_a_suppressed_cell_makes_the_indicator_not_assessable() -> None:
    hidden = [cell("2026", TOTAL, TOTAL, 53.4), cell("2026", "kön", "K", 2.0, hidden=True)]
    reading = indicator_reading(
        goal_indicator(), YEAR, engine_observed(hidden, 2026), target(50, women=50, men=50)
    )
    assert reading.verdict.status == Status.NOT_ASSESSABLE
    women = reading.groups[1]
    assert (women.value.text, women.value.suppressed) == ("..", True)
    assert "utfallet 2026 är dolt" in reading.verdict.explanation


def test_a_year_without_a_cell_has_no_outcome() -> None:
    reading = indicator_reading(goal_indicator(), 2027, engine_observed(CELLS, 2027), target(50))
    assert reading.verdict.explanation == "Kan inte bedömas: det finns inget utfall för 2027."
    assert reading.total.value.text == "–"


def test_a_method_break_is_recorded_on_the_goal_indicator() -> None:
    reading = indicator_reading(
        goal_indicator(baseline_year=2020, baseline_value=40.0, method_break_year=2022),
        YEAR,
        engine_observed(CELLS, 2026),
        target(50),
    )
    assert reading.verdict.status == Status.METHOD_BREAK


@pytest.mark.django_db
def test_without_an_analysis_store_engine_indicators_cannot_be_assessed(committees) -> None:  # type: ignore[no-untyped-def]
    tree = make_tree(committees)
    goal_indicator_add(
        actor=analyst(),
        goal=tree.strategic,
        source=Source.ENGINE,
        indicator_id=INDICATOR,
        target=Values(55),
    )
    found = goal_tree_for(make_user(Role.READER), YEAR)
    assert "Analysdatabasen är inte byggd" in found.store_missing
    reading = found.node(tree.strategic.pk).indicators[0]
    assert reading.verdict.status == Status.NOT_ASSESSABLE
    assert reading.title == "Självförsörjande nyanlända"


@pytest.mark.django_db
def test_this_year_and_the_next_are_always_offered(committees) -> None:  # type: ignore[no-untyped-def]
    make_tree(committees)
    options = {o.year: o for o in goal_years_for(make_user(Role.READER))}
    assert options[YEAR].goals == 5
    assert {current_year(), current_year() + 1} <= set(options)
    assert options[current_year() + 1].plan and not options[current_year()].plan
