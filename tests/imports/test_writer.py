"""The upsert writer on its own: PostgreSQL's staged writes (COPY into a temporary table, one
INSERT … SELECT from it) leave the register exactly as the plain row-by-row upsert does."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from helhetsbild.imports.models import BatchState, ImportBatch
from helhetsbild.imports.writer import UpsertWriter, concrete_field, converter, staging_table
from helhetsbild.organisation.models import Committee
from helhetsbild.register.models import AssistancePayment, Person, PersonRecord, Settlement

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staged write is PostgreSQL's"
)

JAN, FEB = dt.date(2024, 1, 1), dt.date(2024, 2, 1)

# Per model: key fields, data fields, and two chunks of (person, parsed values). The second
# chunk updates a record, leaves one as it was, adds one, and names one key twice (two numbers
# of one person in one chunk): the last row wins.
CASES: dict[str, tuple[type[Model], list[str], list[str], list[list[tuple[int, list[Any]]]]]] = {
    "personer": (
        PersonRecord,
        ["person"],
        ["sex", "birth_date", "education_level", "unaccompanied"],
        [
            [(0, ["K", JAN, "gymnasial", "yes"]), (1, ["M", FEB, None, None])],
            [
                (0, ["K", JAN, None, "no"]),
                (1, ["M", FEB, None, None]),
                (2, ["K", FEB, "eftergymnasial", None]),
                (2, ["M", FEB, "förgymnasial", "yes"]),
            ],
        ],
    ),
    "mottagande": (
        Settlement,
        ["person", "settlement_date"],
        ["settlement_date", "settlement_form", "household", "moved_out_date"],
        [
            [(0, [JAN, "anvisad", "h1", None]), (1, [JAN, "ebo", None, FEB])],
            [
                (0, [JAN, "anvisad", "h1\ttab\\slash", FEB]),
                (1, [JAN, "ebo", None, FEB]),
                (0, [FEB, "ebo", "", None]),
            ],
        ],
    ),
    "forsorjningsstod": (
        AssistancePayment,
        ["household", "month"],
        ["household", "month", "amount"],
        [
            [(0, ["h1", JAN, Decimal("1200.50")]), (1, ["h2", JAN, Decimal("0")])],
            [
                (2, ["h1", JAN, Decimal("1200.50")]),
                (1, ["h2", JAN, Decimal("0.00")]),
                (1, ["h2", FEB, Decimal("99")]),
                (0, ["h2", FEB, Decimal("100.25")]),
            ],
        ],
    ),
}


def write_both_ways(
    committees: dict[str, Committee], case: str, monkeypatch: pytest.MonkeyPatch
) -> list[list[tuple[Any, ...]]]:
    """The same chunks through the staged writer (for KS) and the row-by-row one (for SN); the
    records of each, by person and the chunk that last wrote them, without ids and timestamps."""
    model, keys, fields, chunks = CASES[case]
    people = [
        Person.objects.create(pseudonym=f"p{i}", personnummer_encrypted=b"x").pk for i in range(3)
    ]
    converters = [converter(concrete_field(model, name)) for name in fields]
    staged = UpsertWriter(model, keys, fields, fields)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        plain = UpsertWriter(model, keys, fields, fields)
    assert staged.set_based and not plain.set_based
    writers = {"KS": staged, "SN": plain}
    for number, chunk in enumerate(chunks, start=1):
        for code, writer in writers.items():
            batch = new_batch(committees[code], case, f"{number}.csv")
            writer.write(
                [
                    (
                        batch.committee_id,
                        batch.pk,
                        people[person],
                        *(convert(v) for convert, v in zip(converters, values, strict=True)),
                    )
                    for person, values in chunk
                ]
            )
    return [
        sorted(
            (people.index(r.person_id), r.batch.file_name, *(getattr(r, f) for f in fields))
            for r in model.objects.filter(committee=committees[code]).select_related("batch")
        )
        for code in writers
    ]


def new_batch(committee: Committee, kind: str, name: str) -> ImportBatch:
    now = timezone.now()
    return ImportBatch.objects.create(
        committee=committee,
        kind=kind,
        state=BatchState.COMMITTED,
        file_name=name,
        sha256=name,
        started_at=now,
        finished_at=now,
    )


@postgresql_only
@pytest.mark.parametrize("case", sorted(CASES))
def test_staged_writes_leave_the_same_records_as_row_by_row_writes(
    committees, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    staged, plain = write_both_ways(committees, case, monkeypatch)

    assert staged == plain
    assert len(staged) == 3


@postgresql_only
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "mottagande",
            [
                (0, "2.csv", JAN, "anvisad", "h1\ttab\\slash", FEB),
                (0, "2.csv", FEB, "ebo", "", None),
                (1, "1.csv", JAN, "ebo", "", FEB),
            ],
        ),
        (
            "personer",
            [
                (0, "2.csv", "K", JAN, "", False),
                (1, "1.csv", "M", FEB, "", None),
                (2, "2.csv", "M", FEB, "förgymnasial", True),
            ],
        ),
    ],
)
def test_the_staged_write_keeps_nulls_dates_text_and_the_last_row_per_key(
    committees, case: str, expected: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    staged, _plain = write_both_ways(committees, case, monkeypatch)

    assert staged == expected


@postgresql_only
def test_a_failed_staged_write_leaves_no_staging_table_behind(committees) -> None:  # type: ignore[no-untyped-def]
    fields = ["household", "month", "amount"]
    writer = UpsertWriter(AssistancePayment, ["household", "month"], fields, fields)
    batch = new_batch(committees["KS"], "forsorjningsstod", "1.csv")
    person = Person.objects.create(pseudonym="p", personnummer_encrypted=b"x").pk
    paid, negative = (
        (batch.committee_id, batch.pk, person, "h1", month, amount)
        for month, amount in [(JAN, Decimal("1")), (FEB, Decimal("-1"))]
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        writer.write([paid])
        writer.write([negative])
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [staging_table(AssistancePayment)])
        assert cursor.fetchone() == (None,)
    writer.write([paid])
    assert AssistancePayment.objects.get().amount == Decimal("1")
