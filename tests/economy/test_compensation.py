"""Expected compensation from one person's facts, with the worked examples written from the
regulation's text (issue 7) and the shipped rule files."""

import datetime as dt

import pytest

from helhetsbild.economy.compensation import (
    ALL_MONTHS,
    Expected,
    PersonFacts,
    Tally,
    age_on,
    ages_on_payments,
    expected_for,
    instalment,
    window,
)
from helhetsbild.economy.rules import AgeAt, rules

D = dt.date
# The default person: 30 years old when received on 2022-05-10 (the worked example).
BORN = D(1992, 1, 1)
RECEIVED = D(2022, 5, 10)


def person(
    *,
    born: dt.date | None = BORN,
    received: dt.date | None = RECEIVED,
    form: str | None = "assigned",
    grounds: tuple[str, ...] = ("protection",),
    unaccompanied: bool | None = False,
    moved_out: dt.date | None = None,
    placements: tuple[tuple[dt.date, dt.date], ...] = (),
) -> PersonFacts:
    return PersonFacts(
        key=1,
        birth_date=born,
        received=received,
        settlement_form=form,
        permit_grounds=frozenset(grounds),
        unaccompanied=unaccompanied,
        residence=((received, moved_out),) if received else (),
        placements=placements,
    )


def of_type(
    facts: PersonFacts, code: str, first: D | None = None, last: D | None = None
) -> list[Expected]:
    return [
        row for row in expected_for(facts, rules(), window(first, last)) if row.kind.code == code
    ]


def by_month(rows: list[Expected]) -> dict[str, int | None]:
    return {row.month.strftime("%Y-%m"): row.amount for row in rows}


# The standard compensation (schablonersättning), Förordning (2010:1122) 10–14 §§.


def test_a_30_year_old_assigned_newcomer_received_2022_05_10_brings_151_800() -> None:
    rows = of_type(person(born=D(1992, 1, 1), received=D(2022, 5, 10)), "standard_compensation")

    assert sum(row.amount or 0 for row in rows) == 151_800
    assert len(rows) == 24
    assert (rows[0].month, rows[-1].month) == (D(2022, 6, 1), D(2024, 5, 1))
    assert {row.amount for row in rows} == {6_325}
    assert {row.rate.id for row in rows if row.rate} == {"schablon-2022-under-65"}


def test_a_person_received_in_2019_at_70_brings_82_100() -> None:
    rows = of_type(person(born=D(1949, 2, 1), received=D(2019, 4, 3)), "standard_compensation")

    assert sum(row.amount or 0 for row in rows) == 82_100
    assert {row.rate.id for row in rows if row.rate} == {"schablon-2019-65"}
    assert {row.amount for row in rows} == {3_420, 3_421}


@pytest.mark.parametrize(
    ("month", "amount", "rule"),
    [
        # Born 1957-09-15: 64 at the end of August, 65 at the end of September.
        ("2022-06", 6_325, "schablon-2022-under-65"),
        ("2022-09", 6_325, "schablon-2022-under-65"),
        ("2022-10", 3_550, "schablon-2022-65"),
        ("2024-05", 3_550, "schablon-2022-65"),
    ],
)
def test_the_age_rule_changes_the_amount_from_the_month_after_the_birthday(
    month: str, amount: int, rule: str
) -> None:
    rows = of_type(person(born=D(1957, 9, 15), received=D(2022, 5, 10)), "standard_compensation")
    found = {
        row.month.strftime("%Y-%m"): (row.amount, row.rate.id if row.rate else None) for row in rows
    }

    assert found[month] == (amount, rule)


def test_a_birthday_on_the_last_day_of_a_month_counts_at_that_months_end() -> None:
    rows = of_type(person(born=D(1958, 7, 31), received=D(2023, 1, 20)), "standard_compensation")

    # The 2023 cohort's limit is 66: reached on 2024-07-31, the end of July.
    assert by_month(rows)["2024-07"] == 6_875
    assert by_month(rows)["2024-08"] == 3_858


@pytest.mark.parametrize(
    ("received", "reason"),
    [
        (D(2025, 2, 1), "Beloppen för personer mottagna 2025 har inte hittats i källorna."),
        (D(2026, 6, 30), "Beloppen för personer mottagna 2026 har inte hittats i källorna."),
        (D(2017, 8, 1), "Beloppen för personer mottagna 2017 har inte hittats i källorna."),
        (D(2027, 1, 15), "Det finns ingen regel för 2027-01-15."),
    ],
)
def test_an_unknown_rate_gives_unknown_amounts_with_the_reason_never_zero(
    received: dt.date, reason: str
) -> None:
    rows = of_type(person(received=received), "standard_compensation")

    assert len(rows) == 24
    assert all(row.amount is None and row.reason == reason for row in rows)


