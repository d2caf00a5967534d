"""Användarresan: how the main activity of a settlement cohort changes month by month since
settlement, and, for analysts, one newcomer's journey under a code that names no one.

The cohort's journey is an aggregate: each month since settlement is one table (the persons
living here that month, and every main activity) passed through `protect`, like an indicator's
period. A single journey is pseudonymised microdata, which DESIGN.md §1 gives analysts ("the
pooled, pseudonymised journeys of all newcomers"); opening one is written to the access log in
the same transaction as the read, naming the register's pseudonym so that a reviewer can trace
whose journey it was, while the page shows only a journey code.

Journey codes are keyed hashes of the build and the store's person key. They are stable within
one build, so an analyst can note a code and open it again, and change with every build, so a
code kept from last month cannot be followed over time or matched with another list. Without the
key, a code cannot be derived from a register id.
"""

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

import duckdb
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis.activities import MAIN_ACTIVITIES
from helhetsbild.analysis.catalogue import breakdowns
from helhetsbild.analysis.disclosure import TOTAL, Cell, Unit, protect
from helhetsbild.analysis.store import open_store
from helhetsbild.organisation.permissions import Action, can
from helhetsbild.register.codes import code_list
from helhetsbild.register.models import Person

# The name of the journey's tables in their cells, and the breakdown of each month's table.
JOURNEY = "användarresan"
ACTIVITY_BREAKDOWN = "huvudaktivitet"
# The journey is followed five years from settlement, the longest any indicator looks.
LAST_MONTH = 60
SEX = "kön"
# The target groups a cohort can be narrowed to, one at a time; their expressions and groups
# are those of the indicator breakdowns, so each group has one definition.
TARGET_GROUPS = (
    "mottagandeform",
    "ensamkommande",
    "tillståndsgrund",
    "utbildningsnivå",
    "åldersgrupp",
)
AGE_GROUP = "åldersgrupp"
SETTLEMENT_FORM = "mottagandeform"
# The activity flags of a person-month: every activity but `none`.
FLAGS = MAIN_ACTIVITIES[:-1]
CODE_PREFIX = "R-"
# 48 bits: a clash within one cohort stays unlikely even for a country's cohort of 100,000.
CODE_HEX_DIGITS = 12
CODE_SHAPE = re.compile(rf"^{CODE_PREFIX}[0-9a-f]{{{CODE_HEX_DIGITS}}}$")

# A person's facts at settlement, in the columns the breakdown expressions read: `age` is the age
# at settlement, so the age group is the one the person arrived in.
_PERSON_FACTS = """SELECT
        persons.*,
        CAST(date_sub('year', birth_date, settlement_date) AS INTEGER) AS age
    FROM persons"""


def housing_labels() -> dict[str, str]:
    episodes = code_list("episode_kind").labels
    return {
        "firsthand_lease": episodes["firsthand_lease"],
        "secondhand_lease": episodes["secondhand_lease"],
        "none": _("Inget känt hyreskontrakt"),
    }


@dataclass(frozen=True)
class Cohort:
    """A settlement-year cohort, optionally narrowed by sex and by one target group."""

    year: int
    sex: str | None = None
    target: tuple[str, str] | None = None  # (breakdown id, group code)

    def __post_init__(self) -> None:
        """Only known groups: the breakdown's expression goes into the SQL, the group is a
        parameter, and an unknown group would silently give an empty journey."""
        if self.sex is not None and self.sex not in breakdowns()[SEX].groups:
            raise ValueError(f"unknown sex {self.sex!r}")
        if self.target is not None:
            breakdown, group = self.target
            if breakdown not in TARGET_GROUPS or group not in breakdowns()[breakdown].groups:
                raise ValueError(f"unknown target group {self.target!r}")

    @property
    def filters(self) -> list[tuple[str, str]]:
        sex = [(SEX, self.sex)] if self.sex is not None else []
        return sex + ([self.target] if self.target is not None else [])


@dataclass(frozen=True)
class Cohorts:
    """The settlement years in the store, and the one a page starts with."""

    years: list[int]
    default_year: int | None
    reference_date: dt.date


