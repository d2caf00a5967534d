"""Reading the operational store for a build: one consistent snapshot, streamed to CSV files.

Rows go from a server-side cursor (PostgreSQL) or a stepping cursor (SQLite) straight to a CSV
file, a chunk at a time, without Django's per-value conversion, so memory stays flat at any size
and neither database needs a DuckDB extension. Only surrogate ids, dates, codes, amounts and the
source systems' household ids are read; never a personnummer, a pseudonym or free text.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from helhetsbild.imports.models import BatchState, ImportBatch
from helhetsbild.imports.writer import concrete_field
from helhetsbild.register.models import (
    AssistancePayment,
    Episode,
    Permit,
    Person,
    PersonRecord,
    Settlement,
    SfiCourse,
)

CHUNK_ROWS = 10_000
Progress = Callable[[str], None]
# Every record: its id and last-writing batch (to pick the latest word), and the identity it is
# about (to resolve to the canonical person).
RECORD = {"id": "BIGINT", "batch": "BIGINT", "person": "BIGINT"}


@dataclass(frozen=True)
class Source:
    """A register table as a CSV file: `fields` maps model fields to their DuckDB column types."""

    name: str
    model: type[Model]
    fields: dict[str, str]
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def is_record(self) -> bool:
        """A record about a person (as opposed to the identities themselves)."""
        return "person" in self.fields

    @property
    def columns(self) -> dict[str, str]:
        """Column name in the CSV file (the attribute name: `batch_id`, not `batch`) -> type."""
        return {
            concrete_field(self.model, name).attname: kind for name, kind in self.fields.items()
        }

    def query(self) -> tuple[str, tuple[Any, ...]]:
        queryset = (
            self.model._default_manager.filter(**self.filters).order_by().values_list(*self.fields)
        )
        return queryset.query.sql_with_params()


SOURCES = (
    # Only identities that became another one: the links samordningsnummer -> personnummer.
    Source(
        "identities", Person, {"id": "BIGINT", "successor": "BIGINT"}, {"successor__isnull": False}
    ),
    Source(
        "person_records",
        PersonRecord,
        RECORD
        | {
            "sex": "VARCHAR",
            "birth_date": "DATE",
            "education_level": "VARCHAR",
            "unaccompanied": "BOOLEAN",
        },
    ),
    Source(
        "permits",
        Permit,
        RECORD | {"decision_date": "DATE", "permit_type": "VARCHAR", "ground": "VARCHAR"},
    ),
    Source(
        "settlements",
        Settlement,
        RECORD
        | {
            "settlement_date": "DATE",
            "settlement_form": "VARCHAR",
            "household": "VARCHAR",
            "moved_out_date": "DATE",
        },
    ),
    Source(
        "episodes",
        Episode,
        RECORD | {"kind": "VARCHAR", "start_date": "DATE", "end_date": "DATE"},
    ),
    Source(
        "sfi_courses",
        SfiCourse,
        RECORD
        | {
            "study_path": "VARCHAR",
            "course": "VARCHAR",
            "start_date": "DATE",
            "end_date": "DATE",
            "grade": "VARCHAR",
        },
    ),
    Source(
        "assistance",
        AssistancePayment,
        RECORD | {"household": "VARCHAR", "month": "DATE", "amount": "DECIMAL(14,2)"},
    ),
)


@dataclass(frozen=True)
class Batch:
    id: int
    committee: str
    kind: str
    finished_at: dt.datetime


@dataclass
class Extract:
    """What one snapshot of the register yielded: a CSV file per source, and the batches read."""

    folder: Path
    rows: dict[str, int]
    batches: list[Batch]

    def csv_path(self, source: Source) -> Path:
        return self.folder / f"{source.name}.csv"


def extract(folder: Path, progress: Progress | None = None) -> Extract:
    """Write every source to `folder` as CSV, all from the same snapshot of the register."""
    result = Extract(folder, {}, [])
    with _snapshot():
        result.batches = [
            Batch(*row)
            for row in ImportBatch.objects.filter(
                state__in=[BatchState.COMMITTED, BatchState.PARTIAL]
            )
            .order_by("id")
            .values_list("id", "committee__code", "kind", "finished_at")
        ]
        for source in SOURCES:
            result.rows[source.name] = _write_csv(source, result.csv_path(source))
            if progress:
                progress(
                    _("Läste %(source)s: %(rows)s rader")
                    % {"source": source.name, "rows": result.rows[source.name]}
                )
    return result


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction for all reads, so that an import committing meanwhile is either wholly in
    the build or wholly out of it. PostgreSQL reads a repeatable-read snapshot without blocking
    writers; SQLite's transaction holds its single write lock, so imports wait for the reading
    (seconds at municipal size). Inside an outer transaction (tests) that one is the snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_csv(source: Source, path: Path) -> int:
    sql, params = source.query()
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK_ROWS):
                writer.writerows(rows)
                count += len(rows)
    return count
