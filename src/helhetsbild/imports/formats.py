"""The canonical import format, read from `kinds.toml`."""

import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.apps import apps
from django.db import models

KINDS_FILE = Path(__file__).with_name("kinds.toml")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    type: str
    required: bool = False
    codes: str | None = None
    max_length: int | None = None  # for text, where the register keeps less than MAX_TEXT


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model_label: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    ordered: tuple[tuple[str, str], ...]

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [column.header for column in self.columns if column.required]

    def column(self, header: str) -> Column:
        return self._by_header[header]

    @cached_property
    def _by_header(self) -> dict[str, Column]:
        return {column.header: column for column in self.columns}

    @cached_property
    def identity_column(self) -> Column:
        """The column naming the person the record is about."""
        return next(column for column in self.columns if column.field == "person")


@cache
def kinds() -> dict[str, Kind]:
    with KINDS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        name: Kind(
            name=name,
            label=spec["label"],
            model_label=spec["model"],
            key=tuple(spec["key"]),
            columns=tuple(Column(**column) for column in spec["columns"]),
            ordered=tuple(tuple(pair) for pair in spec.get("ordered", [])),
        )
        for name, spec in data.items()
    }


def kind(name: str) -> Kind:
    return kinds()[name]
