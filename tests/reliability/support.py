"""What the fault and input tests share: a fingerprint of everything an import could change,
many distinct test numbers, and waiting for a subprocess to report that it is writing rows."""

import datetime as dt
import hashlib
import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db.models import Model

from helhetsbild.imports.formats import kinds
from helhetsbild.imports.models import ImportBatch, ImportIssue, QuarantineRow
from helhetsbild.register.models import Person
from tests.factories import personnummer, write_kind

# "Importerar: 10 000 rader (33 %), 1 s": the import command's progress line on stderr.
ROWS_WRITTEN = re.compile(r"Importerar: ([\d\s]+) rader")


def register_models() -> list[type[Model]]:
    """Every table an import writes: identities, each kind's records, batches and reports."""
    record_models = [spec.model for spec in kinds().values()]
    return [Person, *record_models, ImportBatch, ImportIssue, QuarantineRow]


def _stable(value: object) -> str:
    """Encrypted fields come back as memoryview, whose text is its address."""
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return repr(value)


def register_fingerprint() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a SHA-256 over every column of every row, in id order."""
    fingerprint = {}
    for model in register_models():
        digest = hashlib.sha256()
        count = 0
        for row in model._default_manager.order_by("pk").values_list().iterator():
            digest.update("|".join(_stable(value) for value in row).encode())
            digest.update(b"\n")
            count += 1
        fingerprint[model._meta.db_table] = (count, digest.hexdigest())
    return fingerprint


def numbers(first: int, count: int, born_from: dt.date = dt.date(1940, 1, 1)) -> Iterator[str]:
    """Distinct valid test numbers: twenty serials (980-999) a day from `born_from`."""
    for index in range(first, first + count):
        day = born_from + dt.timedelta(days=index // 20)
        yield personnummer(day.strftime("%Y%m%d"), str(980 + index % 20))


def persons_file(path: Path, people: Iterable[str], education: str = "gymnasial") -> Path:
    rows = (
        [number, "M", f"{number[:4]}-{number[4:6]}-{number[6:8]}", education, "nej", ""]
        for number in people
    )
    return write_kind(path, "personer", rows)


def wait_until_writing(process: subprocess.Popen[str]) -> str:
    """Read the import's stderr until it says rows have been written; return that line."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        match = ROWS_WRITTEN.search(line)
        if match and int(re.sub(r"\s", "", match.group(1))) > 0:
            return line
    raise AssertionError(f"the import ended before it reported rows written: {seen}")
