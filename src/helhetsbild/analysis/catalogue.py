"""The indicator catalogue: one SQL file per indicator in `indicators/`, with its metadata in a
TOML header of `--` comments, and the breakdowns of `breakdowns.toml`.

Both are data, so that a new indicator or a new target group needs no Python (DESIGN.md §5,
docs/indicators.md). Everything is checked when the catalogue is read: a header that misses a
field or names an unknown unit fails loudly at start-up rather than as a wrong figure on a page.
"""

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from helhetsbild.analysis.disclosure import Unit
from helhetsbild.register.codes import code_list

INDICATOR_FOLDER = Path(__file__).with_name("indicators")
BREAKDOWNS_FILE = Path(__file__).with_name("breakdowns.toml")
MACROS_FILE = Path(__file__).with_name("indicator_macros.sql")

_HEADER_LINE = re.compile(r"^-- ?(.*)$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    NONE = "none"


class Aggregate(StrEnum):
    """How the population rows become one figure; follows from the unit and the header."""

    SHARE = "share"
    COUNT = "count"
    MEAN = "mean"
    MEDIAN = "median"


@dataclass(frozen=True)
class Breakdown:
    id: str
    label: str
    expression: str
    groups: dict[str, str]  # code -> Swedish label, in display order; may be empty
    optional: bool

    def label_of(self, group: str | None) -> str:
        if group is None:
            return "Uppgift saknas"
        return self.groups.get(group, group)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    unit: Unit
    aggregate: Aggregate
    direction: Direction
    theme: str  # the heading the catalogue lists it under, in Swedish
    period: str  # what one period of the time series is, in Swedish
    kolada: str | None
    key: bool  # one of the key indicators of the overview page
    breakdowns: tuple[str, ...]  # the optional breakdowns this indicator supports
    sql: str  # the query, without its header
    source: str  # the whole file, shown on the indicator's page

    @property
    def has_value(self) -> bool:
        """A count needs no value column: every population row counts once."""
        return self.aggregate != Aggregate.COUNT


class CatalogueError(Exception):
    """A file of the catalogue is wrong; the message names the file and the field."""


@cache
def indicators() -> dict[str, Indicator]:
    """Every indicator, by id, in the order of their files' names."""
    found = {}
    for path in sorted(INDICATOR_FOLDER.glob("*.sql")):
        indicator = _read_indicator(path)
        found[indicator.id] = indicator
    return found


def indicator(indicator_id: str) -> Indicator | None:
    return indicators().get(indicator_id)


@cache
def breakdowns() -> dict[str, Breakdown]:
    with BREAKDOWNS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {name: _breakdown(name, entry) for name, entry in data.items()}


def breakdowns_of(item: Indicator) -> list[Breakdown]:
    """The breakdowns of one indicator: sex and the target groups, then its optional ones."""
    every = breakdowns()
    return [b for b in every.values() if not b.optional or b.id in item.breakdowns]


def _breakdown(name: str, entry: dict[str, object]) -> Breakdown:
    groups = entry.get("groups", {})
    codes = entry.get("codes")
    if isinstance(codes, str):
        groups = code_list(codes).labels
    assert isinstance(groups, dict)
    return Breakdown(
        id=name,
        label=str(entry["label"]),
        expression=str(entry["expression"]),
        groups={str(code): str(label) for code, label in groups.items()},
        optional=bool(entry.get("optional", False)),
    )


def _read_indicator(path: Path) -> Indicator:
    source = path.read_text(encoding="utf-8")
    header, sql = _split_header(source)
    try:
        meta = tomllib.loads(header)
        return _indicator(path, meta, sql, source)
    except (tomllib.TOMLDecodeError, KeyError, ValueError) as error:
        raise CatalogueError(f"{path.name}: {error!r}") from error


def _split_header(source: str) -> tuple[str, str]:
    """The leading `--` comment lines are the header; the rest is the query."""
    lines = source.splitlines()
    header: list[str] = []
    for number, line in enumerate(lines):
        match = _HEADER_LINE.match(line)
        if match is None:
            return "\n".join(header), "\n".join(lines[number:]).strip()
        header.append(match.group(1))
    return "\n".join(header), ""


def _indicator(path: Path, meta: dict[str, object], sql: str, source: str) -> Indicator:
    identifier = str(meta["id"])
    if identifier != path.stem or not _ID.match(identifier):
        raise ValueError(f"id {identifier!r} must be the file's name in lower case")
    unit = Unit(str(meta["unit"]))
    aggregate = _aggregate(unit, meta.get("aggregate"))
    extra = tuple(str(name) for name in meta.get("breakdowns", []))  # type: ignore[attr-defined]
    unknown = [name for name in extra if name not in breakdowns()]
    if unknown:
        raise ValueError(f"unknown breakdowns {unknown}")
    if not sql:
        raise ValueError("the file has no query below its header")
    kolada = meta.get("kolada")
    return Indicator(
        id=identifier,
        title=str(meta["title"]),
        definition=" ".join(str(meta["definition"]).split()),
        unit=unit,
        aggregate=aggregate,
        direction=Direction(str(meta["direction"])),
        theme=str(meta["theme"]),
        period=str(meta["period"]),
        kolada=str(kolada) if kolada else None,
        key=bool(meta.get("key", False)),
        breakdowns=extra,
        sql=sql,
        source=source,
    )


def _aggregate(unit: Unit, declared: object) -> Aggregate:
    if unit == Unit.SHARE:
        return Aggregate.SHARE
    if unit == Unit.COUNT:
        return Aggregate.COUNT
    aggregate = Aggregate(str(declared or Aggregate.MEAN))
    if aggregate not in (Aggregate.MEAN, Aggregate.MEDIAN):
        raise ValueError(f"an {unit} is a mean or a median, not {aggregate}")
    return aggregate