def test_the_parts_stop_when_the_person_moves_out() -> None:
    rows = of_type(
        person(received=D(2022, 5, 10), moved_out=D(2023, 3, 15)), "standard_compensation"
    )

    # Registered here at the end of February, not at the end of March.
    assert rows[-1].month == D(2023, 3, 1)
    assert len(rows) == 10


def test_a_person_received_before_2016_is_outside_these_rules() -> None:
    assert expected_for(person(received=D(2015, 12, 31)), rules()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"grounds": ("other",)}, "none"),
        ({"grounds": ("relative", "other")}, "known"),
        ({"grounds": ("upper_secondary_law",)}, "known"),
        ({"grounds": ()}, "Registret saknar personens uppehållstillstånd."),
        ({"born": None}, "Registret saknar uppgift om födelsedatum."),
        ({"received": None}, "none"),
    ],
)
def test_who_the_standard_compensation_is_for(changes: dict[str, object], expected: str) -> None:
    rows = of_type(person(**changes), "standard_compensation")  # type: ignore[arg-type]

    if expected == "none":
        assert rows == []
    elif expected == "known":
        assert len(rows) == 24 and all(row.amount is not None for row in rows)
    else:
        assert len(rows) == 24 and all(r.amount is None and r.reason == expected for r in rows)


def test_the_window_keeps_only_its_months() -> None:
    rows = of_type(person(), "standard_compensation", D(2023, 1, 1), D(2023, 3, 1))

    assert by_month(rows) == {"2023-01": 6_325, "2023-02": 6_325, "2023-03": 6_325}


@pytest.mark.parametrize(
    ("total", "count", "sizes"),
    [
        (151_800, 24, {6_325}),
        (82_100, 24, {3_420, 3_421}),
        (92_600, 24, {3_858, 3_859}),
        (10, 3, {3, 4}),
        (0, 24, {0}),
    ],
)
def test_instalments_are_equal_parts_that_add_up_to_the_amount(
    total: int, count: int, sizes: set[int]
) -> None:
    found = [instalment(total, number, count) for number in range(1, count + 1)]

    assert sum(found) == total
    assert set(found) == sizes


# The initial compensation for economic assistance ("glappet").


