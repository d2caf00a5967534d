"""The demo goal tree: built once through the services, with next year's plan beside it."""

import pytest

from helhetsbild.goals.demo import goals_demo_ensure
from helhetsbild.goals.models import Assessment, Goal, GoalIndicator, GoalKind, Outcome, Source
from helhetsbild.goals.selectors import goal_tree_for
from helhetsbild.web.demo import demo_users
from tests.goals.support import YEAR

pytestmark = pytest.mark.django_db


def test_the_demo_tree_has_every_level_and_source_and_is_made_once() -> None:
    demo_users()
    count = goals_demo_ensure(YEAR)
    assert goals_demo_ensure(YEAR) == count == Goal.objects.filter(year=YEAR).count()
    goals = Goal.objects.filter(year=YEAR)
    assert {g.kind for g in goals} == set(GoalKind)
    assert {g.committee.code for g in goals if g.committee} == {"KS", "SN", "AMN", "UN"}
    assert {gi.source for gi in GoalIndicator.objects.filter(goal__year=YEAR)} == set(Source)
    assert Outcome.objects.exists() and Assessment.objects.exists()
    assert Goal.objects.filter(year=YEAR + 1).count() == count  # the plan
    roots = goal_tree_for(None, YEAR).roots
    assert [root.goal.kind for root in roots] == [GoalKind.VISION]
