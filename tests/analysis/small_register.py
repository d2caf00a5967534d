"""A small register written by hand and imported through the real pipeline, committee by
committee, with the panel rows it must give worked out by hand in the tests.

Anna and Bo share a household and settle on 2026-03-10; Bo moves out on 2026-08-15. Anna is in
the establishment programme April-August (KS and AMN both hold that episode, AMN without an end
date), studies sfi April-June, works from September. The household has a secondhand lease in
Anna's name until June, then a firsthand lease, and social assistance in March, April (held by
SN and KS alike) and October. Bo attends civic orientation May-July. Dora was registered with a
samordningsnummer, had an internship under it in May-June, then got a personnummer and settled
(EBO) on 2026-04-20 under the new number.
"""

from dataclasses import dataclass
from pathlib import Path

from helhetsbild.imports.models import BatchState
from helhetsbild.organisation.models import Committee
from helhetsbild.register.identity import parse_personnummer, pseudonym
from helhetsbild.register.models import Person
from tests.factories import TODAY, personnummer, run_import, write_kind

ANNA = personnummer("19900101", "980")
BO = personnummer("19880202", "981")
DORA_BEFORE = personnummer("19950303", "982", coordination=True)
DORA = personnummer("19950303", "984")
HOUSEHOLD_AB = "hushall-anna-och-bo-7731"
HOUSEHOLD_D = "hushall-dora-4410"

FILES: list[tuple[str, str, list[list[str]]]] = [
    (
        "KS",
        "personer",
        [
            [ANNA, "K", "1990-01-01", "gymnasial", "nej", ""],
            [BO, "M", "1988-02-02", "förgymnasial", "nej", ""],
            [DORA_BEFORE, "K", "1995-03-03", "", "", ""],
        ],
    ),
    (
        "KS",
        "uppehallstillstand",
        [
            [ANNA, "2025-06-01", "TUT", "anhörig"],
            [ANNA, "2026-06-01", "PUT", "skyddsbehövande"],
            [BO, "2025-12-01", "PUT", "skyddsbehövande"],
        ],
    ),
    (
        "KS",
        "mottagande",
        [
            [ANNA, "2026-03-10", "anvisad", HOUSEHOLD_AB, ""],
            [BO, "2026-03-10", "anvisad", HOUSEHOLD_AB, "2026-08-15"],
        ],
    ),
    (
        "KS",
        "insatser",
        [
            [ANNA, "etableringsprogram", "2026-04-01", "2026-08-31", ""],
            [ANNA, "andrahandskontrakt", "2026-03-10", "2026-06-30", ""],
            [ANNA, "förstahandskontrakt", "2026-07-01", "", ""],
            [BO, "samhällsorientering", "2026-05-01", "2026-07-31", ""],
        ],
    ),
    (
        "AMN",
        "insatser",
        [
            [ANNA, "etableringsprogram", "2026-04-01", "", ""],
            [ANNA, "arbete", "2026-09-01", "", "Lagerarbetare"],
            [DORA_BEFORE, "praktik", "2026-05-01", "2026-06-30", ""],
        ],
    ),
    ("UN", "sfi", [[ANNA, "2", "B", "2026-04-15", "2026-06-30", "C"]]),
    (
        "SN",
        "forsorjningsstod",
        [
            [HOUSEHOLD_AB, ANNA, "2026-03", "3000"],
            [HOUSEHOLD_AB, ANNA, "2026-04", "2500"],
            [HOUSEHOLD_AB, ANNA, "2026-10", "1000"],
        ],
    ),
    ("KS", "forsorjningsstod", [[HOUSEHOLD_AB, ANNA, "2026-04", "2500"]]),
    # Dora's personnummer, naming the samordningsnummer she had: the register links the two.
    ("KS", "personer", [[DORA, "K", "1995-03-03", "", "", DORA_BEFORE]]),
    ("KS", "mottagande", [[DORA, "2026-04-20", "ebo", HOUSEHOLD_D, ""]]),
]


@dataclass(frozen=True)
class Keys:
    """The register's canonical identity ids, which are the store's person keys."""

    anna: int
    bo: int
    dora: int
    dora_before: int


def import_small_register(committees: dict[str, Committee], folder: Path) -> Keys:
    for index, (code, kind_name, rows) in enumerate(FILES):
        path = write_kind(folder / f"{index:02d}-{code}-{kind_name}.csv", kind_name, rows)
        result = run_import(committees[code], kind_name, path)
        assert result.state == BatchState.COMMITTED, (path.name, result.issues)
    return Keys(*(person_id(number) for number in (ANNA, BO, DORA, DORA_BEFORE)))


def person_id(number: str) -> int:
    return Person.objects.get(pseudonym=pseudonym(parse_personnummer(number, today=TODAY))).pk


def secrets_of_the_register() -> list[str]:
    """Every form in which an identity or a household id could leak into the store."""
    found = [HOUSEHOLD_AB, HOUSEHOLD_D]
    for number in (ANNA, BO, DORA, DORA_BEFORE):
        digits = number.replace("-", "")
        found += [number, digits, digits[2:], f"{digits[2:8]}-{digits[8:]}"]
    for person in Person.objects.all():
        found += [person.pseudonym, person.short_pseudonym]
    return found
