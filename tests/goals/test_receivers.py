"""Each analysis build appends the goal statuses its new values moved, for the years still open."""

from pathlib import Path

import pytest

from helhetsbild.analysis.store import build_store
from helhetsbild.goals.models import GoalKind, StatusRecord
from helhetsbild.goals.services import Values, goal_add, goal_indicator_add, goal_period_close
from helhetsbild.goals.status import Status
from tests.analysis.small_register import import_small_register
from tests.goals.support import YEAR, analyst, make_tree

pytestmark = pytest.mark.django_db

INDICATOR = "sjalvforsorjande_andel"


@pytest.fixture
def engine_goal(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A goal measured only by an engine indicator, added before any build."""
    import_small_register(committees, tmp_path)
    tree = make_tree(committees)
    goal = goal_add(
        actor=analyst(),
        year=YEAR,
        kind=GoalKind.COMMITTEE_GOAL,
        title="Fler självförsörjande",
        parent=tree.strategic,
        committee=committees["AMN"],
    )
    goal_indicator_add(
        actor=analyst(), goal=goal, source="engine", indicator_id=INDICATOR, target=Values(50)
    )
    last = StatusRecord.objects.filter(goal=goal).latest("id")
    assert last.status == Status.NOT_ASSESSABLE and last.analysis_build is None
    return goal


def test_a_build_records_the_status_its_values_moved(engine_goal) -> None:  # type: ignore[no-untyped-def]
    build = build_store(actor=None)
    last = StatusRecord.objects.filter(goal=engine_goal).latest("id")
    assert last.analysis_build == build.pk
    assert last.recorded_by is None


def test_a_build_that_moves_nothing_records_nothing(engine_goal) -> None:  # type: ignore[no-untyped-def]
    build_store(actor=None)
    rows = StatusRecord.objects.count()
    build_store(actor=None)
    assert StatusRecord.objects.count() == rows


def test_a_closed_year_keeps_its_history_as_it_was(engine_goal) -> None:  # type: ignore[no-untyped-def]
    goal_period_close(actor=analyst(), year=YEAR)
    rows = StatusRecord.objects.filter(goal__year=YEAR).count()
    build_store(actor=None)
    assert StatusRecord.objects.filter(goal__year=YEAR).count() == rows
