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
        meta = model._meta

        def column(name: str) -> str:
            return concrete_field(model, name).column

        quote = connection.ops.quote_name
        self.columns = [column(name) for name in ["committee", "batch", "person", *data_fields]]
        key_columns = [column(name) for name in ["committee", *key_fields]]
        updatable = [column(n) for n in update_fields if column(n) not in key_columns]
        if "person_id" not in key_columns:
            updatable.append("person_id")
        table = quote(meta.db_table)
        assignments = ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in [*updatable, "batch_id", "updated_at"]
        )
        changed = " OR ".join(
            f"{table}.{quote(c)} IS DISTINCT FROM excluded.{quote(c)}" for c in updatable
        )
        all_columns = [*self.columns, "created_at", "updated_at"]
        self.sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in all_columns)}) "
            f"VALUES ({', '.join(['%s'] * len(all_columns))}) "
            f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) "
            + (f"DO UPDATE SET {assignments} WHERE {changed}" if updatable else "DO NOTHING")
        )

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Each row holds committee id, batch id, person id and the data fields, in that order."""
        if not rows:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, [(*row, now, now) for row in rows])


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
