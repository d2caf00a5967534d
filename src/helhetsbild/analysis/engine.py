"""The indicator engine: what every indicator shares, done once for all of them.

An indicator's SQL returns its population, one row per person (or household, through a person)
and period, with a `value` (see docs/indicators.md). The engine wraps it in one aggregate query
that joins the person's target groups and computes the total and every breakdown for every
period in one pass (GROUPING SETS), turns the rows into tables of `Cell`s, one per period, and
passes each table through `protect`. Results are kept per analysis build: a build never changes
after it is complete, so a result computed once is valid until the next build.
"""

import hashlib
import json
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from helhetsbild.analysis.catalogue import (
    Aggregate,
    Breakdown,
    Indicator,
    breakdowns_of,
    indicators,
)
from helhetsbild.analysis.disclosure import TOTAL, Cell, protect
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import readable_build, reader, results_folder

# Person facts the breakdown expressions may read, besides `age` and `months_since_settlement`.
_PERSON_COLUMNS = (
    "sex",
    "birth_date",
    "education_level",
    "unaccompanied",
    "permit_ground",
    "permit_type",
    "settlement_form",
    "settlement_date",
    "settlement_year",
)

_AGGREGATES = {
    Aggregate.SHARE: "count(*) AS persons, count_if(value) AS numerator",
    Aggregate.COUNT: "count(*) AS persons, NULL AS numerator",
    Aggregate.MEAN: "count(*) AS persons, sum(value) AS numerator",
    Aggregate.MEDIAN: "count(*) AS persons, median(value) AS numerator",
}


@dataclass(frozen=True)
class Result:
    """One indicator's protected tables, by period, for one build."""

    indicator: Indicator
    build_id: int
    cells: tuple[Cell, ...]

    @property
    def periods(self) -> list[str]:
        return sorted({cell.period for cell in self.cells})

    def between(self, first: int | None = None, last: int | None = None) -> list[Cell]:
        """The cells of the periods from `first` to `last` (years, inclusive)."""
        return [
            cell
            for cell in self.cells
            if (first is None or int(cell.period) >= first)
            and (last is None or int(cell.period) <= last)
        ]


def compile_query(item: Indicator, columns: Iterable[str]) -> str:
    """The one aggregate query an indicator compiles to; `columns` are those its SQL returns.

    The moment a row is measured at (`measured_on`, by default the end of its year or the
    reference date if earlier) gives the person's age and months since settlement there, unless
    the indicator returns them itself.
    """
    returned = set(columns)
    if not {"person_key", "period"} <= returned or (item.has_value and "value" not in returned):
        raise ValueError(f"{item.id}: the query must return person_key, period and value")
    parts = breakdowns_of(item)
    dated = _missing(returned, {"measured_on": _DEFAULT_MEASURED_ON})
    described = _missing(returned, {"age": _AGE, "months_since_settlement": _MONTHS})
    value = "value" if item.has_value else "NULL"
    groups = "".join(f',\n        {b.expression} AS "{b.id}"' for b in parts)
    flags = "".join(f', GROUPING("{b.id}") AS "in_{b.id}"' for b in parts)
    names = "".join(f', "{b.id}"' for b in parts)
    sets = ", ".join(["(period)", *(f'(period, "{b.id}")' for b in parts)])
    return f"""WITH population AS (
{item.sql}
),
facts AS (
    SELECT population.*, {", ".join(f"persons.{c}" for c in _PERSON_COLUMNS)}, info.reference_date
    FROM population
    LEFT JOIN persons USING (person_key)
    CROSS JOIN build_info AS info
),
dated AS (SELECT *{dated} FROM facts),
described AS (SELECT *{described} FROM dated),
rows AS (
    SELECT
        CAST(period AS VARCHAR) AS period,
        {value} AS value{groups}
    FROM described
)
SELECT period{flags}{names}, {_AGGREGATES[item.aggregate]}
FROM rows
GROUP BY GROUPING SETS ({sets})"""


_DEFAULT_MEASURED_ON = "least(make_date(CAST(period AS INTEGER), 12, 31), reference_date)"
_AGE = "CAST(date_sub('year', birth_date, measured_on) AS INTEGER)"
_MONTHS = (
    "CAST(date_sub('month', date_trunc('month', settlement_date), "
    "date_trunc('month', measured_on)) AS INTEGER)"
)


def _missing(returned: set[str], derived: dict[str, str]) -> str:
    """The select-list tail that adds each derived column the indicator does not return."""
    return "".join(f", {sql} AS {name}" for name, sql in derived.items() if name not in returned)


def result(item: Indicator, build: AnalysisBuild | None = None) -> Result:
    """The indicator's protected tables for every period of the build (default: the current)."""
    return results([item], build)[item.id]


def results(
    items: Iterable[Indicator] | None = None, build: AnalysisBuild | None = None
) -> dict[str, Result]:
    """Several indicators at once over one connection; computed ones come from the cache."""
    build = build or readable_build()
    wanted = list(indicators().values() if items is None else items)
    threshold = int(settings.MIN_CELL_SIZE)
    cached = _cache.for_build(build.file_name, threshold)
    missing = [item for item in wanted if item.id not in cached]
    for item in missing:
        cached[item.id] = _stored(build, item, threshold) or _computed(build, item, threshold)
    return {item.id: cached[item.id] for item in wanted}


def compute_all(build: AnalysisBuild) -> None:
    """Compute every indicator of a new build and keep the results beside its file, so that no
    page and no web server process has to: the build runs this before it becomes current."""
    threshold = int(settings.MIN_CELL_SIZE)
    with duckdb.connect(str(build.path), read_only=True) as connection:
        for item in indicators().values():
            _store(build, _compute(connection, item, build.pk, threshold), threshold)


