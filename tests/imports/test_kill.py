"""A process killed with SIGKILL in the middle of an import leaves the register as it was, and
the same import run again afterwards succeeds."""

import datetime as dt
import signal
from pathlib import Path

import pytest

from helhetsbild.imports.models import ImportBatch
from helhetsbild.register.models import Person, PersonRecord
from tests.cli_support import run_cli, start_cli
from tests.factories import personnummer, write_kind

ROWS = 120_000


def big_persons_file(path: Path) -> Path:
    """Many distinct test numbers: 20 serials a day over enough days."""
    first = dt.date(1940, 1, 1)
    rows = []
    for index in range(ROWS):
        day = first + dt.timedelta(days=index // 20)
        rows.append(
            [
                personnummer(day.strftime("%Y%m%d"), str(980 + index % 20)),
                "M",
                day.isoformat(),
                "",
                "",
                "",
            ]
        )
    return write_kind(path, "personer", rows)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_import_leaves_the_store_unchanged(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = big_persons_file(tmp_path / "personer.csv")
    process = start_cli("import", "--kind", "personer", "--committee", "KS", str(path))
    assert process.stderr is not None
    line = process.stderr.readline()
    assert "Importerar" in line, f"no progress before the end: {line!r} {process.communicate()}"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert (ImportBatch.objects.count(), Person.objects.count(), PersonRecord.objects.count()) == (
        0,
        0,
        0,
    )

    again = run_cli(
        "import", "--kind", "personer", "--committee", "KS", "--no-progress", str(path), timeout=600
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert PersonRecord.objects.count() == ROWS
    assert ImportBatch.objects.get().state == "committed"
