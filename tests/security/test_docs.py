"""docs/security.md names the tests and documents that show each requirement; every one must
exist, so that the document cannot go on citing a proof that was renamed or removed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "security.md"
# `tests/web/test_headers.py::test_name`, `docs/drift.md`, `src/helhetsbild/...`
REFERENCE = re.compile(r"`((?:tests|src|docs)/[\w./-]+|pyproject\.toml)(?:::(\w+))?`")
REQUIREMENT_ROW = re.compile(r"^\| (\d+\.\d+[^|]*)\| ([^|]*)\|")
STATUSES = ("met", "partly", "not met", "n/a")


def references() -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in REFERENCE.finditer(DOCUMENT.read_text("utf-8"))]


def test_every_file_and_test_the_document_names_exists() -> None:
    missing = []
    for path, test in references():
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif test and not re.search(rf"^\s*def {test}\(", file.read_text("utf-8"), re.M):
            missing.append(f"{path}::{test}")
    assert not missing, f"docs/security.md nämner sådant som inte finns: {missing}"


def test_the_document_cites_tests_for_most_requirements() -> None:
    assert len({ref for ref in references() if ref[1]}) >= 60


def test_every_requirement_has_one_of_the_four_statuses() -> None:
    rows = [REQUIREMENT_ROW.match(line) for line in DOCUMENT.read_text("utf-8").splitlines()]
    statuses = [row.group(2).strip() for row in rows if row]
    assert len(statuses) >= 60
    odd = [status for status in statuses if not status.startswith(STATUSES)]
    assert not odd, odd


def test_every_asvs_chapter_is_covered() -> None:
    text = DOCUMENT.read_text("utf-8")
    assert all(re.search(rf"^### V{n}\b|V{n} ", text, re.M) for n in range(1, 18))
