"""A small goal tree written by hand, with manual indicators so that no analysis store is needed:

vision
  strategic goal "Egen försörjning" (council)
    SN goal "Färre med försörjningsstöd"  [manual, down, target 15]
      SN activity "Gemensam planering"
    AMN goal "Fler i arbete"              [manual, up, target 40]
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser

from helhetsbild.goals.models import Goal, GoalIndicator, GoalKind, Source
from helhetsbild.goals.services import Values, goal_add, goal_indicator_add, goal_outcome_add
from helhetsbild.organisation.models import Committee, Role
from tests.factories import caseworker, make_user

YEAR = 2026


@dataclass
class Tree:
    vision: Goal
    strategic: Goal
    sn_goal: Goal
    sn_activity: Goal
    amn_goal: Goal
    assistance: GoalIndicator  # on the SN goal
    work: GoalIndicator  # on the AMN goal


def analyst() -> AbstractUser:
    return make_user(Role.ANALYST)


def make_tree(committees: dict[str, Committee]) -> Tree:
    actor = analyst()
    vision = goal_add(actor=actor, year=YEAR, kind=GoalKind.VISION, title="Alla blir delaktiga")
    strategic = goal_add(
        actor=actor,
        year=YEAR,
        kind=GoalKind.STRATEGIC_GOAL,
        title="Egen försörjning",
        parent=vision,
    )
    sn_goal = goal_add(
        actor=actor,
        year=YEAR,
        kind=GoalKind.COMMITTEE_GOAL,
        title="Färre med försörjningsstöd",
        parent=strategic,
        committee=committees["SN"],
    )
    sn_activity = goal_add(
        actor=actor,
        year=YEAR,
        kind=GoalKind.ACTIVITY,
        title="Gemensam planering",
        parent=sn_goal,
        committee=committees["SN"],
    )
    amn_goal = goal_add(
        actor=actor,
        year=YEAR,
        kind=GoalKind.COMMITTEE_GOAL,
        title="Fler i arbete",
        parent=strategic,
        committee=committees["AMN"],
    )
    return Tree(
        vision=vision,
        strategic=strategic,
        sn_goal=sn_goal,
        sn_activity=sn_activity,
        amn_goal=amn_goal,
        assistance=manual_indicator(sn_goal, "Andel med försörjningsstöd", "down", 15),
        work=manual_indicator(amn_goal, "Andel i arbete", "up", 40),
    )


def manual_indicator(goal: Goal, title: str, direction: str, target: float) -> GoalIndicator:
    return goal_indicator_add(
        actor=analyst(),
        goal=goal,
        source=Source.MANUAL,
        title=title,
        unit="share",
        direction=direction,
        target=Values(target),
    )


def report(goal_indicator: GoalIndicator, total: float, comment: str = "Från verksamheten") -> None:
    committee = goal_indicator.goal.committee
    assert committee is not None
    goal_outcome_add(
        actor=caseworker(committee),
        goal_indicator=goal_indicator,
        values=Values(total),
        comment=comment,
    )
