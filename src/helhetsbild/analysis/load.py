"""Turning an extract into the analysis store: DuckDB reads the CSV files and builds each table
with one SQL file from `sql/`.

The raw rows are never stored in the new file: they are read through temporary views over the
CSV files, and the two lookups that hold raw values (identity links, source household ids) are
temporary tables, which live in memory and DuckDB's spill folder, never in the database file.
Only the finished, pseudonymised tables are written to the file.
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from helhetsbild.analysis.catalogue import MACROS_FILE
from helhetsbild.analysis.extract import SOURCES, Extract, Progress, Source

SQL_FOLDER = Path(__file__).with_name("sql")
# Enough for the hash tables of a municipality in memory; a region or the country spills to disk.
MEMORY_LIMIT = "1GB"
# The tables of the store, in the order they are built (later ones read earlier ones).
TABLES = (
    "permits",
    "settlements",
    "episodes",
    "sfi_courses",
    "assistance",
    "persons",
    "person_months",
)


def load(
    path: Path, extract: Extract, *, build_id: int, reference_date: dt.date, progress: Progress
) -> dict[str, int]:
    """Build every table into a new DuckDB file at `path`; return the row count of each."""
    connection = duckdb.connect(str(path))
    try:
        _configure(connection, extract.folder)
        _write_build_info(connection, build_id, reference_date)
        _stage(connection, extract)
        counts = {}
        for table in TABLES:
            progress(_("Bygger %(table)s …") % {"table": table})
            counts[table] = create_table(connection, table)
        # The indicators' shared macros belong to the store, like its tables.
        connection.execute(MACROS_FILE.read_text(encoding="utf-8"))
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    return counts


def create_table(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    _run_sql(connection, table)
    return _count(connection, table)


def _run_sql(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    connection.execute((SQL_FOLDER / f"{name}.sql").read_text(encoding="utf-8"))


def _configure(connection: duckdb.DuckDBPyConnection, work: Path) -> None:
    """Bounded memory at any size: what does not fit spills to the build's own work folder, where
    the panel's intermediate tables also go (the `scratch` database), deleted with it."""
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    connection.execute(f"SET temp_directory = {_literal(str(work / 'spill'))}")
    # Rows are stored in no particular order (queries sort), which lets DuckDB write in parallel.
    connection.execute("SET preserve_insertion_order = false")
    # DuckDB would otherwise draw a progress bar on the terminal of `helhetsbild analyse`.
    connection.execute("SET enable_progress_bar = false")
    connection.execute(f"ATTACH {_literal(str(work / 'scratch.duckdb'))} AS scratch")


def _write_build_info(
    connection: duckdb.DuckDBPyConnection, build_id: int, reference_date: dt.date
) -> None:
    connection.execute(
        "CREATE TABLE build_info (build_id BIGINT, reference_date DATE, reference_month DATE)"
    )
    connection.execute(
        "INSERT INTO build_info VALUES (?, ?, ?)",
        [build_id, reference_date, reference_date.replace(day=1)],
    )


def _stage(connection: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    """Temporary views `raw_<source>` over the CSV files; record views carry the canonical
    `person_key` and `written` (batch, record id), the order in which records were last written."""
    for source in SOURCES:
        if not source.is_record:
            _create_view(connection, source, extract, _plain)
    _run_sql(connection, "person_keys")
    for source in SOURCES:
        if source.is_record:
            _create_view(connection, source, extract, _canonical)
    _run_sql(connection, "households")


def _create_view(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    extract: Extract,
    shape: Callable[[str], str],
) -> None:
    columns = ", ".join(
        f"{_literal(name)}: {_literal(kind)}" for name, kind in source.columns.items()
    )
    reader = (
        f"read_csv({_literal(str(extract.csv_path(source)))}, header = false, delim = ',', "
        f"quote = '\"', escape = '\"', auto_detect = false, columns = {{{columns}}})"
    )
    connection.execute(f"CREATE TEMP VIEW raw_{source.name} AS {shape(reader)}")


def _plain(reader: str) -> str:
    return f"SELECT * FROM {reader}"


def _canonical(reader: str) -> str:
    return (
        "SELECT coalesce(keys.person_key, raw.person_id) AS person_key, "
        "struct_pack(batch := raw.batch_id, record := raw.id) AS written, "
        "raw.* EXCLUDE (id, batch_id, person_id) "
        f"FROM {reader} AS raw LEFT JOIN person_keys AS keys ON keys.person_id = raw.person_id"
    )


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
    return int(count)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
