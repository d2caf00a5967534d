"""Writing checked rows as one upsert per chunk: insert new records, update changed ones by their
natural key, and leave unchanged records untouched (their batch and timestamp too)."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone


class UpsertWriter:
    def __init__(
        self,
        model: type[Model],
        key_fields: list[str],
        data_fields: list[str],
        update_fields: list[str],
    ) -> None:
        """`update_fields` are the data fields the file holds; the others are only set on insert,
        so that a corrected export without an optional column does not blank it."""
        quote = connection.ops.quote_name
        names = ["committee", "batch", "person", *data_fields]
        self.fields = [concrete_field(model, name) for name in names]
        key_columns = [concrete_field(model, name).column for name in ["committee", *key_fields]]
        self.key_positions = [names.index(name) for name in ["committee", *key_fields]]
        updatable = [f.column for f in self.fields[3:] if f.name in update_fields]
        updatable = [column for column in updatable if column not in key_columns]
        if "person_id" not in key_columns:
            updatable.append("person_id")
        table = quote(model._meta.db_table)
        assignments = ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in [*updatable, "batch_id", "updated_at"]
        )
        changed = " OR ".join(
            f"{table}.{quote(c)} IS DISTINCT FROM excluded.{quote(c)}" for c in updatable
        )
        columns = ", ".join(quote(f.column) for f in self.fields)
        # PostgreSQL takes a whole chunk as one set-based statement over a staging table that
        # COPY has filled; SQLite, in process, is as fast row by row.
        self.set_based = connection.vendor == "postgresql"
        if self.set_based:
            source = f"SELECT {columns}, %s, %s FROM {staging_table(model)}"
        else:
            source = f"VALUES ({', '.join(['%s'] * (len(self.fields) + 2))})"
        self.sql = (
            f"INSERT INTO {table} ({columns}, created_at, updated_at) {source} "
            f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) "
            + (f"DO UPDATE SET {assignments} WHERE {changed}" if updatable else "DO NOTHING")
        )

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Each row holds committee id, batch id, person id and the data fields, in that order."""
        if not rows:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if self.set_based:
            staged_insert(self.fields, self._last_per_key(rows), self.sql, [now, now])
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, [(*row, now, now) for row in rows])

    def _last_per_key(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """One statement may not update a record twice; two rows can share a key only when two
        numbers of one person (a samordningsnummer and its personnummer) meet in one chunk."""
        latest = {tuple(row[i] for i in self.key_positions): row for row in rows}
        return list(latest.values())


def staging_table(model: type[Model]) -> str:
    """The temporary table a chunk of `model`'s rows passes through on PostgreSQL; temporary
    tables come first on the search path, so the name must be one no real table has."""
    return connection.ops.quote_name(f"staging_{model._meta.db_table}")


def staged_insert(
    fields: list[Field],  # type: ignore[type-arg]
    rows: Iterable[Sequence[Any]],
    sql: str,
    params: Sequence[Any],
) -> None:
    """Put `rows`, one value per field, alone in the model's staging table, then run `sql`: an
    INSERT … SELECT from it (PostgreSQL only).

    COPY moves a chunk in a fraction of the time that binding it as parameters takes. The table
    lives in the session until the transaction ends, whichever way (ON COMMIT DROP): one that
    rolls back leaves no table behind, and the next creates it afresh.
    """
    quote = connection.ops.quote_name
    table = staging_table(fields[0].model)
    definition = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    columns = ", ".join(quote(f.column) for f in fields)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition}) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {table}")
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        cursor.execute(sql, params)


def concrete_field(model: type[Model], name: str) -> Field:  # type: ignore[type-arg]
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def converter(field: Field) -> Callable[[Any], Any]:  # type: ignore[type-arg]
    """How a parsed value of `field` goes to the driver; built once per import, used per cell.

    An empty optional cell becomes the field's blank (NULL where the field allows it, else "").
    """
    ops = connection.ops
    blank = None if field.null else ""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return lambda value: blank if value is None else value == "yes"
    if kind == "DateField":
        return lambda value: blank if value is None else ops.adapt_datefield_value(value)
    if kind == "DecimalField":
        return lambda value: blank if value is None else ops.adapt_decimalfield_value(value, 12, 2)
    return lambda value: blank if value is None else value