@pytest.mark.parametrize(
    ("received", "form", "born", "amount", "rule"),
    [
        (D(2024, 7, 1), "assigned", D(2005, 7, 2), 9_999, "initiala-2024-anvisad-under-20"),
        (D(2024, 7, 1), "assigned", D(2004, 7, 1), 19_998, "initiala-2024-anvisad-20-65"),
        (D(2024, 9, 9), "assigned", D(1958, 9, 9), 12_503, "initiala-2024-anvisad-66"),
        (D(2024, 9, 9), "assigned", D(1958, 9, 10), 19_998, "initiala-2024-anvisad-20-65"),
        (D(2024, 7, 1), "self_settled", D(1990, 1, 1), 4_000, "initiala-2024-ebo-20-65"),
        (D(2024, 7, 1), "self_settled", D(1950, 1, 1), 0, "initiala-2024-ebo-66"),
        (D(2024, 6, 30), "assigned", D(1990, 1, 1), 4_000, "initiala-2024h1-20-65"),
        (D(2024, 6, 30), "self_settled", D(2010, 1, 1), 3_003, "initiala-2024h1-under-20"),
        (D(2025, 3, 1), "assigned", D(2015, 1, 1), 10_261, "initiala-2025-anvisad-under-20"),
        (D(2026, 3, 1), "self_settled", D(1990, 1, 1), 4_132, "initiala-2026-ebo-20-65"),
        (D(2024, 3, 1), "assigned", D(1950, 1, 1), None, "initiala-2024h1-66"),
        (D(2020, 3, 1), "assigned", D(1990, 1, 1), None, "initiala-2016-2023"),
    ],
)
def test_the_initial_compensation_by_reception_date_form_and_age(
    received: dt.date, form: str, born: dt.date, amount: int | None, rule: str
) -> None:
    [row] = of_type(person(received=received, form=form, born=born), "initial_costs")

    assert (row.amount, row.rate.id if row.rate else None) == (amount, rule)
    assert row.month == D(received.year + received.month // 12, received.month % 12 + 1, 1)
    assert (row.reason is None) == (amount is not None)


def test_the_initial_compensation_from_2025_is_marked_as_inferred() -> None:
    [row] = of_type(person(received=D(2025, 3, 1)), "initial_costs")

    assert row.rate is not None and row.rate.inferred and "prisbasbelopp" in row.rate.inferred


def test_the_split_by_form_needs_the_form() -> None:
    [row] = of_type(person(received=D(2024, 8, 1), form=None), "initial_costs")

    assert row.amount is None and row.reason == "Registret saknar uppgift om mottagandeform."


# The daily amount for unaccompanied minors (dygnsschablon).

CHILD = {"born": D(2008, 6, 15), "unaccompanied": True, "received": D(2023, 11, 20)}


def test_an_unaccompanied_minor_placed_in_december_2023_and_january_2024() -> None:
    placed = person(**CHILD, placements=((D(2023, 12, 1), D(2024, 1, 31)),))  # type: ignore[arg-type]

    rows = of_type(placed, "unaccompanied_minor_daily")

    assert by_month(rows) == {"2023-12": 31 * 1_350, "2024-01": 31 * 1_000}
    assert [row.rate.id for row in rows if row.rate] == ["ekb-dygn-2017-2023", "ekb-dygn-2024"]


def test_overlapping_placements_count_each_day_once() -> None:
    placements = ((D(2024, 3, 1), D(2024, 3, 20)), (D(2024, 3, 10), D(2024, 3, 31)))
    rows = of_type(person(**CHILD, placements=placements), "unaccompanied_minor_daily")  # type: ignore[arg-type]

    assert by_month(rows) == {"2024-03": 31 * 1_000}


def test_from_the_18th_birthday_the_days_are_the_young_persons_with_an_unknown_amount() -> None:
    placed = person(**CHILD, placements=((D(2026, 6, 1), D(2026, 6, 30)),))  # type: ignore[arg-type]

    child = of_type(placed, "unaccompanied_minor_daily")
    young = of_type(placed, "unaccompanied_young_daily")

    assert by_month(child) == {"2026-06": 14 * 1_000}
    assert [(row.amount, row.reason) for row in young] == [
        (None, "Beloppet för unga har inte hittats i källorna.")
    ]


@pytest.mark.parametrize(
    ("unaccompanied", "expected"),
    [
        (True, [31_000]),
        (False, []),
        (None, [None]),
    ],
)
def test_the_daily_amount_is_only_for_unaccompanied_children(
    unaccompanied: bool | None, expected: list[int | None]
) -> None:
    placed = person(
        born=D(2010, 1, 1),
        unaccompanied=unaccompanied,
        placements=((D(2024, 1, 1), D(2024, 1, 31)),),
    )

    assert [row.amount for row in of_type(placed, "unaccompanied_minor_daily")] == expected


def test_days_before_the_rules_start_are_left_out() -> None:
    placed = person(
        **CHILD | {"born": D(2002, 1, 1)}, placements=((D(2017, 6, 25), D(2017, 7, 2)),)
    )  # type: ignore[arg-type]

    assert by_month(of_type(placed, "unaccompanied_minor_daily")) == {"2017-07": 2 * 1_350}


# Ages.


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(1990, 5, 10), D(2020, 5, 9), 29),
        (D(1990, 5, 10), D(2020, 5, 10), 30),
        (D(2000, 2, 29), D(2021, 2, 28), 20),
        (D(2000, 2, 29), D(2021, 3, 1), 21),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
    ],
)
def test_age_in_completed_years(born: dt.date, day: dt.date, age: int) -> None:
    assert age_on(born, day) == age


def test_ages_on_payments_step_in_the_month_after_each_birthday() -> None:
    months = [D(2023, m, 1).year * 12 + m - 1 for m in range(1, 13)]

    ages = ages_on_payments(D(1958, 3, 15), AgeAt.END_OF_PREVIOUS_MONTH, D(2022, 12, 1), months)

    assert ages == [64, 64, 64, 65, 65, 65, 65, 65, 65, 65, 65, 65]


# Totals.


def test_totals_count_a_person_once_and_never_add_an_unknown_amount() -> None:
    known = person()
    unknown = person(received=D(2025, 2, 1))._replace(key=2)
    tally = Tally()
    for facts in (known, unknown):
        tally.add(expected_for(facts, rules(), ALL_MONTHS))

    june = tally.cells[("standard_compensation", D(2022, 6, 1))]
    march = tally.cells[("standard_compensation", D(2025, 3, 1))]
    assert (june.known, june.persons_known, june.persons_unknown) == (6_325, 1, 0)
    assert (march.known, march.persons_known, march.persons_unknown) == (0, 0, 1)
    assert march.reasons == {"Beloppen för personer mottagna 2025 har inte hittats i källorna."}
