"""The small register of `small_register.py` (Anna, Bo and Dora, settled in 2026) and one more
cohort: Eva, an unaccompanied girl of 17 assigned on 2025-11-03, who studies from January 2026.

With the reference date TODAY (2026-11-22), Eva's months since settlement run 0 (November 2025)
to 12 (November 2026): none in months 0 and 1, studies in months 2 to 12.
"""

from pathlib import Path

from helhetsbild.analysis.store import build_store
from helhetsbild.imports.models import BatchState
from helhetsbild.organisation.models import Committee
from tests.analysis.small_register import Keys, import_small_register, person_id
from tests.factories import TODAY, personnummer, run_import, write_kind

EVA = personnummer("20080606", "986")

EVA_FILES: list[tuple[str, str, list[list[str]]]] = [
    ("KS", "personer", [[EVA, "K", "2008-06-06", "förgymnasial", "ja", ""]]),
    ("KS", "mottagande", [[EVA, "2025-11-03", "anvisad", "hushall-eva-5120", ""]]),
    ("UN", "insatser", [[EVA, "studier", "2026-01-08", "", ""]]),
]


def import_and_build(committees: dict[str, Committee], folder: Path) -> tuple[Keys, int]:
    """Both cohorts imported and the store built; returns the small register's keys and Eva's."""
    keys = import_small_register(committees, folder)
    for index, (code, kind_name, rows) in enumerate(EVA_FILES):
        path = write_kind(folder / f"eva-{index:02d}-{kind_name}.csv", kind_name, rows)
        result = run_import(committees[code], kind_name, path)
        assert result.state == BatchState.COMMITTED, (path.name, result.issues)
    build_store(actor=None, reference_date=TODAY)
    return keys, person_id(EVA)
