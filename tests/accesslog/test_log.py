"""Appending to the log: every entry chained to the one before, nothing changed or removed."""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from helhetsbild.accesslog import events
from helhetsbild.accesslog.chain import GENESIS, digest
from helhetsbild.accesslog.models import AccessEvent, AppendOnlyError, LogChain, ReviewSignoff
from helhetsbild.accesslog.selectors import log_verify
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.organisation.models import Role
from tests.accesslog.support import ON_POSTGRESQL, TABLE
from tests.factories import caseworker, make_user


def view(user, n: int = 1) -> AccessEvent:  # type: ignore[no-untyped-def]
    return access_event_record(
        actor=user,
        action=events.PERSON_VIEWED,
        pseudonym=f"{n:064x}",
        committee_code="SN",
        purpose="handläggning",
    )


@pytest.mark.django_db
def test_each_entry_carries_its_own_hash_and_the_previous_one(committees) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    first, second = view(user, 1), view(user, 2)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS and second.previous_hash == first.entry_hash
    stored = AccessEvent.objects.get(sequence=2)
    assert stored.entry_hash == digest(stored.entry()) and stored.username == user.username
    chain = LogChain.objects.get()
    assert (chain.head_sequence, chain.head_hash) == (2, second.entry_hash)
    assert log_verify().intact


@pytest.mark.django_db
def test_the_signature_callers_use_is_unchanged(committees) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.ANALYST)
    event = access_event_record(actor=user, action=events.JOURNEY_OPENED)
    assert (event.pseudonym, event.committee_code, event.purpose, event.detail) == ("", "", "", "")
    with pytest.raises(ValueError, match="unregistered"):
        access_event_record(actor=user, action="nothing.registered")


@pytest.mark.django_db
def test_a_renamed_user_does_not_break_the_chain(committees) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    view(user)
    old_name, user.username = user.username, "nytt.namn"
    user.save()
    assert AccessEvent.objects.get().username == old_name
    assert log_verify().intact


@pytest.mark.django_db
def test_overlong_text_is_cut_to_the_column_before_it_is_hashed(committees) -> None:  # type: ignore[no-untyped-def]
    event = access_event_record(
        actor=caseworker(committees["SN"]), action=events.PERSON_VIEWED, detail="x" * 400
    )
    assert len(AccessEvent.objects.get(pk=event.pk).detail) == 300
    assert log_verify().intact


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_remove_an_entry(committees) -> None:  # type: ignore[no-untyped-def]
    event = view(caseworker(committees["SN"]))
    event.purpose = "annat"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="annat")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.bulk_update([event], ["purpose"])
    assert AccessEvent.objects.get().purpose == "handläggning"


@pytest.mark.django_db
def test_an_entry_is_not_written_around_the_service(committees) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    with pytest.raises(ValueError, match="access_event_record"):
        AccessEvent.objects.create(
            sequence=1, user=user, username=user.username, action=events.PERSON_VIEWED
        )


@pytest.mark.django_db
def test_a_signed_off_review_is_not_changed_either(committees) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    signoff = ReviewSignoff.objects.create(
        month=dt.date(2026, 10, 1),
        sample=[],
        reviewed=[],
        reviewed_by=admin,
        head_sequence=0,
        head_hash=GENESIS,
    )
    signoff.comment = "efterhandskonstruktion"
    with pytest.raises(AppendOnlyError):
        signoff.save()
    with pytest.raises(AppendOnlyError):
        ReviewSignoff.objects.all().delete()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the trigger exists on PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(committees) -> None:  # type: ignore[no-untyped-def]
    event = view(caseworker(committees["SN"]))
    for statement in [
        f"UPDATE {TABLE} SET purpose = 'annat' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    for statement in [
        "UPDATE accesslog_logchain SET head_sequence = 0",
        "DELETE FROM accesslog_logchain",
    ]:
        with (
            pytest.raises(DatabaseError, match="forward"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AccessEvent.objects.get().purpose == "handläggning"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(committees) -> None:  # type: ignore[no-untyped-def]
    """Four threads, each with its own connection, append at once: one chain, no gaps."""
    user = caseworker(committees["SN"])
    view(user, 0)  # the head row exists before the race, as it does after the migration
    writers, per_writer, failures = 4, 15, []
    start = threading.Barrier(writers)

    def write(offset: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                with transaction.atomic():
                    view(user, offset * 100 + n)
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    sequences = list(AccessEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * per_writer + 2))
    verdict = log_verify()
    assert verdict.intact and verdict.checked == writers * per_writer + 1


@pytest.mark.django_db(transaction=True)
def test_the_first_writer_creates_the_head_row(committees) -> None:  # type: ignore[no-untyped-def]
    """A flushed database (as between transactional tests) has no head row yet."""
    LogChain.objects.all().delete()
    view(caseworker(committees["SN"]))
    assert LogChain.objects.get().head_sequence == 1