@dataclass(frozen=True)
class JourneyMonth:
    month: int  # months since settlement
    total: Cell
    activities: list[Cell]  # in the order of MAIN_ACTIVITIES

    @property
    def cells(self) -> list[Cell]:
        """The month's row as a table shows it: the total, then every activity."""
        return [self.total, *self.activities]


@dataclass(frozen=True)
class Journey:
    cohort: Cohort
    months: list[JourneyMonth]

    @property
    def hidden_cells(self) -> int:
        return sum(cell.suppressed for m in self.months for cell in [m.total, *m.activities])


@dataclass(frozen=True)
class PersonMonth:
    month: dt.date
    months_since_settlement: int
    main_activity: str
    activities: list[str]  # the activity flags that are set, in the order of FLAGS
    social_assistance: bool
    housing: str


@dataclass(frozen=True)
class PersonJourney:
    """One newcomer's months, with the few facts that give them context and none that identify."""

    code: str
    settlement_year: int
    sex: str | None
    age_group: str | None
    settlement_form: str | None
    months: list[PersonMonth]


def cohorts_for(user: User) -> Cohorts:
    _require(user, Action.AGGREGATE_VIEW)
    with open_store() as store:
        rows = store.execute(
            "SELECT DISTINCT settlement_year FROM persons "
            "WHERE settlement_year IS NOT NULL ORDER BY settlement_year"
        ).fetchall()
        reference_date = _reference_date(store)
    years = [int(row[0]) for row in rows]
    return Cohorts(years, default_year(years, reference_date), reference_date)


def default_year(years: list[int], reference_date: dt.date) -> int | None:
    """The latest cohort whose whole settlement year lies before the reference date, so that a
    page opens on a complete cohort; the latest cohort if none is complete yet."""
    complete = [year for year in years if year < reference_date.year]
    return max(complete or years, default=None)


def journey_for(user: User, cohort: Cohort) -> Journey:
    """The cohort's main activities month by month, each month a table after disclosure control."""
    _require(user, Action.AGGREGATE_VIEW)
    with open_store() as store:
        counts = cohort_counts(store, cohort)
    months = []
    for month, by_activity in counts.items():
        total, *activities = protect(month_table(month, by_activity))
        months.append(JourneyMonth(month, total, activities))
    return Journey(cohort, months)


def cohort_counts(store: duckdb.DuckDBPyConnection, cohort: Cohort) -> dict[int, dict[str, int]]:
    """The true number of persons per main activity, for every month since settlement from 0 to
    the last month anyone in the whole cohort has been observed (at most LAST_MONTH).

    Not for publication: `journey_for` protects it. The months run as far for every filter, so
    that tables of different filters line up; a month nobody in the filtered group reached is
    a row of zeros.
    """
    observed = store.execute(
        "SELECT max(months_since_settlement) FROM person_months "
        "JOIN persons USING (person_key) WHERE settlement_year = $year",
        {"year": cohort.year},
    ).fetchone()
    last = min(LAST_MONTH, observed[0]) if observed and observed[0] is not None else -1
    counts = {month: dict.fromkeys(MAIN_ACTIVITIES, 0) for month in range(last + 1)}
    sql, parameters = _cohort_query(cohort)
    rows = store.execute(
        f"""WITH cohort AS ({sql})
        SELECT months_since_settlement, main_activity, count(*)
        FROM person_months JOIN cohort USING (person_key)
        WHERE months_since_settlement <= $last
        GROUP BY months_since_settlement, main_activity""",
        {**parameters, "last": last},
    ).fetchall()
    for month, activity, persons in rows:
        counts[month][activity] += persons
    return counts


def month_table(month: int, by_activity: dict[str, int]) -> list[Cell]:
    """One month since settlement as a table for `protect`: the total and every activity."""

    def cell(breakdown: str, group: str, persons: int) -> Cell:
        return Cell(
            indicator=JOURNEY,
            period=str(month),
            breakdown=breakdown,
            group=group,
            unit=Unit.COUNT,
            value=float(persons),
            numerator=None,
            denominator=None,
        )

    total = cell(TOTAL, TOTAL, sum(by_activity.values()))
    return [total, *(cell(ACTIVITY_BREAKDOWN, a, by_activity[a]) for a in MAIN_ACTIVITIES)]


