"""A register written by hand so that every standard indicator can be worked out on paper.

Eight people, imported through the real pipeline as the demo's committees would (KS persons,
permits, settlements, the programme, civic orientation and leases; AMN labour-market steps, work
and studies; UN sfi; SN social assistance), built with the reference date 2026-11-22. The tests
in `test_indicators.py` give every indicator's true numbers per period with the reasoning.

Ages are on the first day of the month measured; "month n" is the n-th calendar month after the
month of settlement (month 0).

Alma (K, born 1980-02-10), settled (assigned) 2021-03-15 with her husband Bashir in household
ALMA. Establishment programme 2021-04-01 - 2023-03-31; works from 2023-03-01 (first work in
month 24, age 43). Firsthand lease in her name from 2022-06-01, which houses Bashir too. Civic
orientation 2021-05-01 - 2021-09-30. Sfi path 2: B 2021-05-01 - 2021-12-20 (C), C 2022-01-10 -
2022-06-20 (E). Household ALMA got social assistance, applied for by Alma: 2021-03 5,000 kr and
2021-04 3,000 kr.

Bashir (M, born 1975-07-01), settled with Alma. Programme 2021-04-01 - 2022-12-31 and again
2023-01-01 - 2023-03-31: he continues the next day, so he leaves only on 2023-03-31, not working
90 days later. Mapping 2023-09-01 - 2023-11-30, preparing 2023-12-01 - 2024-02-29, matching
2024-03-01 - 2024-04-30: one labour-market spell, left 2024-04-30. Works from 2024-09-01 (month
42, age 49). Civic orientation 2022-05-01 - 2022-10-31, after his first 12 months. Sfi path 1: A
2021-05-01 - 2021-11-30 (dropped out), A 2022-01-10 - 2022-06-30 (F, a fail), A 2022-08-15 -
2022-12-20 (E), B 2023-01-10 - 2023-06-15 (C, after his two years).

Celine (K, born 2004-09-01, unaccompanied), settled (self-settled) 2021-09-01 aged 17 in household
CELINE. A summer job 2022-07-01 - 2022-07-31 at 17; studies from 2023-01-01. Secondhand lease
2021-09-01 - 2024-12-31, then a firsthand lease from 2025-01-01. Social assistance 2024-09
2,000 kr. Aged 18 in month 12, 19 in month 24 and 20 in month 36 (2024-09).

David (M, born 1990-01-15), settled (assigned) 2022-02-01 in household DAVID, moved out
2023-12-31, before his month 24 (2024-02). Programme 2022-03-01 - 2023-06-30, a job in February
2023 only (month 12, age 33). Civic orientation 2022-04-01 - 2022-06-30. Sfi path 3: C 2022-03-01
- 2022-08-31 (A), D 2022-09-01 - 2023-02-28 (B). Social assistance 2022-02 6,000 kr, 2022-03
4,000 kr, 2023-08 2,000 kr.

Emil (M, born 2001-12-01), settled (self-settled) 2026-03-10 in household EMIL. Programme
2026-04-01 - 2026-09-30: his 90 days end 2026-12-29, after the reference date. Matching
2026-05-01 - 2026-08-31: his six months end 2027-02-28. Works from 2026-10-01 (month 7, age 24).
Sfi path 2: B 2026-04-01 - 2026-06-30 (dropped out), C from 2026-09-01, still going.

Fatima (K, born 1960-01-01), settled (assigned) 2022-06-01 aged 62 in household FATIMA. Never in
civic orientation, never works, no lease. Mapping 2023-02-01 - 2023-04-30. Social assistance
2023-06, 2024-06 and 2024-07, 3,000 kr each. Aged 63 in month 12, 64 in month 24, 65 in month 36.

Kim and Robin have no person record: the import wants one before any other record, so they are
imported and their records then withdrawn (deleted by hand, as the register has no service for
it yet). The store then knows neither their sex nor their age, which the engine must survive.

Kim (no settlement either) is present only through episodes, sfi courses and assistance:
programme 2024-01-01 - 2024-03-31, studies from 2024-05-01; sfi path 1: A 2024-01-10 - 2024-05-31
(E), B 2024-06-01 - 2024-12-20 (dropped out); household KIM got 2,500 kr in 2025-02, applied for
by Kim.

Robin is present only through a settlement: self-settled 2025-05-05 in household ROBIN.
"""