def _computed(build: AnalysisBuild, item: Indicator, threshold: int) -> Result:
    with reader(build) as connection:
        found = _compute(connection, item, build.pk, threshold)
    _store(build, found, threshold)
    return found


def _result_file(build: AnalysisBuild, item: Indicator, threshold: int) -> Path:
    """One file per indicator definition and threshold: an edited SQL file is computed anew."""
    version = hashlib.sha256(item.source.encode()).hexdigest()[:12]
    return results_folder(build) / f"{item.id}-{version}-t{threshold}.json"


def _stored(build: AnalysisBuild, item: Indicator, threshold: int) -> Result | None:
    path = _result_file(build, item, threshold)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Result(indicator=item, build_id=build.pk, cells=tuple(Cell(**c) for c in cells))


def _store(build: AnalysisBuild, found: Result, threshold: int) -> None:
    """Written to a temporary name and renamed, so a reader never sees half a file."""
    path = _result_file(build, found.indicator, threshold)
    path.parent.mkdir(exist_ok=True)
    part = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    part.write_text(json.dumps([asdict(cell) for cell in found.cells]), encoding="utf-8")
    part.replace(path)


def true_tables(item: Indicator, build: AnalysisBuild | None = None) -> dict[str, list[Cell]]:
    """The indicator's tables by period with their true numbers, before disclosure control.

    Never for publication: `result` is what leaves the store. Tests and audits read these to
    check the figures themselves, which suppression hides in any small register.
    """
    build = build or readable_build()
    with reader(build) as connection:
        return _tables(connection, item)


def _compute(
    connection: duckdb.DuckDBPyConnection, item: Indicator, build_id: int, threshold: int
) -> Result:
    tables = _tables(connection, item)
    cells = [cell for period in tables for cell in protect(tables[period], threshold)]
    return Result(indicator=item, build_id=build_id, cells=tuple(cells))


def _tables(connection: duckdb.DuckDBPyConnection, item: Indicator) -> dict[str, list[Cell]]:
    """One table per period, in order: the total and every group, empty ones included."""
    cursor = connection.execute(query_for(connection, item))
    names = [column[0] for column in cursor.description or ()]
    found: dict[str, list[Cell]] = defaultdict(list)
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        found[record["period"]].append(_cell(item, record))
    return {period: _with_empty_groups(item, found[period]) for period in sorted(found)}


def query_for(connection: duckdb.DuckDBPyConnection, item: Indicator) -> str:
    """The aggregate query of an indicator, for the columns its SQL returns in this store."""
    return compile_query(item, _columns(connection, item))


def _columns(connection: duckdb.DuckDBPyConnection, item: Indicator) -> list[str]:
    cursor = connection.execute(f"SELECT * FROM ({item.sql}) AS population LIMIT 0")
    return [column[0] for column in cursor.description or ()]


def _cell(item: Indicator, record: dict[str, object]) -> Cell:
    """One row of the aggregate query as a cell with its true numbers."""
    breakdown: str = TOTAL
    group: str | None = TOTAL
    for part in breakdowns_of(item):
        if record[f"in_{part.id}"] == 0:
            breakdown, group = part.id, _group(record[part.id])
    persons = int(record["persons"])  # type: ignore[call-overload]
    return _numbers(item, record["period"], breakdown, group, persons, record["numerator"])


def _numbers(
    item: Indicator, period: object, breakdown: str, group: str | None, persons: int, raw: object
) -> Cell:
    numerator = None if raw is None else float(raw)  # type: ignore[arg-type]
    value: float | None
    if item.aggregate == Aggregate.COUNT:
        value, numerator, denominator = float(persons), None, None
    elif item.aggregate == Aggregate.SHARE:
        numerator = int(numerator or 0)
        value, denominator = (100 * numerator / persons if persons else None), persons
    elif item.aggregate == Aggregate.MEAN:
        numerator = numerator or 0.0
        value, denominator = (numerator / persons if persons else None), persons
    else:
        value, numerator, denominator = numerator, None, persons
    return Cell(
        indicator=item.id,
        period=str(period),
        breakdown=breakdown,
        group=group,
        unit=item.unit,
        value=value,
        numerator=numerator,
        denominator=denominator,
    )


def _group(raw: object) -> str | None:
    return None if raw is None else str(raw)


def _with_empty_groups(item: Indicator, table: list[Cell]) -> list[Cell]:
    """Every known group of every breakdown, empty ones too, in the order tables show them."""
    total = next(cell for cell in table if cell.breakdown == TOTAL)
    ordered = [total]
    for part in breakdowns_of(item):
        present = {cell.group: cell for cell in table if cell.breakdown == part.id}
        for code in _group_order(part, present):
            ordered.append(
                present.get(code) or _numbers(item, total.period, part.id, code, 0, None)
            )
    return ordered


def _group_order(part: Breakdown, present: dict[str | None, Cell]) -> list[str | None]:
    known: list[str | None] = list(part.groups)
    others = sorted(code for code in present if code is not None and code not in part.groups)
    unknown: list[str | None] = [None] if None in present else []
    return known + others + unknown


class _Cache:
    """Results per (build, threshold), for the newest builds only; shared by a process's threads.

    A build is known by its file's name, which holds its start time and a random part: unlike
    its id, it is never reused, not even by a database restored or recreated under a running
    process."""

    KEPT = 2

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple[str, int], dict[str, Result]] = {}

    def for_build(self, build_file: str, threshold: int) -> dict[str, Result]:
        with self._lock:
            key = (build_file, threshold)
            if key not in self._results:
                self._results[key] = {}
                for old in sorted(self._results)[: -self.KEPT]:
                    del self._results[old]
            return self._results[key]

    def clear(self) -> None:
        with self._lock:
            self._results.clear()


_cache = _Cache()
