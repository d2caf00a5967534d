"""The analysis store is pseudonymised by construction: no personnummer, samordningsnummer,
pseudonym or source household id anywhere in the file, neither in a column nor in its bytes."""

from pathlib import Path

import pytest

from helhetsbild.analysis.store import build_store, current_build, open_store
from tests.analysis.small_register import import_small_register, secrets_of_the_register
from tests.factories import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(committees, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    import_small_register(committees, tmp_path)
    build_store(actor=None, reference_date=TODAY)
    build = current_build()
    assert build is not None
    return build.path


def every_text_value() -> set[str]:
    with open_store() as store:
        text_columns = store.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'"
        ).fetchall()
        assert text_columns, "the store has text columns (codes); the check must read them"
        values: set[str] = set()
        for table, column in text_columns:
            rows = store.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
            values.update(value for (value,) in rows if value is not None)
    return values


def test_no_identity_or_household_id_in_any_text_column(built: Path) -> None:
    values = every_text_value()
    leaks = {secret for secret in secrets_of_the_register() if any(secret in v for v in values)}
    assert leaks == set()
    assert "employment" in values  # the check did read the codes


def test_no_identity_or_household_id_in_the_bytes_of_the_file(built: Path) -> None:
    content = built.read_bytes()
    leaks = {secret for secret in secrets_of_the_register() if secret.encode("utf-8") in content}
    assert leaks == set()


def test_only_the_finished_tables_are_in_the_file(built: Path) -> None:
    """The raw rows, identity links and household ids were staged outside the file."""
    with open_store() as store:
        tables = {row[0] for row in store.execute("SHOW TABLES").fetchall()}
        columns = {
            row[0]
            for row in store.execute(
                "SELECT column_name FROM duckdb_columns() WHERE NOT internal"
            ).fetchall()
        }
    assert tables == {
        "build_info",
        "permits",
        "settlements",
        "episodes",
        "sfi_courses",
        "assistance",
        "persons",
        "person_months",
    }
    assert not {c for c in columns if "personnummer" in c or "pseudonym" in c or c == "household"}
