"""The canonical format (imports/kinds.toml) against the register it fills."""

import pytest

from helhetsbild.imports.formats import kinds
from helhetsbild.imports.validation import MAX_TEXT

TEXT_COLUMNS = [
    (kind, column) for kind in kinds().values() for column in kind.columns if column.type == "text"
]


@pytest.mark.parametrize(
    ("kind", "column"), TEXT_COLUMNS, ids=[f"{k.name}-{c.header}" for k, c in TEXT_COLUMNS]
)
def test_a_text_column_accepts_exactly_what_its_field_can_hold(kind, column) -> None:  # type: ignore[no-untyped-def]
    """Longer values must be refused at the import, never cut by a database (PostgreSQL would
    cut them silently through the writer's typed arrays)."""
    field = kind.model._meta.get_field(column.field)
    assert (column.max_length or MAX_TEXT) == field.max_length
