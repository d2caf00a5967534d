"""The analysis store's rebuild as a task: the import asks for it, and the configured backend
(settings.TASKS) decides whether it runs in the same request or in `helhetsbild db_worker`.

A deployment with many users runs the worker, so that a caseworker's upload answers as soon as
the register is written and the readers' pages are not slowed by a build inside a web process.
"""

import datetime as dt

from django.contrib.auth.models import User
from django_tasks import task

from helhetsbild.analysis.models import AnalysisBuild, BuildState
from helhetsbild.analysis.store import build_store


@task()
def store_rebuild(actor_id: int | None, requested_at: str) -> int | None:
    """The new build's id, or None when a build that started after the request has completed: it
    read every batch committed before it, so a burst of imports costs one or two builds, not
    one each."""
    requested = dt.datetime.fromisoformat(requested_at)
    if AnalysisBuild.objects.filter(state=BuildState.COMPLETE, started_at__gt=requested).exists():
        return None
    actor = None if actor_id is None else User.objects.get(pk=actor_id)
    return build_store(actor=actor).pk
