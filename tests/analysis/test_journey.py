"""Användarresan against the small register, with every number worked out by hand (see
`small_register.py` and `journey_register.py` for the story), and the opening of one journey.

Month by month since settlement in the 2026 cohort (Anna, Bo, Dora; Bo moves out in August):

    month  Anna         Bo      Dora
    0      none         none    none
    1      programme    none    internship
    2      programme    civic   internship
    3-4    programme    civic   none
    5      programme    none    none
    6-7    employment   -       none
    8      employment   -       -
"""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.analysis import journey
from helhetsbild.analysis.activities import MAIN_ACTIVITIES
from helhetsbild.analysis.disclosure import display
from helhetsbild.analysis.journey import Cohort
from helhetsbild.analysis.store import build_store, current_build, open_store
from helhetsbild.organisation.models import Role
from helhetsbild.register.models import Person
from tests.analysis.journey_register import import_and_build
from tests.analysis.small_register import Keys
from tests.factories import TODAY, caseworker, make_user

pytestmark = pytest.mark.django_db

PROGRAMME, CIVIC = "establishment_programme", "civic_orientation"


@pytest.fixture
def keys(committees, tmp_path: Path) -> tuple[Keys, int]:  # type: ignore[no-untyped-def]
    return import_and_build(committees, tmp_path)


@pytest.fixture
def analyst(committees):  # type: ignore[no-untyped-def]
    return make_user(Role.ANALYST)


def counts(cohort: Cohort) -> dict[int, dict[str, int]]:
    """The true table with its zeros left out, so that it reads like the hand-worked one."""
    with open_store() as store:
        table = journey.cohort_counts(store, cohort)
    assert all(list(row) == list(MAIN_ACTIVITIES) for row in table.values())
    return {month: {a: n for a, n in row.items() if n} for month, row in table.items()}


def code_of(person_key: int) -> str:
    build = current_build()
    assert build is not None
    return journey.journey_code(build.pk, person_key)


def test_the_cohort_counts_each_month_by_main_activity(keys) -> None:  # type: ignore[no-untyped-def]
    assert counts(Cohort(2026)) == {
        0: {"none": 3},
        1: {PROGRAMME: 1, "internship": 1, "none": 1},
        2: {PROGRAMME: 1, "internship": 1, CIVIC: 1},
        3: {PROGRAMME: 1, CIVIC: 1, "none": 1},
        4: {PROGRAMME: 1, CIVIC: 1, "none": 1},
        5: {PROGRAMME: 1, "none": 2},
        6: {"employment": 1, "none": 1},
        7: {"employment": 1, "none": 1},
        8: {"employment": 1},
    }
    assert counts(Cohort(2025)) == {
        0: {"none": 1},
        1: {"none": 1},
        **{month: {"studies": 1} for month in range(2, 13)},
    }


@pytest.mark.parametrize(
    ("cohort", "expected"),
    [
        pytest.param(
            Cohort(2026, sex="K"),
            {
                0: {"none": 2},
                1: {PROGRAMME: 1, "internship": 1},
                2: {PROGRAMME: 1, "internship": 1},
                3: {PROGRAMME: 1, "none": 1},
                4: {PROGRAMME: 1, "none": 1},
                5: {PROGRAMME: 1, "none": 1},
                6: {"employment": 1, "none": 1},
                7: {"employment": 1, "none": 1},
                8: {"employment": 1},
            },
            id="women: Anna and Dora",
        ),
        pytest.param(
            Cohort(2026, target=("mottagandeform", "self_settled")),
            {0: {"none": 1}, 1: {"internship": 1}, 2: {"internship": 1}}
            | {month: {"none": 1} for month in range(3, 8)}
            | {8: {}},
            id="self-settled: Dora, and a row of zeros where only Anna was observed",
        ),
        pytest.param(
            Cohort(2026, sex="M", target=("utbildningsnivå", "pre_upper_secondary")),
            {0: {"none": 1}, 1: {"none": 1}, 2: {CIVIC: 1}, 3: {CIVIC: 1}, 4: {CIVIC: 1}}
            | {5: {"none": 1}, 6: {}, 7: {}, 8: {}},
            id="men with pre-upper-secondary education: Bo",
        ),
        pytest.param(
            Cohort(2026, target=("åldersgrupp", "40-64")),
            {month: {} for month in range(9)},
            id="age at settlement: all three were 31-38",
        ),
        pytest.param(
            Cohort(2025, target=("åldersgrupp", "0-17")),
            {0: {"none": 1}, 1: {"none": 1}} | {m: {"studies": 1} for m in range(2, 13)},
            id="age at settlement: Eva was 17",
        ),
        pytest.param(
            Cohort(2026, target=("ensamkommande", "yes")),
            {month: {} for month in range(9)},
            id="no one unaccompanied in 2026",
        ),
    ],
)
def test_filters_narrow_the_cohort_by_sex_and_one_target_group(keys, cohort, expected) -> None:  # type: ignore[no-untyped-def]
    assert counts(cohort) == expected


