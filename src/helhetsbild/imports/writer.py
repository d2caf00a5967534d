"""Writing checked rows as one upsert per chunk: insert new records, update changed ones by their
natural key, and leave unchanged records untouched (their batch and timestamp too)."""

from collections.abc import Callable
from typing import Any

from django.db import connection
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
        fields = [concrete_field(model, name) for name in names]
        key_columns = [concrete_field(model, name).column for name in ["committee", *key_fields]]
        self.key_positions = [names.index(name) for name in ["committee", *key_fields]]
        updatable = [f.column for f in fields[3:] if f.name in update_fields]
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
        columns = [*(f.column for f in fields), "created_at", "updated_at"]
        # PostgreSQL takes a whole chunk as one set-based statement over arrays, one array per
        # column; SQLite, in process, is as fast row by row.
        self.set_based = connection.vendor == "postgresql"
        if self.set_based:
            types = [f.db_type(connection) for f in fields] + ["timestamp with time zone"] * 2
            source = f"SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})"
        else:
            source = f"VALUES ({', '.join(['%s'] * len(columns))})"
        self.sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) {source} "
            f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) "
            + (f"DO UPDATE SET {assignments} WHERE {changed}" if updatable else "DO NOTHING")
        )

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Each row holds committee id, batch id, person id and the data fields, in that order."""
        if not rows:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        stamped = [(*row, now, now) for row in rows]
        with connection.cursor() as cursor:
            if self.set_based:
                cursor.execute(
                    self.sql,
                    [list(column) for column in zip(*self._last_per_key(stamped), strict=True)],
                )
            else:
                cursor.executemany(self.sql, stamped)

    def _last_per_key(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """One statement may not update a record twice; two rows can share a key only when two
        numbers of one person (a samordningsnummer and its personnummer) meet in one chunk."""
        latest = {tuple(row[i] for i in self.key_positions): row for row in rows}
        return list(latest.values())


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
