"""The person-month panel and the deduplicated tables, against rows worked out by hand from the
small register (see `small_register.py` for the story)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from helhetsbild.analysis.store import build_store, open_store
from tests.analysis.small_register import BO, Keys, import_small_register
from tests.factories import TODAY, run_import, write_kind

pytestmark = pytest.mark.django_db

PANEL_COLUMNS = (
    "month, months_since_settlement, age, establishment_programme, sfi, civic_orientation, "
    "internship, employment, social_assistance, assistance_amount, housing, main_activity, "
    "self_sufficient"
)


@pytest.fixture
def keys(committees, tmp_path: Path) -> Keys:  # type: ignore[no-untyped-def]
    keys = import_small_register(committees, tmp_path)
    build_store(actor=None, reference_date=TODAY)
    return keys


def panel(person_key: int) -> list[tuple[object, ...]]:
    with open_store() as store:
        return store.execute(
            f"SELECT {PANEL_COLUMNS} FROM person_months WHERE person_key = ? ORDER BY month",
            [person_key],
        ).fetchall()


def month(number: int) -> dt.date:
    return dt.date(2026, number, 1)


def kr(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


F, T = False, True
SECONDHAND, FIRSTHAND, NO_LEASE = "secondhand_lease", "firsthand_lease", "none"
PROGRAMME = "establishment_programme"


def test_programme_sfi_then_work_give_flags_main_activity_and_self_sufficiency(keys) -> None:  # type: ignore[no-untyped-def]
    # month, since, age, programme, sfi, civic, internship, work, assisted, amount, housing,
    # main activity, self-sufficient
    assert panel(keys.anna) == [
        (month(3), 0, 36, F, F, F, F, F, T, kr(3000), SECONDHAND, "none", F),
        (month(4), 1, 36, T, T, F, F, F, T, kr(2500), SECONDHAND, PROGRAMME, F),
        (month(5), 2, 36, T, T, F, F, F, F, kr(0), SECONDHAND, PROGRAMME, F),
        (month(6), 3, 36, T, T, F, F, F, F, kr(0), SECONDHAND, PROGRAMME, F),
        (month(7), 4, 36, T, F, F, F, F, F, kr(0), FIRSTHAND, PROGRAMME, F),
        (month(8), 5, 36, T, F, F, F, F, F, kr(0), FIRSTHAND, PROGRAMME, F),
        (month(9), 6, 36, F, F, F, F, T, F, kr(0), FIRSTHAND, "employment", T),
        (month(10), 7, 36, F, F, F, F, T, T, kr(1000), FIRSTHAND, "employment", F),
        (month(11), 8, 36, F, F, F, F, T, F, kr(0), FIRSTHAND, "employment", T),
    ]


def test_the_household_assistance_and_lease_count_for_every_member_until_moving_out(keys) -> None:  # type: ignore[no-untyped-def]
    """Bo applied for nothing and holds no lease; he moved out on 2026-08-15, so his panel ends
    with August and the household's October assistance is not his."""
    assert panel(keys.bo) == [
        (month(3), 0, 38, F, F, F, F, F, T, kr(3000), SECONDHAND, "none", F),
        (month(4), 1, 38, F, F, F, F, F, T, kr(2500), SECONDHAND, "none", F),
        (month(5), 2, 38, F, F, T, F, F, F, kr(0), SECONDHAND, "civic_orientation", F),
        (month(6), 3, 38, F, F, T, F, F, F, kr(0), SECONDHAND, "civic_orientation", F),
        (month(7), 4, 38, F, F, T, F, F, F, kr(0), FIRSTHAND, "civic_orientation", F),
        (month(8), 5, 38, F, F, F, F, F, F, kr(0), FIRSTHAND, "none", F),
    ]


