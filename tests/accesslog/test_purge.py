"""The retention purge: entries older than five years leave from the start of the chain, an
anchor keeps the rest verifiable, and the purge is itself logged."""

import datetime as dt
import io
import os
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent, LogChain
from helhetsbild.accesslog.selectors import log_verify
from helhetsbild.accesslog.services import access_event_record, access_log_purge, retention_cutoff
from helhetsbild.organisation.models import Role
from tests.accesslog.support import clock
from tests.cli_support import SCRIPT
from tests.factories import caseworker, make_user

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
SIX_YEARS_AGO = dt.datetime(2020, 11, 2, 9, 0, tzinfo=dt.UTC)
A_YEAR_AGO = dt.datetime(2025, 11, 2, 9, 0, tzinfo=dt.UTC)


def logged_at(user, *moments: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    for moment in moments:
        with clock(moment):
            access_event_record(actor=user, action=events.PERSON_VIEWED, pseudonym="a" * 64)


@pytest.mark.django_db
def test_old_entries_leave_and_the_rest_still_verifies(committees) -> None:  # type: ignore[no-untyped-def]
    logged_at(caseworker(committees["SN"]), *[SIX_YEARS_AGO] * 3, *[A_YEAR_AGO] * 2)
    third = AccessEvent.objects.get(sequence=3)
    admin = make_user(Role.ADMIN)

    with clock(NOW):
        assert access_log_purge(actor=admin) == 3

    assert list(AccessEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        4,
        5,
        6,
    ]
    chain = LogChain.objects.get()
    assert (chain.anchor_sequence, chain.anchor_hash) == (3, third.entry_hash)
    purge = AccessEvent.objects.get(sequence=6)
    assert (purge.action, purge.user_id) == (events.ACCESS_LOG_PURGED, admin.pk)
    assert purge.detail == "3 poster äldre än 2021-11-22 borttagna, nr 1–3"
    verdict = log_verify()
    assert verdict.intact and verdict.start.sequence == 3 and verdict.checked == 3
    out = io.StringIO()
    call_command("verify-log", stdout=out)
    assert "från ankaret efter gallringen, nr 3" in out.getvalue()


@pytest.mark.django_db
def test_the_purge_stops_at_the_first_entry_still_kept(committees) -> None:  # type: ignore[no-untyped-def]
    """An old timestamp after a newer one (a clock set back) stays: the chain is cut only at
    its start."""
    logged_at(caseworker(committees["SN"]), SIX_YEARS_AGO, A_YEAR_AGO, SIX_YEARS_AGO)
    with clock(NOW):
        assert access_log_purge(actor=make_user(Role.ADMIN)) == 1
    assert AccessEvent.objects.filter(sequence__in=[2, 3]).count() == 2
    assert log_verify().intact


@pytest.mark.django_db
def test_nothing_old_means_nothing_removed_and_nothing_logged(committees) -> None:  # type: ignore[no-untyped-def]
    logged_at(caseworker(committees["SN"]), A_YEAR_AGO)
    with clock(NOW):
        assert access_log_purge(actor=make_user(Role.ADMIN)) == 0
    assert AccessEvent.objects.count() == 1


@pytest.mark.django_db
def test_only_an_admin_purges(committees) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    logged_at(user, SIX_YEARS_AGO)
    for role in [Role.CASEWORKER, Role.ANALYST, Role.CONTROLLER, Role.READER]:
        with pytest.raises(PermissionDenied):
            access_log_purge(actor=make_user(role, committees["SN"]))
    assert AccessEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_command_purges_in_the_named_admins_name(committees) -> None:  # type: ignore[no-untyped-def]
    logged_at(caseworker(committees["SN"]), SIX_YEARS_AGO)
    admin = make_user(Role.ADMIN, username="systemforvaltare")
    out = io.StringIO()
    call_command("purge-log", "--user", "systemforvaltare", stdout=out)
    assert "1 poster äldre än 5 år är gallrade." in out.getvalue()
    assert AccessEvent.objects.get().user == admin
    with pytest.raises(CommandError, match="finns inte"):
        call_command("purge-log", "--user", "okänd")
    make_user(Role.READER, username="revisor")
    with pytest.raises(CommandError, match="får inte gallra"):
        call_command("purge-log", "--user", "revisor")


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (dt.datetime(2026, 11, 22, 9, 0), dt.datetime(2021, 11, 22, 9, 0)),
        (dt.datetime(2028, 2, 29, 12, 0), dt.datetime(2023, 2, 28, 12, 0)),
    ],
)
def test_five_years_back_from_any_day(now: dt.datetime, cutoff: dt.datetime) -> None:
    assert retention_cutoff(now) == cutoff


@pytest.mark.slow
def test_a_retention_below_five_years_stops_start_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "HELHETSBILD_DATA_DIR": str(tmp_path),
        "HELHETSBILD_ACCESS_LOG_RETENTION_YEARS": "3",
    }
    result = subprocess.run(
        [str(SCRIPT), "check"], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode != 0
    assert "below the safe minimum 5" in result.stderr
