"""Events written before the hash chain existed are chained, in the order they were written,
by the data migration; what is appended afterwards continues the same chain."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent, LogChain
from helhetsbild.accesslog.selectors import log_verify
from helhetsbild.accesslog.services import access_event_record
from tests.factories import caseworker

BEFORE_THE_CHAIN = [("accesslog", "0001_initial")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_events_are_chained_by_the_migration(committees) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    executor = migrate(BEFORE_THE_CHAIN)
    old_event = executor.loader.project_state(BEFORE_THE_CHAIN).apps.get_model(
        "accesslog", "AccessEvent"
    )
    written = []
    for n in range(3):
        written.append(
            old_event.objects.create(
                user_id=user.pk, action=events.PERSON_VIEWED, pseudonym=f"{n:064x}", purpose="x"
            ).pk
        )
    # The second was written last: the chain follows time, not the id.
    old_event.objects.filter(pk=written[1]).update(at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    chained = AccessEvent.objects.order_by("sequence")
    assert [e.pk for e in chained] == [written[0], written[2], written[1]]
    assert {e.username for e in chained} == {user.username}
    assert LogChain.objects.get().head_sequence == 3
    access_event_record(actor=user, action=events.PERSON_VIEWED)
    verdict = log_verify()
    assert verdict.intact and verdict.checked == 4
