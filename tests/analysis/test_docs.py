"""docs/analysis-store.md documents every table and column of the store, and nothing else."""

import re
from pathlib import Path

import pytest

from helhetsbild.analysis.store import build_store, open_store

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysis-store.md"
SECTION = re.compile(r"^### `(\w+)`$")
COLUMN_ROW = re.compile(r"^\| `(\w+)` \|")


def documented_columns() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if section := SECTION.match(line):
            current = tables.setdefault(section.group(1), [])
        elif (row := COLUMN_ROW.match(line)) and current is not None:
            current.append(row.group(1))
    return tables


def test_every_table_and_column_is_documented_in_order() -> None:
    build_store(actor=None)
    with open_store() as store:
        actual: dict[str, list[str]] = {}
        for table, column in store.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
            "ORDER BY table_name, column_index"
        ).fetchall():
            actual.setdefault(table, []).append(column)

    assert documented_columns() == actual