def test_a_samordningsnummer_linked_to_a_personnummer_is_one_person(keys) -> None:  # type: ignore[no-untyped-def]
    assert panel(keys.dora) == [
        (month(4), 0, 31, F, F, F, F, F, F, kr(0), NO_LEASE, "none", F),
        (month(5), 1, 31, F, F, F, T, F, F, kr(0), NO_LEASE, "internship", F),
        (month(6), 2, 31, F, F, F, T, F, F, kr(0), NO_LEASE, "internship", F),
        *[
            (month(m), m - 4, 31, F, F, F, F, F, F, kr(0), NO_LEASE, "none", F)
            for m in range(7, 12)
        ],
    ]
    with open_store() as store:
        keys_in_store = {
            table: {row[0] for row in store.execute(f"SELECT person_key FROM {table}").fetchall()}
            for table in ("persons", "episodes", "person_months")
        }
    assert keys_in_store["persons"] == {keys.anna, keys.bo, keys.dora}
    assert all(keys.dora_before not in found for found in keys_in_store.values())


def test_the_same_fact_imported_by_two_committees_counts_once(keys) -> None:  # type: ignore[no-untyped-def]
    """KS and AMN both hold Anna's programme (AMN without its end); SN and KS both hold April's
    assistance."""
    with open_store() as store:
        programme = store.execute(
            "SELECT start_date, end_date FROM episodes WHERE person_key = ? AND kind = ?",
            [keys.anna, PROGRAMME],
        ).fetchall()
        assistance = store.execute(
            "SELECT month, amount, applicant_key FROM assistance ORDER BY month"
        ).fetchall()
    assert programme == [(dt.date(2026, 4, 1), dt.date(2026, 8, 31))]
    assert assistance == [
        (month(3), kr(3000), keys.anna),
        (month(4), kr(2500), keys.anna),
        (month(10), kr(1000), keys.anna),
    ]


def test_persons_hold_first_settlement_latest_permit_and_moving_out(keys) -> None:  # type: ignore[no-untyped-def]
    with open_store() as store:
        rows = store.execute(
            "SELECT person_key, sex, birth_date, education_level, unaccompanied, permit_ground, "
            "permit_type, settlement_form, settlement_date, settlement_year, moved_out_date, "
            "household_key FROM persons"
        ).fetchall()
    by_key = {row[0]: row for row in rows}
    assert set(by_key) == {keys.anna, keys.bo, keys.dora}
    anna, bo, dora = by_key[keys.anna], by_key[keys.bo], by_key[keys.dora]
    assert anna[:-1] == (
        keys.anna,
        "K",
        dt.date(1990, 1, 1),
        "upper_secondary",
        False,
        "protection",
        "permanent",
        "assigned",
        dt.date(2026, 3, 10),
        2026,
        None,
    )
    assert bo[1:-1] == (
        "M",
        dt.date(1988, 2, 2),
        "pre_upper_secondary",
        False,
        "protection",
        "permanent",
        "assigned",
        dt.date(2026, 3, 10),
        2026,
        dt.date(2026, 8, 15),
    )
    assert dora[1:-1] == (
        "K",
        dt.date(1995, 3, 3),
        None,
        None,
        None,
        None,
        "self_settled",
        dt.date(2026, 4, 20),
        2026,
        None,
    )
    assert anna[-1] == bo[-1] != dora[-1]


def test_the_first_settlement_starts_the_panel_and_months_away_are_left_out(
    committees,  # type: ignore[no-untyped-def]
    keys,
    tmp_path: Path,
) -> None:
    """Bo comes back in October 2026 to a household of his own: his panel resumes there, still
    counting months from March."""
    path = write_kind(
        tmp_path / "tillbaka.csv", "mottagande", [[BO, "2026-10-05", "ebo", "bo-ensam", ""]]
    )
    run_import(committees["KS"], "mottagande", path)
    build_store(actor=None, reference_date=TODAY)

    assert [(row[0], row[1]) for row in panel(keys.bo)] == [
        *[(month(m), m - 3) for m in range(3, 9)],
        (month(10), 7),
        (month(11), 8),
    ]