@pytest.mark.parametrize(
    ("sex", "target"),
    [
        ("X", None),
        (None, ("mottagandeform", "' OR 1=1 --")),
        (None, ("kön", "K")),
        (None, ("tid_i_kommunen", "0-11")),
        (None, ("finns_inte", "a")),
    ],
)
def test_a_cohort_accepts_only_the_known_groups_of_the_journey_filters(sex, target) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        Cohort(2026, sex=sex, target=target)


def test_with_the_default_threshold_every_count_of_the_small_cohort_is_hidden(  # type: ignore[no-untyped-def]
    keys, analyst
) -> None:
    result = journey.journey_for(analyst, Cohort(2026))
    assert [m.month for m in result.months] == list(range(9))
    for month in result.months:
        assert display(month.total) == ".."
        shown = {c.group: display(c) for c in month.activities if not c.suppressed}
        assert set(shown.values()) == {"0"}, month
        assert all(c.value is None for c in month.activities if c.suppressed)


def test_each_month_is_protected_as_its_own_table(keys, analyst, settings) -> None:  # type: ignore[no-untyped-def]
    """At threshold 3, a month of three persons in one activity shows; three persons in three
    activities show only the total; a month of two hides it all."""
    settings.MIN_CELL_SIZE = 3
    result = journey.journey_for(analyst, Cohort(2026))
    hidden = ".."
    table = [[display(m.total), *(display(c) for c in m.activities)] for m in result.months]
    # total, work, studies, internship, programme, matching, preparing, mapping, sfi, civic,
    # placement, none
    z = "0"
    assert table == [
        ["3", z, z, z, z, z, z, z, z, z, z, "3"],
        ["3", z, z, hidden, hidden, z, z, z, z, z, z, hidden],
        ["3", z, z, hidden, hidden, z, z, z, z, hidden, z, z],
        ["3", z, z, z, hidden, z, z, z, z, hidden, z, hidden],
        ["3", z, z, z, hidden, z, z, z, z, hidden, z, hidden],
        ["3", z, z, z, hidden, z, z, z, z, z, z, hidden],
        [hidden, hidden, z, z, z, z, z, z, z, z, z, hidden],
        [hidden, hidden, z, z, z, z, z, z, z, z, z, hidden],
        [hidden, hidden, z, z, z, z, z, z, z, z, z, z],
    ]


@pytest.mark.parametrize(
    ("years", "reference", "expected"),
    [
        ([2023, 2024, 2025, 2026], dt.date(2026, 11, 22), 2025),
        ([2023, 2024], dt.date(2026, 11, 22), 2024),
        ([2026], dt.date(2026, 11, 22), 2026),
        ([2025, 2026], dt.date(2025, 12, 31), 2026),
        ([], dt.date(2026, 11, 22), None),
    ],
)
def test_a_page_starts_with_the_latest_complete_cohort(years, reference, expected) -> None:  # type: ignore[no-untyped-def]
    assert journey.default_year(years, reference) == expected


def test_the_cohorts_are_the_settlement_years_in_the_store(keys, analyst) -> None:  # type: ignore[no-untyped-def]
    cohorts = journey.cohorts_for(analyst)
    assert (cohorts.years, cohorts.default_year, cohorts.reference_date) == (
        [2025, 2026],
        2025,
        TODAY,
    )


