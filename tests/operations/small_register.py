"""A register small enough to read: three persons (one who had a samordningsnummer first) owned
by KS, one of them also by SN, and one row of SN's file in quarantine."""

from pathlib import Path

from helhetsbild.organisation.models import Committee
from tests.factories import personnummer, run_import, write_kind

ANNA = personnummer("19900101", "980")
BO = personnummer("19850315", "981")
CARL = personnummer("19800505", "982")
CARL_BEFORE = personnummer("19800505", "983", coordination=True)
NUMBERS = [ANNA, BO, CARL]  # the persons KS finds; CARL_BEFORE is an identity only
QUARANTINED = personnummer("19700707", "984")


def small_register(committees: dict[str, Committee], folder: Path) -> None:
    people = write_kind(
        folder / "personer-ks.csv",
        "personer",
        [
            [ANNA, "K", "1990-01-01", "gymnasial", "nej", ""],
            [BO, "M", "1985-03-15", "", "", ""],
            [CARL, "M", "1980-05-05", "", "", CARL_BEFORE],
        ],
    )
    assert run_import(committees["KS"], "personer", people).succeeded
    settled = write_kind(
        folder / "insatser-sn.csv",
        "insatser",
        [
            [ANNA, "placering", "2024-02-01", "", ""],
            [QUARANTINED, "okänd insats", "2024-02-01", "", ""],
        ],
    )
    result = run_import(committees["SN"], "insatser", settled, accept_valid=True)
    assert result.state == "partial", result.issues
