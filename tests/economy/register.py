"""A small register for the economy tests, imported through the real pipeline into KS, with the
analysis store built on TODAY (2026-11-22): the overview's months are 2024-12 to 2027-11.

- Five assigned adults (born 1994) received on 2024-05-10: 165 000 kr each over 2024-06 to
  2026-05, so 5 × 6 875 kr a month, enough persons to pass disclosure control.
- Erik (born 1990), assigned, received on 2025-02-01: his standard compensation is unknown
  (the 2025 rates have not been found); his initial compensation is the inferred 20 521 kr.
- Sara, an unaccompanied minor born 2009-04-01, placed from 2023-12-01 to 2024-01-31 and
  received on 2024-01-10: 6 875 kr a month from 2024-02 to 2026-01 besides the daily amounts.
"""

from pathlib import Path

from helhetsbild.analysis.store import build_store
from helhetsbild.imports.models import BatchState
from helhetsbild.organisation.models import Committee
from tests.factories import TODAY, personnummer, run_import, write_kind

COHORT = [personnummer(f"1994010{day}", "980") for day in range(1, 6)]
ERIK = personnummer("19900101", "981")
SARA = personnummer("20090401", "982")


def import_economy_register(committees: dict[str, Committee], folder: Path) -> None:
    everyone = [*COHORT, ERIK, SARA]
    births = {number: f"{number[:4]}-{number[4:6]}-{number[6:8]}" for number in everyone}
    files = [
        (
            "personer",
            [[n, "M", births[n], "", "ja" if n == SARA else "nej", ""] for n in everyone],
        ),
        ("uppehallstillstand", [[n, "2024-01-05", "PUT", "skyddsbehövande"] for n in everyone]),
        (
            "mottagande",
            [[n, "2024-05-10", "anvisad", "", ""] for n in COHORT]
            + [[ERIK, "2025-02-01", "anvisad", "", ""], [SARA, "2024-01-10", "anvisad", "", ""]],
        ),
        ("insatser", [[SARA, "placering", "2023-12-01", "2024-01-31", "HVB"]]),
    ]
    for kind_name, rows in files:
        path = write_kind(folder / f"{kind_name}.csv", kind_name, rows)
        result = run_import(committees["KS"], kind_name, path)
        assert result.state == BatchState.COMMITTED, (kind_name, result.issues)
    build_store(actor=None, reference_date=TODAY)
