"""`helhetsbild verify-log`: an intact chain says so; a changed, removed or inserted entry, put
there with raw SQL as an intruder would, is named with exit status 1."""

import io

import pytest
from django.core.management import call_command

from helhetsbild.accesslog import events
from helhetsbild.accesslog.chain import Entry, digest
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.accesslog.services import access_event_record
from tests.accesslog.support import TABLE, sql
from tests.cli_support import run_cli
from tests.factories import caseworker


@pytest.fixture
def five(committees):  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    for n in range(5):
        access_event_record(
            actor=user, action=events.PERSON_VIEWED, pseudonym=f"{n:064x}", committee_code="SN"
        )
    return user


def verify_log() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-log", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_an_intact_log_exits_0_with_a_swedish_summary(five) -> None:  # type: ignore[no-untyped-def]
    status, out, err = verify_log()
    head = AccessEvent.objects.get(sequence=5)
    assert status == 0 and not err
    assert "Åtkomstloggen är obruten: 5 poster kontrollerade från början." in out
    assert f"Senaste post: nr 5, kontrollsumma {head.entry_hash}" in out


@pytest.mark.django_db
def test_an_empty_log_is_intact() -> None:
    status, out, _err = verify_log()
    assert status == 0 and "0 poster kontrollerade" in out


@pytest.mark.django_db
def test_a_changed_field_is_found(five) -> None:  # type: ignore[no-untyped-def]
    sql(f"UPDATE {TABLE} SET purpose = 'nyfikenhet' WHERE sequence = 3")
    status, _out, err = verify_log()
    assert status == 1
    assert "Åtkomstloggen är bruten: post nr 3 har ändrats" in err
    assert "2 poster före brottet stämmer" in err


@pytest.mark.django_db
def test_a_deleted_row_is_found(five) -> None:  # type: ignore[no-untyped-def]
    sql(f"DELETE FROM {TABLE} WHERE sequence = 2")
    status, _out, err = verify_log()
    assert status == 1 and "post nr 2 saknas: den har tagits bort" in err


@pytest.mark.django_db
def test_a_deleted_last_row_is_found(five) -> None:  # type: ignore[no-untyped-def]
    sql(f"DELETE FROM {TABLE} WHERE sequence = 5")
    status, _out, err = verify_log()
    assert status == 1 and "post nr 5 och de efter den saknas" in err


def insert(entry: Entry, user_id: int) -> None:
    sql(
        f"INSERT INTO {TABLE} (sequence, at, user_id, username, action, pseudonym,"
        " committee_code, purpose, detail, previous_hash, entry_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            entry.sequence,
            entry.at,
            user_id,
            entry.username,
            entry.action,
            entry.pseudonym,
            entry.committee_code,
            entry.purpose,
            entry.detail,
            entry.previous_hash,
            digest(entry),
        ],
    )


@pytest.mark.django_db
def test_a_row_inserted_with_a_correct_hash_is_found_beyond_the_head(five) -> None:  # type: ignore[no-untyped-def]
    """The intruder knows the canonical form and chains the new row properly; the head row,
    which only the log service moves, does not know it."""
    last = AccessEvent.objects.get(sequence=5).entry()
    forged = Entry(
        sequence=6,
        at=last.at,
        user_id=five.pk,
        username=five.username,
        action=events.PERSON_VIEWED,
        pseudonym="f" * 64,
        committee_code="SN",
        purpose="",
        detail="",
        previous_hash=last.entry_hash,
    )
    insert(forged, five.pk)
    status, _out, err = verify_log()
    assert status == 1 and "post nr 6 ligger efter kedjans senast skrivna post" in err


@pytest.mark.django_db
def test_a_row_inserted_before_the_start_is_found(five) -> None:  # type: ignore[no-untyped-def]
    first = AccessEvent.objects.get(sequence=1).entry()
    insert(Entry(**{**first.__dict__, "sequence": 0, "entry_hash": ""}), five.pk)
    status, _out, err = verify_log()
    assert status == 1 and "post nr 0 ligger före kedjans början" in err


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_console_script_exits_1_on_a_break(five) -> None:  # type: ignore[no-untyped-def]
    intact = run_cli("verify-log")
    assert intact.returncode == 0, intact.stderr
    assert "obruten" in intact.stdout
    sql(f"UPDATE {TABLE} SET detail = 'x' WHERE sequence = 4")
    broken = run_cli("verify-log")
    assert broken.returncode == 1 and "post nr 4 har ändrats" in broken.stderr
