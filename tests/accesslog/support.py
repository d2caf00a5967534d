"""Helpers for the access-log tests: a fixed clock, and raw SQL that goes around the log service
as an intruder with database access would."""

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.db import connection

from helhetsbild.accesslog.models import AccessEvent

ON_POSTGRESQL = connection.vendor == "postgresql"
TABLE = AccessEvent._meta.db_table


@contextlib.contextmanager
def clock(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@contextlib.contextmanager
def around_the_trigger() -> Iterator[None]:
    """On PostgreSQL the table's owner can switch the trigger off, as an intruder could."""
    if not ON_POSTGRESQL:
        yield
        return
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while deferred foreign-key checks of this transaction are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accesslog_event_append_only")
        try:
            yield
        finally:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER accesslog_event_append_only")


def sql(statement: str, params: list[object] | None = None) -> None:
    with around_the_trigger(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])
