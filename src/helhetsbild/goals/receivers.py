"""The goals app's answers to other apps' events."""

from typing import Any

from django.dispatch import receiver

from helhetsbild.analysis.signals import build_completed
from helhetsbild.goals.models import Goal, GoalPeriod
from helhetsbild.goals.services import goal_statuses_record


@receiver(build_completed, dispatch_uid="goals.statuses_after_build")
def statuses_after_build(sender: type, **kwargs: Any) -> None:
    """New engine values can move a goal's status with no change to the goal, so each build
    appends the statuses that moved, for every year still being followed up (not closed)."""
    closed = GoalPeriod.objects.filter(closed_at__isnull=False).values_list("year", flat=True)
    years = Goal.objects.exclude(year__in=closed).values_list("year", flat=True).distinct()
    for year in sorted(years):
        goal_statuses_record(year=year)