def test_journey_codes_hold_within_a_build_and_change_with_the_next(
    keys, analyst, settings
) -> None:  # type: ignore[no-untyped-def]
    small, eva = keys
    codes = journey.journey_codes_for(analyst, Cohort(2026))
    assert codes == sorted(code_of(key) for key in (small.anna, small.bo, small.dora))
    assert all(journey.CODE_SHAPE.match(code) for code in codes)
    assert journey.journey_codes_for(analyst, Cohort(2025)) == [code_of(eva)]
    assert journey.journey_codes_for(analyst, Cohort(2026, sex="M")) == [code_of(small.bo)]

    build_store(actor=None, reference_date=TODAY)
    assert set(journey.journey_codes_for(analyst, Cohort(2026))).isdisjoint(codes)

    # Keyed: neither a plain hash of build and id, nor the same under another key.
    build_id = current_build().pk  # type: ignore[union-attr]
    plain = hashlib.sha256(f"{build_id}:{small.anna}".encode()).hexdigest()
    assert code_of(small.anna) != journey.CODE_PREFIX + plain[:12]
    before = code_of(small.anna)
    settings.PSEUDONYM_KEY = "another-key-" + "x" * 40
    assert code_of(small.anna) != before


def test_only_analysts_may_list_or_open_journeys(keys, committees) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    for user in (make_user(Role.READER), caseworker(committees["SN"]), make_user(Role.CONTROLLER)):
        journey.journey_for(user, Cohort(2026))
        with pytest.raises(PermissionDenied):
            journey.journey_codes_for(user, Cohort(2026))
        with pytest.raises(PermissionDenied):
            journey.journey_open(actor=user, year=2026, code=code_of(small.bo), purpose="x")
    assert not AccessEvent.objects.exists()


def test_opening_a_journey_shows_its_months_and_is_logged_with_pseudonym_and_purpose(  # type: ignore[no-untyped-def]
    keys, analyst
) -> None:
    small, _eva = keys
    code = code_of(small.bo)
    opened = journey.journey_open(
        actor=analyst, year=2026, code=code, purpose="Kvalitetskontroll av data"
    )
    assert (opened.code, opened.settlement_year, opened.sex) == (code, 2026, "M")
    assert (opened.age_group, opened.settlement_form) == ("25-39", "assigned")
    assert [
        (m.month, m.months_since_settlement, m.main_activity, m.activities, m.social_assistance)
        for m in opened.months
    ] == [
        (dt.date(2026, 3, 1), 0, "none", [], True),
        (dt.date(2026, 4, 1), 1, "none", [], True),
        (dt.date(2026, 5, 1), 2, CIVIC, [CIVIC], False),
        (dt.date(2026, 6, 1), 3, CIVIC, [CIVIC], False),
        (dt.date(2026, 7, 1), 4, CIVIC, [CIVIC], False),
        (dt.date(2026, 8, 1), 5, "none", [], False),
    ]
    assert [m.housing for m in opened.months] == ["secondhand_lease"] * 4 + ["firsthand_lease"] * 2
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.detail) == (analyst, events.JOURNEY_OPENED, code)
    assert event.pseudonym == Person.objects.get(pk=small.bo).pseudonym
    assert event.purpose == "Kvalitetskontroll av data"


def test_every_activity_of_a_month_is_listed_in_the_order_of_main_activities(keys, analyst) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    opened = journey.journey_open(actor=analyst, year=2026, code=code_of(small.anna), purpose="x")
    assert [(m.main_activity, m.activities) for m in opened.months[1:4]] == [
        (PROGRAMME, [PROGRAMME, "sfi"]),
    ] * 3


def test_a_code_outside_the_cohort_or_the_build_is_not_found_and_not_logged(keys, analyst) -> None:  # type: ignore[no-untyped-def]
    small, eva = keys
    for year, code in [
        (2026, code_of(eva)),  # Eva settled in 2025
        (2026, "R-000000000000"),
        (2024, code_of(small.anna)),
    ]:
        with pytest.raises(Http404):
            journey.journey_open(actor=analyst, year=year, code=code, purpose="x")
    old = code_of(small.anna)
    build_store(actor=None, reference_date=TODAY)
    with pytest.raises(Http404):
        journey.journey_open(actor=analyst, year=2026, code=old, purpose="x")
    assert not AccessEvent.objects.exists()
