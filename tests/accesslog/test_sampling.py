"""The monthly sample: the same month gives the same sample, and each rule finds what it is for."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from helhetsbild.accesslog import events
from helhetsbild.accesslog.sampling import RULES, Candidate, Reason, SampledEntry, draw

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY_10 = dt.datetime(2026, 10, 6, 10, 0, tzinfo=STOCKHOLM)
SN_CASEWORKER, AMN_CASEWORKER, ANALYST = 1, 2, 3
HOMES = {SN_CASEWORKER: frozenset({"SN"}), AMN_CASEWORKER: frozenset({"AMN"}), ANALYST: None}


def view(
    sequence: int,
    *,
    user: int = SN_CASEWORKER,
    at: dt.datetime = TUESDAY_10,
    committee: str = "SN",
    action: str = events.PERSON_VIEWED,
    pseudonym: str = "a" * 64,
) -> Candidate:
    return Candidate(sequence, at, user, action, pseudonym, committee)


def ordinary_month(count: int = 200) -> list[Candidate]:
    """Views by each caseworker of their own committee's persons, an hour apart, 10–17 on
    weekdays."""
    weekdays = [
        TUESDAY_10 + dt.timedelta(days=d)
        for d in range(40)
        if (TUESDAY_10 + dt.timedelta(days=d)).weekday() < 5
    ]
    return [
        view(
            n,
            user=SN_CASEWORKER if n % 2 else AMN_CASEWORKER,
            committee="SN" if n % 2 else "AMN",
            at=weekdays[n // 8] + dt.timedelta(hours=n % 8),
        )
        for n in range(1, count + 1)
    ]


def reasons(sample: list[SampledEntry]) -> dict[int, set[Reason]]:
    return {entry.sequence: set(entry.reasons) for entry in sample}


def test_an_ordinary_month_gives_only_the_random_part() -> None:
    sample = draw(ordinary_month(), seed="2026-10:abc", home_committees=HOMES)
    assert len(sample) == RULES.random_count
    assert all(entry.reasons == (Reason.RANDOM,) for entry in sample)


def test_the_same_month_and_seed_give_the_same_sample() -> None:
    month = ordinary_month()
    first = draw(month, seed="2026-10:abc", home_committees=HOMES)
    again = draw(list(reversed(month)), seed="2026-10:abc", home_committees=HOMES)
    other = draw(month, seed="2026-10:abd", home_committees=HOMES)
    assert first == again
    assert first != other


def test_a_caseworker_looking_outside_their_committee_is_drawn() -> None:
    month = [*ordinary_month(), view(500, user=SN_CASEWORKER, committee="AMN")]
    assert Reason.OUTSIDE_COMMITTEE in reasons(draw(month, seed="s", home_committees=HOMES))[500]


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (view(500, user=ANALYST, committee=""), False),  # an analyst's journey: no committee
        (view(500, user=ANALYST, committee="SN"), False),  # an unbound role reaches every one
        (view(500, user=99, committee="SN"), True),  # a user who no longer holds any role
        (view(500, committee="AMN", pseudonym=""), False),  # not about a person
    ],
)
def test_outside_committee_counts_only_bound_roles_and_persons(candidate, expected) -> None:  # type: ignore[no-untyped-def]
    found = reasons(draw([candidate], seed="s", home_committees=HOMES))
    assert (Reason.OUTSIDE_COMMITTEE in found.get(500, set())) is expected


def test_many_views_in_a_short_time_are_drawn() -> None:
    burst = [
        view(
            1000 + n,
            user=AMN_CASEWORKER,
            committee="AMN",
            at=TUESDAY_10 + dt.timedelta(seconds=20 * n),
        )
        for n in range(RULES.burst_count)
    ]
    found = reasons(draw([*ordinary_month(), *burst], seed="s", home_committees=HOMES))
    flagged = [n for n, why in found.items() if Reason.BURST in why]
    assert len(flagged) == RULES.per_rule and all(n >= 1000 for n in flagged)


def test_one_view_short_of_a_burst_is_not_one() -> None:
    almost = [
        view(1000 + n, at=TUESDAY_10 + dt.timedelta(seconds=20 * n))
        for n in range(RULES.burst_count - 1)
    ]
    found = reasons(draw(almost, seed="s", home_committees=HOMES))
    assert not any(Reason.BURST in why for why in found.values())


@pytest.mark.parametrize(
    ("moment", "off_hours"),
    [
        (dt.datetime(2026, 10, 6, 6, 59, tzinfo=STOCKHOLM), True),
        (dt.datetime(2026, 10, 6, 7, 0, tzinfo=STOCKHOLM), False),
        (dt.datetime(2026, 10, 6, 17, 59, tzinfo=STOCKHOLM), False),
        (dt.datetime(2026, 10, 6, 18, 0, tzinfo=STOCKHOLM), True),
        (dt.datetime(2026, 10, 10, 11, 0, tzinfo=STOCKHOLM), True),  # a Saturday
    ],
)
def test_views_outside_office_hours_are_drawn(moment: dt.datetime, off_hours: bool) -> None:
    found = reasons(draw([view(1, at=moment)], seed="s", home_committees=HOMES))
    assert (Reason.OFF_HOURS in found[1]) is off_hours


def test_every_change_of_permissions_is_drawn_without_a_cap() -> None:
    changes = [
        view(1000 + n, action=events.PERMISSION_CHANGED, pseudonym="", committee="")
        for n in range(RULES.per_rule + 5)
    ]
    found = reasons(draw([*ordinary_month(), *changes], seed="s", home_committees=HOMES))
    assert all(Reason.PERMISSION_CHANGE in found[c.sequence] for c in changes)


def test_an_entry_drawn_for_several_reasons_names_them_all() -> None:
    night_elsewhere = view(1, committee="AMN", at=dt.datetime(2026, 10, 6, 23, 0, tzinfo=STOCKHOLM))
    (entry,) = draw([night_elsewhere], seed="s", home_committees=HOMES)
    assert set(entry.reasons) == {Reason.RANDOM, Reason.OUTSIDE_COMMITTEE, Reason.OFF_HOURS}
    assert SampledEntry.from_record(entry.record()) == entry


def test_each_reason_has_a_swedish_label() -> None:
    assert (
        RULES.label(Reason.BURST)
        == "Många personer på kort tid: minst 20 visningar inom 10 minuter"
    )
    assert RULES.label(Reason.OFF_HOURS) == "Utanför kontorstid (vardagar 07–18)"
    assert all(RULES.label(reason) for reason in Reason)
