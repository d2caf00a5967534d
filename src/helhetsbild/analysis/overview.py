"""The reads behind the overview page: where the newcomers are this month, the key indicators
with their trend and split by sex, and how fresh each committee's data is (issue 3 item 6).

Everything here is an aggregate of the current analysis build after disclosure control. The
main-activity table is not an indicator (it is one month, not a time series), so it is counted
here and passed through the same `protect` as every indicator table.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import duckdb
from django.conf import settings
from django.contrib.auth.models import User

from helhetsbild.analysis import engine
from helhetsbild.analysis.activities import MAIN_ACTIVITIES, main_activity_labels
from helhetsbild.analysis.catalogue import Indicator, breakdowns
from helhetsbild.analysis.disclosure import TOTAL, Cell, Unit, protect
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.selectors import catalogue_for
from helhetsbild.analysis.store import readable_build
from helhetsbild.imports.formats import kinds
from helhetsbild.organisation.models import Committee

ACTIVITY_TABLE = "huvudaktivitet"
SEX = "kön"
TREND_PERIODS = 10


@dataclass(frozen=True)
class SeriesRow:
    """One period of an indicator: the total and, where the table has them, women and men."""

    period: str
    total: Cell
    women: Cell | None
    men: Cell | None


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    latest: SeriesRow
    trend: list[SeriesRow]  # the last periods, oldest first


@dataclass(frozen=True)
class ActivityTable:
    """Newcomers living in the municipality in the reference month, protected as one table."""

    month: dt.date
    total: Cell
    by_activity: list[tuple[str, Cell]]  # (Swedish label, cell)
    by_sex: list[tuple[str, Cell]]

    @property
    def cells(self) -> list[Cell]:
        return [
            self.total,
            *(c for _label, c in self.by_activity),
            *(c for _label, c in self.by_sex),
        ]


@dataclass(frozen=True)
class Source:
    committee: str
    committee_name: str
    kind: str
    batches: int
    latest: dt.datetime


@dataclass(frozen=True)
class Overview:
    build: AnalysisBuild
    activities: ActivityTable
    key_figures: list[KeyFigure]
    sources: list[Source]


def overview_for(user: User | None) -> Overview:
    """The overview of the current build; raises StoreMissing when there is none to read.
    `catalogue_for` checks the permission (aggregate.view) for the whole page."""
    key_items = [item for item in catalogue_for(user) if item.key]
    build = readable_build()
    found = engine.results(key_items, build)
    return Overview(
        build=build,
        activities=_labelled(*_activity_cells(str(build.path), int(settings.MIN_CELL_SIZE))),
        key_figures=[_key_figure(found[item.id]) for item in key_items if found[item.id].cells],
        sources=_sources(build),
    )


def series_by_sex(result: engine.Result) -> list[SeriesRow]:
    """The time series of the total and the split by sex, oldest period first."""
    cells = {(c.period, c.breakdown, c.group): c for c in result.cells}
    return [
        SeriesRow(
            period=period,
            total=cells[(period, TOTAL, TOTAL)],
            women=cells.get((period, SEX, "K")),
            men=cells.get((period, SEX, "M")),
        )
        for period in result.periods
    ]


def _key_figure(result: engine.Result) -> KeyFigure:
    series = series_by_sex(result)
    return KeyFigure(indicator=result.indicator, latest=series[-1], trend=series[-TREND_PERIODS:])


@lru_cache(maxsize=4)
def _activity_cells(path: str, threshold: int) -> tuple[dt.date, tuple[Cell, ...]]:
    """Counted once per build file (its name is unique) and threshold; a build never changes."""
    with duckdb.connect(path, read_only=True) as store:
        month = store.execute("SELECT reference_month FROM build_info").fetchone()[0]  # type: ignore[index]
        counts = store.execute(
            """SELECT main_activity, persons.sex, count(*)
            FROM person_months
            LEFT JOIN persons USING (person_key)
            WHERE month = ?
            GROUP BY ALL""",
            [month],
        ).fetchall()
    label = month.strftime("%Y-%m")
    by_activity = _sums(counts, 0, list(MAIN_ACTIVITIES))
    by_sex = _sums(counts, 1, list(breakdowns()[SEX].groups))
    table = [_count(label, TOTAL, TOTAL, sum(row[2] for row in counts))]
    table += [_count(label, ACTIVITY_TABLE, code, n) for code, n in by_activity.items()]
    table += [_count(label, SEX, code, n) for code, n in by_sex.items()]
    return month, tuple(protect(table, threshold))


def _sums(counts: list[tuple], column: int, known: list[str | None]) -> dict[str | None, int]:
    """Persons per group of one column: the known groups first, empty ones too, then others,
    then the unknown group (NULL) if any, so that the groups add up to the total."""
    sums: dict[str | None, int] = dict.fromkeys(known, 0)
    present = {row[column] for row in counts}
    others = sorted(code for code in present if code is not None and code not in sums)
    unknown = [None] if None in present else []
    sums.update(dict.fromkeys([*others, *unknown], 0))
    for row in counts:
        sums[row[column]] += row[2]
    return sums


def _count(period: str, breakdown: str, group: str | None, persons: int) -> Cell:
    return Cell(
        indicator=ACTIVITY_TABLE,
        period=period,
        breakdown=breakdown,
        group=group,
        unit=Unit.COUNT,
        value=float(persons),
        numerator=None,
        denominator=None,
    )


def _labelled(month: dt.date, cells: tuple[Cell, ...]) -> ActivityTable:
    activities = main_activity_labels()
    sex = breakdowns()[SEX]
    return ActivityTable(
        month=month,
        total=next(cell for cell in cells if cell.breakdown == TOTAL),
        by_activity=[
            (activities.get(str(c.group), str(c.group)), c)
            for c in cells
            if c.breakdown == ACTIVITY_TABLE
        ],
        by_sex=[(sex.label_of(c.group), c) for c in cells if c.breakdown == SEX],
    )


def _sources(build: AnalysisBuild) -> list[Source]:
    """Per committee and kind: the import batches the build read and when the latest finished."""
    names = dict(Committee.objects.values_list("code", "name"))
    labels = {name: kind.label for name, kind in kinds().items()}
    return [
        Source(
            committee=str(source["committee"]),
            committee_name=names.get(source["committee"], source["committee"]),
            kind=labels.get(source["kind"], source["kind"]),
            batches=int(source["batches"]),
            latest=dt.datetime.fromisoformat(source["latest"]),
        )
        for source in build.sources
    ]