from dataclasses import dataclass
from pathlib import Path

from helhetsbild.imports.models import BatchState
from helhetsbild.organisation.models import Committee
from helhetsbild.register.models import PersonRecord
from tests.analysis.small_register import person_id
from tests.factories import personnummer, run_import, write_kind

ALMA = personnummer("19800210", "980")
BASHIR = personnummer("19750701", "981")
CELINE = personnummer("20040901", "982")
DAVID = personnummer("19900115", "983")
EMIL = personnummer("20011201", "984")
FATIMA = personnummer("19600101", "985")
KIM = personnummer("19920404", "986")
ROBIN = personnummer("19990909", "987")

FILES: list[tuple[str, str, list[list[str]]]] = [
    (
        "KS",
        "personer",
        [
            [ALMA, "K", "1980-02-10", "gymnasial", "nej", ""],
            [BASHIR, "M", "1975-07-01", "förgymnasial", "nej", ""],
            [CELINE, "K", "2004-09-01", "okänd", "ja", ""],
            [DAVID, "M", "1990-01-15", "eftergymnasial", "nej", ""],
            [EMIL, "M", "2001-12-01", "gymnasial", "nej", ""],
            [FATIMA, "K", "1960-01-01", "förgymnasial", "nej", ""],
            [KIM, "K", "1992-04-04", "", "", ""],
            [ROBIN, "M", "1999-09-09", "", "", ""],
        ],
    ),
    (
        "KS",
        "uppehallstillstand",
        [
            [ALMA, "2021-01-10", "PUT", "skyddsbehövande"],
            [BASHIR, "2021-01-10", "PUT", "skyddsbehövande"],
            [CELINE, "2021-06-01", "TUT", "skyddsbehövande"],
            [DAVID, "2021-12-01", "TUT", "skyddsbehövande"],
            [EMIL, "2026-01-15", "TUT", "anhörig"],
            [FATIMA, "2022-04-01", "PUT", "anhörig"],
        ],
    ),
    (
        "KS",
        "mottagande",
        [
            [ALMA, "2021-03-15", "anvisad", "hushall-alma", ""],
            [BASHIR, "2021-03-15", "anvisad", "hushall-alma", ""],
            [CELINE, "2021-09-01", "ebo", "hushall-celine", ""],
            [DAVID, "2022-02-01", "anvisad", "hushall-david", "2023-12-31"],
            [EMIL, "2026-03-10", "ebo", "hushall-emil", ""],
            [FATIMA, "2022-06-01", "anvisad", "hushall-fatima", ""],
            [ROBIN, "2025-05-05", "ebo", "hushall-robin", ""],
        ],
    ),
    (
        "KS",
        "insatser",
        [
            [ALMA, "etableringsprogram", "2021-04-01", "2023-03-31", ""],
            [ALMA, "samhällsorientering", "2021-05-01", "2021-09-30", ""],
            [ALMA, "förstahandskontrakt", "2022-06-01", "", ""],
            [BASHIR, "etableringsprogram", "2021-04-01", "2022-12-31", ""],
            [BASHIR, "etableringsprogram", "2023-01-01", "2023-03-31", ""],
            [BASHIR, "samhällsorientering", "2022-05-01", "2022-10-31", ""],
            [CELINE, "andrahandskontrakt", "2021-09-01", "2024-12-31", ""],
            [CELINE, "förstahandskontrakt", "2025-01-01", "", ""],
            [DAVID, "etableringsprogram", "2022-03-01", "2023-06-30", ""],
            [DAVID, "samhällsorientering", "2022-04-01", "2022-06-30", ""],
            [EMIL, "etableringsprogram", "2026-04-01", "2026-09-30", ""],
            [KIM, "etableringsprogram", "2024-01-01", "2024-03-31", ""],
        ],
    ),
    (
        "AMN",
        "insatser",
        [
            [ALMA, "arbete", "2023-03-01", "", ""],
            [BASHIR, "kartläggning", "2023-09-01", "2023-11-30", ""],
            [BASHIR, "rusta", "2023-12-01", "2024-02-29", ""],
            [BASHIR, "matcha", "2024-03-01", "2024-04-30", ""],
            [BASHIR, "arbete", "2024-09-01", "", ""],
            [CELINE, "arbete", "2022-07-01", "2022-07-31", ""],
            [CELINE, "studier", "2023-01-01", "", ""],
            [DAVID, "arbete", "2023-02-01", "2023-02-28", ""],
            [EMIL, "matcha", "2026-05-01", "2026-08-31", ""],
            [EMIL, "arbete", "2026-10-01", "", ""],
            [FATIMA, "kartläggning", "2023-02-01", "2023-04-30", ""],
            [KIM, "studier", "2024-05-01", "", ""],
        ],
    ),
    (
        "UN",
        "sfi",
        [
            [ALMA, "2", "B", "2021-05-01", "2021-12-20", "C"],
            [ALMA, "2", "C", "2022-01-10", "2022-06-20", "E"],
            [BASHIR, "1", "A", "2021-05-01", "2021-11-30", "avbrott"],
            [BASHIR, "1", "A", "2022-01-10", "2022-06-30", "F"],
            [BASHIR, "1", "A", "2022-08-15", "2022-12-20", "E"],
            [BASHIR, "1", "B", "2023-01-10", "2023-06-15", "C"],
            [DAVID, "3", "C", "2022-03-01", "2022-08-31", "A"],
            [DAVID, "3", "D", "2022-09-01", "2023-02-28", "B"],
            [EMIL, "2", "B", "2026-04-01", "2026-06-30", "avbrott"],
            [EMIL, "2", "C", "2026-09-01", "", ""],
            [KIM, "1", "A", "2024-01-10", "2024-05-31", "E"],
            [KIM, "1", "B", "2024-06-01", "2024-12-20", "avbrott"],
        ],
    ),
    (
        "SN",
        "forsorjningsstod",
        [
            ["hushall-alma", ALMA, "2021-03", "5000"],
            ["hushall-alma", ALMA, "2021-04", "3000"],
            ["hushall-celine", CELINE, "2024-09", "2000"],
            ["hushall-david", DAVID, "2022-02", "6000"],
            ["hushall-david", DAVID, "2022-03", "4000"],
            ["hushall-david", DAVID, "2023-08", "2000"],
            ["hushall-fatima", FATIMA, "2023-06", "3000"],
            ["hushall-fatima", FATIMA, "2024-06", "3000"],
            ["hushall-fatima", FATIMA, "2024-07", "3000"],
            ["hushall-kim", KIM, "2025-02", "2500"],
        ],
    ),
]


@dataclass(frozen=True)
class Keys:
    """The store's person keys of the register's people."""

    alma: int
    bashir: int
    celine: int
    david: int
    emil: int
    fatima: int
    kim: int
    robin: int


def import_indicator_register(committees: dict[str, Committee], folder: Path) -> Keys:
    for index, (code, kind_name, rows) in enumerate(FILES):
        path = write_kind(folder / f"{index:02d}-{code}-{kind_name}.csv", kind_name, rows)
        result = run_import(committees[code], kind_name, path)
        assert result.state == BatchState.COMMITTED, (path.name, result.issues)
    people = (ALMA, BASHIR, CELINE, DAVID, EMIL, FATIMA, KIM, ROBIN)
    keys = Keys(*(person_id(number) for number in people))
    PersonRecord.objects.filter(person_id__in=[keys.kim, keys.robin]).delete()
    return keys
