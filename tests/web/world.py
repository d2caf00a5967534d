"""The small world both the page tests and the browser tests work in."""

from pathlib import Path

from helhetsbild.organisation.models import Committee
from tests.factories import personnummer, run_import, write_kind

ANNA = personnummer("19900101", "980")
BERIT = personnummer("19850505", "982")


def make_world(committees: dict[str, Committee], folder: Path) -> dict[str, Committee]:
    """KS registers Anna and Berit; AMN owns an episode of Anna's ("Lager"); SN a payment of
    Berit's and one quarantined row (month 2024-13)."""
    run_import(
        committees["KS"],
        "personer",
        write_kind(
            folder / "p.csv",
            "personer",
            [[ANNA, "K", "1990-01-01", "", "", ""], [BERIT, "K", "1985-05-05", "", "", ""]],
        ),
    )
    run_import(
        committees["AMN"],
        "insatser",
        write_kind(folder / "i.csv", "insatser", [[ANNA, "praktik", "2024-02-01", "", "Lager"]]),
    )
    run_import(
        committees["SN"],
        "forsorjningsstod",
        write_kind(
            folder / "f.csv",
            "forsorjningsstod",
            [["H1", BERIT, "2024-03", "9000"], ["H2", BERIT, "2024-13", "1"]],
        ),
        accept_valid=True,
    )
    return committees
