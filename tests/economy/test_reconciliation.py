"""Reconciliation with worked examples: a partial payment, a late payment, a payment for a
person not expected, an expected amount never received; and strict reading of the file."""

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from helhetsbild.economy.models import Payment, PaymentFile
from helhetsbild.economy.reconciliation import (
    ExpectedAmount,
    PaymentFileError,
    Received,
    Status,
    due_date,
    mapping,
    monthly_summary,
    reconcile,
)
from helhetsbild.economy.services import payments_import
from tests.factories import personnummer

D = dt.date
TODAY = D(2026, 11, 22)
SCHABLON = "standard_compensation"


def test_worked_examples_partial_late_unexpected_and_missing() -> None:
    expected = [
        ExpectedAmount("anna", SCHABLON, D(2026, 6, 1), 6875),
        ExpectedAmount("bo", SCHABLON, D(2026, 6, 1), 6875),
        ExpectedAmount("cia", SCHABLON, D(2026, 6, 1), 6875),
        ExpectedAmount("dan", SCHABLON, D(2026, 6, 1), 6875),
        ExpectedAmount("eva", SCHABLON, D(2026, 6, 1), None),
        ExpectedAmount("anna", SCHABLON, D(2026, 11, 1), 6875),  # not due yet: not listed
    ]
    received = [
        Received("anna", SCHABLON, D(2026, 6, 1), D(2026, 6, 30), 6875, D(2026, 6, 25)),
        Received("bo", SCHABLON, D(2026, 6, 1), D(2026, 6, 30), 3000, D(2026, 6, 25)),
        # Due by 2026-07-31 (one month after, from the mapping); paid in September.
        Received("cia", SCHABLON, D(2026, 6, 1), D(2026, 6, 30), 6875, D(2026, 9, 3)),
        Received("fia", SCHABLON, D(2026, 6, 1), D(2026, 6, 30), 6875, D(2026, 6, 25)),
    ]

    lines = {line.person: line for line in reconcile(expected, received, TODAY)}

    assert {p: (x.expected, x.received, x.status) for p, x in lines.items()} == {
        "anna": (6875, 6875, Status.MATCHED),
        "bo": (6875, 3000, Status.PARTIAL),
        "cia": (6875, 6875, Status.LATE),
        "dan": (6875, 0, Status.MISSING),
        "eva": (None, 0, Status.UNKNOWN),
        "fia": (None, 6875, Status.UNEXPECTED),
    }
    [june] = monthly_summary(lines.values())
    assert june.received == 6875 + 3000 + 6875 + 6875
    assert june.expected is None  # eva's amount is unknown: the sum is not a number
    assert june.counts[Status.MISSING] == 1 and june.counts[Status.UNEXPECTED] == 1


def test_a_quarterly_payment_is_set_against_the_months_it_covers() -> None:
    expected = [ExpectedAmount("anna", SCHABLON, D(2026, m, 1), 6875) for m in (1, 2, 3)]
    received = [Received("anna", SCHABLON, D(2026, 1, 1), D(2026, 3, 31), 20625, D(2026, 4, 10))]

    [line] = reconcile(expected, received, TODAY)

    assert (line.month, line.expected, line.status) == (D(2026, 1, 1), 20625, Status.MATCHED)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "Personnummer;Ersättningstyp;Period;Belopp;Utbetalningsdatum"


@pytest.mark.django_db
def test_a_payment_file_is_read_through_the_mapping(tmp_path: Path) -> None:
    number = personnummer("19940101", "980")
    path = write(
        tmp_path / "utbetalningar.csv",
        [
            HEADER,
            f"{number};Schablonersättning;2026-06;6 875,00;2026-06-25",
            f"{number};Tomhyra;2024-05-10/2024-05-31;8200;2024-08-01",
        ],
    )

    file = payments_import(None, path, "utbetalningar.csv")

    rows = list(
        file.payments.order_by("row").values_list(
            "type_code", "period_first", "period_last", "amount"
        )
    )
    assert rows == [
        (SCHABLON, D(2026, 6, 1), D(2026, 6, 30), 6875),
        ("empty_rent", D(2024, 5, 10), D(2024, 5, 31), 8200),
    ]
    assert file.payments.filter(person__isnull=True).count() == 2  # not in this empty register


@pytest.mark.django_db
def test_a_wrong_row_names_file_row_column_and_value_and_nothing_is_saved(tmp_path: Path) -> None:
    good = personnummer("19940101", "980")
    path = write(
        tmp_path / "fel.csv",
        [
            HEADER,
            f"{good};Schablonersättning;2026-06;6875;2026-06-25",
            f"{good[:-1]}0;Schablonersättning;2026-13;12,50;25/6",
        ],
    )

    with pytest.raises(PaymentFileError) as error:
        payments_import(None, path, "fel.csv")

    problems = error.value.problems
    assert len(problems) == 4
    assert problems[1].startswith("fel.csv, rad 3, kolumnen Period, värdet '2026-13'")
    assert "kontrollsiffran" in problems[0]
    assert (PaymentFile.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_mistyped_personnummer_is_masked_in_the_message(tmp_path: Path) -> None:
    typo = personnummer("19940101", "980")[:-1] + "0"
    elsewhere = personnummer("19800101", "981")
    path = write(
        tmp_path / "fel.csv",
        [HEADER, f"{typo};Schablonersättning;2026-06;{elsewhere};2026-06-25"],
    )

    with pytest.raises(PaymentFileError) as error:
        payments_import(None, path, "fel.csv")

    text = " ".join(error.value.problems)
    assert "kolumnen Personnummer, värdet '19940101-****'" in text
    assert typo not in text and elsewhere not in text and "19800101-****" in text


@pytest.mark.parametrize(
    ("month", "delay", "due"),
    [
        (D(2026, 2, 1), 1, D(2026, 3, 31)),  # February's end plus a month is March's end
        (D(2026, 4, 1), 1, D(2026, 5, 31)),
        (D(2024, 1, 1), 1, D(2024, 2, 29)),  # leap year
        (D(2026, 11, 1), 3, D(2027, 2, 28)),
        (D(2026, 6, 1), 0, D(2026, 6, 30)),
    ],
)
def test_a_payment_is_due_by_the_end_of_the_month_the_delay_reaches(
    month: dt.date, delay: int, due: dt.date
) -> None:
    table = mapping()
    late = replace(table, due_months={SCHABLON: delay})
    assert due_date(month, SCHABLON, late) == due


def test_the_mapping_names_every_column_and_only_known_types() -> None:
    from helhetsbild.economy.rules import rules

    table = mapping()
    codes = {kind.code for kind in rules()}
    assert set(table.columns) == {"person", "type", "period", "amount", "paid_on"}
    assert set(table.types.values()) <= codes and set(table.due_months) <= codes
