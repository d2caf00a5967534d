"""The analysis store's rebuild as a task: the import asks for it, and the configured backend
(settings.TASKS) decides whether it runs in the same request or in `helhetsbild db_worker`.

A deployment with many users runs the worker, so that a caseworker's upload answers as soon as
the register is written and the readers' pages are not slowed by a build inside a web process.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks import TaskResult, default_task_backend, task

from helhetsbild.analysis.store import build_store, current_build


@task()
def store_rebuild(actor_id: int | None, batch_id: int) -> int | None:
    """The new build's id, or None when the current build has already read the batch: a build
    that started after the import read it too, so a burst of imports costs one or two builds,
    not one each. Asked by batch rather than by time, the answer does not depend on two
    processes' clocks."""
    current = current_build()
    if current is not None and batch_id in current.batch_ids:
        return None
    actor = None if actor_id is None else User.objects.get(pk=actor_id)
    try:
        return build_store(actor=actor).pk
    except Exception as error:
        raise RebuildFailed(type(error).__name__) from None


class RebuildFailed(Exception):
    """A failed rebuild as the task queue keeps it: the kind of error only, with no traceback
    of values, since the queue's table and the worker's log are no place for data. The build's
    own row keeps the message, masked."""


def store_rebuild_request(actor_id: int | None, batch_id: int) -> TaskResult[int | None]:
    """Ask for the rebuild after an import. Where a worker runs it, it waits a moment first
    (ANALYSIS_REBUILD_DELAY_SECONDS): a committee's files often come several in a row, and the
    builds asked for meanwhile find their batches read and cost nothing."""
    rebuild = store_rebuild
    if default_task_backend.supports_defer:
        delay = dt.timedelta(seconds=settings.ANALYSIS_REBUILD_DELAY_SECONDS)
        rebuild = store_rebuild.using(run_after=timezone.now() + delay)
    return rebuild.enqueue(actor_id=actor_id, batch_id=batch_id)