def journey_code(build_id: int, person_key: int, key: bytes | None = None) -> str:
    digest = hmac.new(key or _code_key(), f"{build_id}:{person_key}".encode(), hashlib.sha256)
    return CODE_PREFIX + digest.hexdigest()[:CODE_HEX_DIGITS]


def journey_codes_for(user: User, cohort: Cohort) -> list[str]:
    """The codes of every person in the cohort, sorted: the list an analyst chooses from."""
    _require(user, Action.JOURNEY_OPEN)
    with open_store() as store:
        return sorted(_codes(store, cohort))


def journey_open(*, actor: User, year: int, code: str, purpose: str) -> PersonJourney:
    """One journey of the year's cohort, written to the access log with the person's pseudonym.

    A code that no one in the cohort has, in this build, is not found; so is a person the
    register no longer knows. The log row and the read stand or fall together.
    """
    _require(actor, Action.JOURNEY_OPEN)
    with transaction.atomic(), open_store() as store:
        person_key = _codes(store, Cohort(year)).get(code)
        person = None if person_key is None else Person.objects.filter(pk=person_key).first()
        if person is None:
            raise Http404
        journey = _person_journey(store, person.pk, code)
        access_event_record(
            actor=actor,
            action=events.JOURNEY_OPENED,
            pseudonym=person.pseudonym,
            purpose=purpose,
            detail=code,
        )
    return journey


def _cohort_query(cohort: Cohort) -> tuple[str, dict[str, object]]:
    """The person keys of the cohort. Only the breakdown expressions, which are configuration,
    become SQL; every value chosen on a page is a parameter."""
    conditions = ["settlement_year = $year"]
    parameters: dict[str, object] = {"year": cohort.year}
    for number, (breakdown, group) in enumerate(cohort.filters):
        conditions.append(f"({breakdowns()[breakdown].expression}) = $group{number}")
        parameters[f"group{number}"] = group
    sql = f"SELECT person_key FROM ({_PERSON_FACTS}) AS facts WHERE {' AND '.join(conditions)}"
    return sql, parameters


def _codes(store: duckdb.DuckDBPyConnection, cohort: Cohort) -> dict[str, int]:
    build_id = _build_id(store)
    sql, parameters = _cohort_query(cohort)
    key = _code_key()
    return {
        journey_code(build_id, person_key, key): person_key
        for (person_key,) in store.execute(sql, parameters).fetchall()
    }


def _person_journey(store: duckdb.DuckDBPyConnection, person_key: int, code: str) -> PersonJourney:
    every = breakdowns()
    facts = store.execute(
        f"""SELECT settlement_year, sex, settlement_form, {every[AGE_GROUP].expression}
        FROM ({_PERSON_FACTS}) AS facts WHERE person_key = $person""",
        {"person": person_key},
    ).fetchone()
    assert facts is not None, "every key of the store has a row in persons"
    year, sex, settlement_form, age_group = facts
    rows = store.execute(
        f"""SELECT month, months_since_settlement, main_activity, social_assistance, housing,
            {", ".join(FLAGS)}
        FROM person_months WHERE person_key = $person ORDER BY month""",
        {"person": person_key},
    ).fetchall()
    months = [
        PersonMonth(
            month=month,
            months_since_settlement=since,
            main_activity=activity,
            activities=[flag for flag, on in zip(FLAGS, flags, strict=True) if on],
            social_assistance=assisted,
            housing=housing,
        )
        for month, since, activity, assisted, housing, *flags in rows
    ]
    return PersonJourney(code, year, sex, age_group, settlement_form, months)


def _build_id(store: duckdb.DuckDBPyConnection) -> int:
    """The build of the open file itself, not the newest row: a build may finish meanwhile."""
    row = store.execute("SELECT build_id FROM build_info").fetchone()
    assert row is not None
    return int(row[0])


def _reference_date(store: duckdb.DuckDBPyConnection) -> dt.date:
    row = store.execute("SELECT reference_date FROM build_info").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def _code_key() -> bytes:
    """A key of its own for journey codes, derived from the pseudonym key, so that a code and a
    register pseudonym are never two outputs of the same keyed function."""
    return hmac.new(settings.PSEUDONYM_KEY.encode(), b"journey-code", hashlib.sha256).digest()


def _require(user: User, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied
