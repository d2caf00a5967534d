"""The synthetic municipality: believable newcomer journeys written in the canonical import format.

The generator streams one household at a time to the six canonical files, so a run of any size
holds only one household, the day tables and the register of used test numbers in memory. Every
random draw comes from one `random.Random(seed)` and households are written in the order they are
made, so the same seed and reference date give byte-identical files.

The model and the published figures it is calibrated to are described in
`docs/synthetic-municipality.md`. Times are day ordinals (`date.toordinal`) and months are
`year * 12 + month - 1` throughout: integer arithmetic is what makes a million persons affordable.
"""

import csv
import math
import os
import random
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from helhetsbild.register.codes import code_list
from helhetsbild.register.identity import COORDINATION_DAY_OFFSET, luhn_check_digit

FIRST_COHORT = 2010
EARLIEST_DATE = date(1900, 1, 1)
# Skatteverket's test personnummer use the födelsenummer 980-999: ten per day and sex.
TEST_SERIES_START = 980
SLOTS_PER_SEX = 10
# A birth date may move this far to find a free personnummer before a samordningsnummer (same
# series, day + 60) is used instead; only sets of several hundred thousand persons get there.
MAX_BIRTH_SHIFT = 30
PROGRESS_EVERY = 50_000
YEAR = 365.25
MONTH = YEAR / 12
OPEN_END = 10**7  # an ordinal far beyond any reference date: "still going"
ESTABLISHMENT_REFORM = date(2010, 12, 1).toordinal()
TEMPORARY_LAW = date(2016, 7, 20).toordinal()  # temporary permits became the main rule
UPPER_SECONDARY_LAW = date(2018, 7, 1).toordinal()  # the first gymnasielagen permits

HEADERS = {
    "personer.csv": (
        "personnummer",
        "kön",
        "födelsedatum",
        "utbildningsnivå",
        "ensamkommande",
        "tidigare samordningsnummer",
    ),
    "uppehallstillstand.csv": ("personnummer", "beslutsdatum", "typ", "grund"),
    "mottagande.csv": (
        "personnummer",
        "folkbokföringsdatum",
        "mottagandeform",
        "hushåll",
        "utflyttningsdatum",
    ),
    "insatser.csv": ("personnummer", "insats", "startdatum", "slutdatum", "detalj"),
    "sfi.csv": ("personnummer", "studieväg", "kurs", "startdatum", "slutdatum", "betyg"),
    "forsorjningsstod.csv": ("hushåll", "personnummer", "månad", "belopp"),
}

# Relative number of newly settled households by year: the national shape of kommunmottagna,
# with the 2016 peak (approximate; see the docs). Later years keep the last weight.
COHORT_WEIGHTS = {
    2010: 16, 2011: 17, 2012: 21, 2013: 30, 2014: 42, 2015: 55, 2016: 100, 2017: 45,
    2018: 32, 2019: 24, 2020: 16, 2021: 13, 2022: 11, 2023: 10, 2024: 9, 2025: 8,
}  # fmt: skip
LATER_COHORT_WEIGHT = 8

# Household types and their weights by settlement year of the household's first member.
HOUSEHOLD_TYPES = (
    "single",
    "couple",
    "family",
    "single_parent",
    "reunification",
    "unaccompanied",
    "upper_secondary_law",
)
BASE_HOUSEHOLD_MIX = (32, 6, 28, 9, 12, 3, 0)
HOUSEHOLD_MIX_BY_YEAR = {
    2015: (34, 4, 26, 8, 17, 14, 0),
    2016: (34, 4, 26, 8, 18, 16, 0),
    2017: (30, 5, 30, 9, 14, 6, 0),
    2018: (28, 5, 28, 9, 12, 3, 12),
    2019: (28, 5, 28, 9, 12, 2, 16),
    2020: (30, 5, 30, 9, 12, 2, 3),
}
# Share of households assigned by Migrationsverket (anvisade), the rest settle on their own (EBO).
ASSIGNED_SHARE_BY_YEAR = {2015: 0.40, 2016: 0.42, 2017: 0.52}
ASSIGNED_SHARE_BEFORE_PEAK = 0.36
ASSIGNED_SHARE_AFTER_PEAK = 0.55

AGE_BANDS = ((18, 25), (25, 35), (35, 45), (45, 55), (55, 65), (65, 75))
SINGLE_AGE_WEIGHTS = (30, 40, 17, 8, 4, 1)
PARENT_AGE_WEIGHTS = (8, 42, 34, 12, 4, 0)
CHILD_COUNT_WEIGHTS = (36, 32, 17, 9, 6)  # 1..5 children

EDUCATION_LEVELS = ("pre_upper_secondary", "upper_secondary", "post_secondary", "unknown")
EDUCATION_WEIGHTS = {"K": (44, 24, 20, 12), "M": (38, 28, 22, 12)}
# Relative chance of work by education (after ten years Ekonomifakta reports 35-46 % for the
# low-educated and about 60 % for those with post-secondary education); together with the age
# factor they average about 1 over adults, so that the population follows the target curve.
EDUCATION_WORK_FACTOR = {
    "pre_upper_secondary": 0.85,
    "upper_secondary": 1.10,
    "post_secondary": 1.32,
    "unknown": 0.96,
    "": 1.0,
}

# Target share in work by full years since settlement, for persons aged 20-64 (see the docs):
# 43 % of men and 26 % of women after five years, half of all after eight, about 68 % after 20.
EMPLOYMENT_TARGET = {
    "M": ((0, 0.0), (1, 0.10), (2, 0.20), (3, 0.29), (4, 0.37), (5, 0.43), (6, 0.48), (8, 0.56),
          (10, 0.62), (12, 0.64), (15, 0.66), (20, 0.68), (30, 0.70)),
    "K": ((0, 0.0), (1, 0.04), (2, 0.09), (3, 0.15), (4, 0.20), (5, 0.26), (6, 0.32), (8, 0.43),
          (10, 0.50), (12, 0.54), (15, 0.60), (20, 0.68), (30, 0.70)),
}  # fmt: skip
# Once attached to the labour market a person alternates between jobs and gaps, started in the
# steady state, so that the share in work is exactly the attached share times EMPLOYED_SHARE at
# every duration; the attachment curve is the target divided by it.
EMPLOYED_SHARE = 0.88
JOB_DAYS = 1000  # mean length of a job
GAP_DAYS = JOB_DAYS * (1 - EMPLOYED_SHARE) / EMPLOYED_SHARE

SFI_COURSES = "ABCD"
SFI_COURSE_DAYS = {"1": (150, 300), "2": (100, 220), "3": (70, 150)}
SFI_DROPOUT = {"1": 0.25, "2": 0.19, "3": 0.12}
SFI_GRADES = {"1": (4, 8, 18, 24, 46), "2": (8, 12, 24, 24, 32), "3": (16, 20, 26, 20, 18)}

# Riksnorm 2019 for a child by age (upper limits), kr per month; the last band catches rounding.
CHILD_NORM = ((4, 2120), (11, 2900), (15, 3500), (math.inf, 3910))


Row = tuple[str, ...]  # one line of a canonical file


class CapacityError(ValueError):
    """The test personnummer series cannot hold this many persons."""


class Vocabulary:
    """The canonical file values of codes.toml, so that the generator never spells a code itself."""

    def __init__(self) -> None:
        self.sex = code_list("sex").values
        self.education = {**code_list("education_level").values, "": ""}
        self.yes_no = code_list("yes_no").values
        self.permit_type = code_list("permit_type").values
        self.ground = code_list("permit_ground").values
        self.form = code_list("settlement_form").values
        self.episode = code_list("episode_kind").values
        self.grade = code_list("sfi_grade").values


class Calendar:
    """Every day and month from 1900 to the reference date as text and month number, made once:
    formatting and date arithmetic would otherwise dominate a large run."""

    def __init__(self, as_of: date) -> None:
        self.first = EARLIEST_DATE.toordinal()
        self.last = as_of.toordinal()
        days = [EARLIEST_DATE + timedelta(days=n) for n in range(self.last - self.first + 1)]
        self.iso = [day.isoformat() for day in days]
        self.compact = [text.replace("-", "") for text in self.iso]
        self.months = [day.year * 12 + day.month - 1 for day in days]
        self.first_month = self.months[0]
        self.last_month = self.months[-1]
        # One month more than the range, so that every month in it has an end.
        months = range(self.first_month, self.last_month + 2)
        self.starts = [date(month // 12, month % 12 + 1, 1).toordinal() for month in months]
        self.month_texts = [f"{month // 12}-{month % 12 + 1:02d}" for month in months]

    def text(self, ordinal: int) -> str:
        return self.iso[ordinal - self.first]

    def month_of(self, ordinal: int) -> int:
        return self.months[ordinal - self.first]

    def month_start(self, month: int) -> int:
        return self.starts[month - self.first_month]

    def month_text(self, month: int) -> str:
        return self.month_texts[month - self.first_month]

    def first_month_from(self, ordinal: int) -> int:
        """The first month that begins on or after a day; clamped to one month either side of
        the range."""
        if ordinal <= self.first:
            return self.first_month
        if ordinal > self.last:
            return self.last_month + 1
        month = self.month_of(ordinal)
        return month if self.month_start(month) == ordinal else month + 1


def add_years(ordinal: int, years: int) -> int:
    """The anniversary of a day; 29 February falls on 1 March in a common year."""
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return date(day.year + years, 3, 1).toordinal()


class _NextFree:
    """Union-find over days: `find(i)` is the first day at or after i with a free number."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size + 1))  # index `size` means "none left"

    def find(self, index: int) -> int:
        parent = self.parent
        root = index
        while parent[root] != root:
            root = parent[root]
        while parent[index] != root:
            parent[index], index = root, parent[index]
        return root

    def close(self, index: int) -> None:
        self.parent[index] = index + 1


class NumberSeries:
    """The used test numbers of one kind, ten per day and sex, in a few hundred kilobytes.

    A day that is full sends the person to the nearest day with a free number, as Skatteverket
    does when a birth date's numbers run out, without ever going after `latest` (the person must
    be born before they settle) or before 1900.
    """

    def __init__(self, calendar: Calendar) -> None:
        self.first = calendar.first
        self.size = calendar.last - calendar.first + 1
        self.used = {sex: bytearray(self.size) for sex in "KM"}
        self.forward = {sex: _NextFree(self.size) for sex in "KM"}
        self.backward = {sex: _NextFree(self.size) for sex in "KM"}

    def take(self, sex: str, preferred: int, latest: int) -> tuple[int, int]:
        """Reserve a number near `preferred`; returns the birth date and the födelsenummer."""
        day = self.nearest(sex, preferred, latest)
        if day is None:
            raise CapacityError(
                f"testnummerserien 980-999 har inga lediga nummer kvar för kön {sex}; "
                "minska antalet personer (se docs/synthetic-municipality.md)"
            )
        return day, self._reserve(sex, day - self.first)

    def nearest(self, sex: str, preferred: int, latest: int) -> int | None:
        """The day nearest `preferred`, not after `latest`, with a free number; None if none."""
        latest_index = min(latest - self.first, self.size - 1)
        index = max(0, min(preferred - self.first, latest_index))
        after = self.forward[sex].find(index)
        mirrored = self.backward[sex].find(self.size - 1 - index)
        candidates = []
        if after <= latest_index:
            candidates.append((after - index, after))
        if mirrored < self.size:
            before = self.size - 1 - mirrored
            candidates.append((index - before, before))
        if not candidates:
            return None
        return min(candidates)[1] + self.first

    def take_exact(self, sex: str, ordinal: int) -> int | None:
        """Reserve a number on exactly this day, or None if the day is full."""
        day = ordinal - self.first
        if self.used[sex][day] >= SLOTS_PER_SEX:
            return None
        return self._reserve(sex, day)

    def _reserve(self, sex: str, day: int) -> int:
        count = self.used[sex][day]
        self.used[sex][day] = count + 1
        if count + 1 == SLOTS_PER_SEX:
            self.forward[sex].close(day)
            self.backward[sex].close(self.size - 1 - day)
        return TEST_SERIES_START + 2 * count + (1 if sex == "M" else 0)


def personnummer(compact_date: str, serial: int) -> str:
    """YYYYMMDD-NNNC with Skatteverket's check digit over the last ten digits less the last."""
    check = luhn_check_digit(compact_date[2:] + str(serial))
    return f"{compact_date}-{serial}{check}"


def coordination_number(compact_date: str, serial: int) -> str:
    """The samordningsnummer form of the same birth date: day plus 60."""
    day = int(compact_date[6:8]) + COORDINATION_DAY_OFFSET
    return personnummer(f"{compact_date[:6]}{day}", serial)


def capacity(as_of: date) -> int:
    """How many persons the test series can hold at most: 20 personnummer and 20
    samordningsnummer for every day since 1900."""
    return 2 * 2 * SLOTS_PER_SEX * (as_of.toordinal() - EARLIEST_DATE.toordinal() + 1)


@dataclass(slots=True)
class Episode:
    kind: str  # episode_kind code
    start: int
    end: int  # OPEN_END when it has no planned end
    detail: str = ""
    outcome: str = ""  # written only if the episode ends as planned


@dataclass(slots=True)
class Course:
    path: str
    course: str
    start: int
    end: int
    grade: str  # sfi_grade code


@dataclass(slots=True)
class Person:
    number: str
    sex: str
    birth: int
    settled: int
    form: str
    ground: str
    education: str
    unaccompanied: bool
    predecessor: str = ""
    adult_from: int = 0  # 18th birthday
    permits: list[tuple[int, str, str]] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    work: list[tuple[int, int]] = field(default_factory=list)
    programme: tuple[int, int] = (0, -1)  # empty unless in the establishment programme
    placed_until: int = 0


@dataclass(slots=True)
class Household:
    ident: str
    form: str
    moved_out: int | None
    quota: bool  # kvotflyktingar: permanent permits even under the temporary law
    members: list[Person] = field(default_factory=list)
    decisions: dict[int, int] = field(default_factory=dict)  # arrival day -> permit decision day
    assistance: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """One member as the household plan sees them, before they get a number."""

    sex: str
    age: float
    delay: int  # days after the household's first settlement
    ground: str
    unaccompanied: bool = False


class World:
    """What stays fixed during a run: the reference date, its calendar and the tables drawn from."""

    def __init__(self, as_of: date) -> None:
        self.calendar = Calendar(as_of)
        self.numbers = NumberSeries(self.calendar)
        self.coordination = NumberSeries(self.calendar)
        self.vocabulary = Vocabulary()
        self.years, self.year_weights = self._cohorts(as_of)
        self.work_curve = {sex: _monthly_curve(knots) for sex, knots in EMPLOYMENT_TARGET.items()}

    def take_number(self, sex: str, preferred: int, latest: int) -> tuple[int, int, bool]:
        """A personnummer near the preferred birth date; past national scale, when the nearest
        free personnummer would move the birth date more than `MAX_BIRTH_SHIFT` days and a
        samordningsnummer lies closer, that instead (birth date, serial, is samordningsnummer)."""
        day = self.numbers.nearest(sex, preferred, latest)
        if day is None or abs(day - preferred) > MAX_BIRTH_SHIFT:
            near = self.coordination.nearest(sex, preferred, latest)
            if near is not None and (day is None or abs(near - preferred) < abs(day - preferred)):
                return *self.coordination.take(sex, near, near), True
        return *self.numbers.take(sex, preferred, latest), False

    @staticmethod
    def _cohorts(as_of: date) -> tuple[list[int], list[float]]:
        """Settlement years and their weights; the current year only for the part that is past."""
        years = list(range(FIRST_COHORT, as_of.year + 1))
        weights = [float(COHORT_WEIGHTS.get(year, LATER_COHORT_WEIGHT)) for year in years]
        weights[-1] *= as_of.timetuple().tm_yday / 365
        return years, weights


def _monthly_curve(knots: tuple[tuple[int, float], ...]) -> list[float]:
    """The target share in work for every month since settlement, by linear interpolation."""
    curve = []
    for month in range(12 * knots[-1][0] + 1):
        years = month / 12
        for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
            if x0 <= years <= x1:
                curve.append(y0 + (y1 - y0) * (years - x0) / (x1 - x0))
                break
    return curve


def generate(
    persons: int,
    seed: int,
    out_dir: Path,
    as_of: date,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the six canonical files for `persons` persons into `out_dir`; rows per file.

    `progress` is called with the number of persons written every PROGRESS_EVERY persons.
    """
    _check_request(persons, as_of)
    rng = random.Random(seed)
    world = World(as_of)
    made = 0
    household_number = 0
    with CanonicalFiles(Path(out_dir)) as files:
        while made < persons:
            household_number += 1
            household = make_household(rng, world, f"H{household_number:07d}", persons - made)
            files.write_household(world, household)
            before, made = made, made + len(household.members)
            if progress and made // PROGRESS_EVERY > before // PROGRESS_EVERY:
                progress(made)
    return files.counts


def _check_request(persons: int, as_of: date) -> None:
    if persons < 0:
        raise ValueError("antalet personer kan inte vara negativt")
    if as_of.year < FIRST_COHORT:
        raise ValueError(f"referensdatumet måste ligga år {FIRST_COHORT} eller senare")
    if persons > capacity(as_of):
        raise CapacityError(
            f"testnummerserierna 980-999 rymmer högst {capacity(as_of)} personer "
            f"med födelsedatum 1900-01-01--{as_of.isoformat()}"
        )


class CanonicalFiles:
    """The six writers; the files get their real names only when the whole run has succeeded,
    so an interrupted run never leaves a half file that looks complete."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.counts = dict.fromkeys(HEADERS, 0)

    def __enter__(self) -> "CanonicalFiles":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.handles = {
            name: open(self._part(name), "w", encoding="utf-8", newline="")  # noqa: SIM115
            for name in HEADERS
        }
        self.writers = {
            name: csv.writer(handle, delimiter=";", lineterminator="\n")
            for name, handle in self.handles.items()
        }
        for name, header in HEADERS.items():
            self.writers[name].writerow(header)
        return self

    def __exit__(self, exc_type: type | None, *_: object) -> None:
        for handle in self.handles.values():
            handle.close()
        for name in HEADERS:
            if exc_type is None:
                os.replace(self._part(name), self.out_dir / name)
            else:
                self._part(name).unlink(missing_ok=True)

    def _part(self, name: str) -> Path:
        return self.out_dir / f"{name}.part"

    def _rows(self, name: str, rows: list[Row]) -> None:
        self.writers[name].writerows(rows)
        self.counts[name] += len(rows)

    def write_household(self, world: World, household: Household) -> None:
        calendar, words = world.calendar, world.vocabulary
        stop = household.moved_out or calendar.last
        moved_text = calendar.text(household.moved_out) if household.moved_out else ""
        people: list[Row] = []
        permits: list[Row] = []
        settlements: list[Row] = []
        episodes: list[Row] = []
        courses: list[Row] = []
        for person in household.members:
            number = person.number
            people.append((
                number,
                words.sex[person.sex],
                calendar.text(person.birth),
                words.education[person.education],
                words.yes_no["yes" if person.unaccompanied else "no"],
                person.predecessor,
            ))  # fmt: skip
            for decided, kind, ground in person.permits:
                if decided <= stop:
                    decision = calendar.text(decided)
                    permits.append(
                        (number, decision, words.permit_type[kind], words.ground[ground])
                    )
            settlements.append((
                number,
                calendar.text(person.settled),
                words.form[person.form],
                household.ident,
                moved_text,
            ))  # fmt: skip
            episodes.extend(_episode_rows(world, household, person, stop))
            courses.extend(_course_rows(world, household, person, stop))
        self._rows("personer.csv", people)
        self._rows("uppehallstillstand.csv", permits)
        self._rows("mottagande.csv", settlements)
        self._rows("insatser.csv", episodes)
        self._rows("sfi.csv", courses)
        self._rows("forsorjningsstod.csv", household.assistance)


def _episode_rows(world: World, household: Household, person: Person, stop: int) -> Iterator[Row]:
    """Episodes as the municipality sees them on the reference date: cut at moving out,
    open (no slutdatum) if still going."""
    calendar, kinds = world.calendar, world.vocabulary.episode
    for episode in person.episodes:
        if episode.start > stop:
            continue
        detail = episode.detail
        if episode.end <= stop:
            end = calendar.text(episode.end)
            outcome = episode.outcome
        elif household.moved_out:
            end, outcome = calendar.text(household.moved_out), "utflyttad"
        else:
            end, outcome = "", ""
        if outcome:
            detail = f"{detail}, {outcome}" if detail else outcome
        yield person.number, kinds[episode.kind], calendar.text(episode.start), end, detail


def _course_rows(world: World, household: Household, person: Person, stop: int) -> Iterator[Row]:
    calendar, grades = world.calendar, world.vocabulary.grade
    for course in person.courses:
        if course.start > stop:
            continue
        if course.end <= stop:
            end, grade = calendar.text(course.end), grades[course.grade]
        elif household.moved_out:
            end, grade = calendar.text(household.moved_out), grades["dropped_out"]
        else:
            end, grade = "", ""
        yield person.number, course.path, course.course, calendar.text(course.start), end, grade


# --- households -------------------------------------------------------------------------------


def make_household(rng: random.Random, world: World, ident: str, room: int) -> Household:
    """A household with its members' identities and journeys; at most `room` members."""
    year = rng.choices(world.years, world.year_weights)[0]
    settled = _day_in_year(rng, world, year)
    kind = rng.choices(HOUSEHOLD_TYPES, _household_mix(world, year))[0]
    if kind == "upper_secondary_law":
        late = max(settled, UPPER_SECONDARY_LAW + rng.randint(60, 240))
        settled = min(late, world.calendar.last)
    form = _settlement_form(rng, kind, year)
    moved_out = _moving_out(rng, world, settled, form)
    plans = _plan_members(rng, kind, settled)
    quota = form == "assigned" and kind != "unaccompanied" and rng.random() < 0.1
    household = Household(ident, form, moved_out, quota)
    for plan in plans[:room]:
        arrival = settled + plan.delay
        if arrival > world.calendar.last or (moved_out is not None and arrival >= moved_out):
            continue
        household.members.append(_make_person(rng, world, plan, arrival, form))
        if arrival not in household.decisions:
            household.decisions[arrival] = arrival - _decision_lag(rng, plan, form, quota)
    for person in household.members:
        _make_journey(rng, world, household, person)
    household.assistance = list(assistance_rows(rng, world, household))
    return household


def _day_in_year(rng: random.Random, world: World, year: int) -> int:
    first = date(year, 1, 1).toordinal()
    last = min(date(year, 12, 31).toordinal(), world.calendar.last)
    return rng.randint(first, last)


def _household_mix(world: World, year: int) -> tuple[int, ...]:
    """The year's mix; no upper-secondary-law group until two months after the law's first permits,
    so that their folkbokföring always follows a permit."""
    mix = HOUSEHOLD_MIX_BY_YEAR.get(year, BASE_HOUSEHOLD_MIX)
    if world.calendar.last < UPPER_SECONDARY_LAW + 60:
        return (*mix[:-1], 0)
    return mix


def _settlement_form(rng: random.Random, kind: str, year: int) -> str:
    """Unaccompanied minors are assigned; the upper-secondary-law group is never assigned."""
    if kind == "unaccompanied":
        return "assigned"
    if kind == "upper_secondary_law":
        return "self_settled"
    if year in ASSIGNED_SHARE_BY_YEAR:
        share = ASSIGNED_SHARE_BY_YEAR[year]
    else:
        share = ASSIGNED_SHARE_BEFORE_PEAK if year < 2015 else ASSIGNED_SHARE_AFTER_PEAK
    return "assigned" if rng.random() < share else "self_settled"


def _moving_out(rng: random.Random, world: World, settled: int, form: str) -> int | None:
    """Onward moves are most common in the first two years, above all for assigned households."""
    early_rate = 0.10 if form == "assigned" else 0.05
    years = rng.expovariate(early_rate)
    if years > 2:
        years = 2 + rng.expovariate(0.03)
    day = settled + 1 + int(years * YEAR)
    return day if day <= world.calendar.last else None


def _plan_members(rng: random.Random, kind: str, settled: int) -> list[Plan]:
    ground = "protection" if rng.random() < 0.96 else "other"
    if kind == "single":
        sex = "M" if rng.random() < _single_men_share(settled) else "K"
        return [Plan(sex, _age(rng, SINGLE_AGE_WEIGHTS), 0, ground)]
    if kind == "unaccompanied":
        return [_unaccompanied_plan(rng)]
    if kind == "upper_secondary_law":
        sex = "M" if rng.random() < 0.97 else "K"
        return [Plan(sex, rng.uniform(18, 22), 0, "upper_secondary_law")]
    if kind == "single_parent":
        parent = Plan("K" if rng.random() < 0.85 else "M", _age(rng, PARENT_AGE_WEIGHTS), 0, ground)
        return [parent, *_children(rng, parent.age, 0, ground)]
    first, second = _couple(rng, ground)
    if kind == "couple":
        return [first, second]
    if kind == "family":
        return [first, second, *_children(rng, second.age, 0, ground)]
    return _reunification(rng, first, second)


def _single_men_share(settled: int) -> float:
    """More men among those who came alone in the 2015-2016 peak."""
    return 0.84 if date.fromordinal(settled).year in (2015, 2016) else 0.62


def _unaccompanied_plan(rng: random.Random) -> Plan:
    """Mostly boys aged 15-17, as among those who came in 2015."""
    sex = "M" if rng.random() < 0.87 else "K"
    band = rng.choices(((15, 18), (12, 15), (6, 12)), (72, 18, 10))[0]
    ground = "protection" if rng.random() < 0.85 else "other"
    return Plan(sex, rng.uniform(*band), 0, ground, unaccompanied=True)


def _age(rng: random.Random, weights: tuple[int, ...]) -> float:
    low, high = rng.choices(AGE_BANDS, weights)[0]
    return rng.uniform(low, high)


def _couple(rng: random.Random, ground: str) -> tuple[Plan, Plan]:
    """The man first, in most couples a few years older than the woman."""
    woman_age = _age(rng, PARENT_AGE_WEIGHTS)
    man_age = max(18.0, woman_age + rng.uniform(-2, 8))
    return Plan("M", man_age, 0, ground), Plan("K", woman_age, 0, ground)


def _children(rng: random.Random, mother_age: float, delay: int, ground: str) -> list[Plan]:
    count = rng.choices((1, 2, 3, 4, 5), CHILD_COUNT_WEIGHTS)[0]
    oldest = max(0.1, min(18.0, mother_age - 17))
    return [Plan(rng.choice("KM"), rng.uniform(0, oldest), delay, ground) for _ in range(count)]


def _reunification(rng: random.Random, anchor: Plan, partner: Plan) -> list[Plan]:
    """The anchor settles first; spouse and children follow as relatives a year or two later."""
    if rng.random() < 0.12:
        anchor, partner = partner, anchor
    delay = rng.randint(240, 900)
    partner.delay, partner.ground = delay, "relative"
    partner.age += delay / YEAR
    mother_age = partner.age if partner.sex == "K" else anchor.age
    children = _children(rng, mother_age, delay, "relative") if rng.random() < 0.85 else []
    return [anchor, partner, *children]


def _decision_lag(rng: random.Random, plan: Plan, form: str, quota: bool) -> int:
    """Days from the permit decision to folkbokföring: long for those who wait in Migrationsverket's
    housing for an assignment or are selected abroad, short for those who find a home themselves."""
    if plan.ground == "relative":
        return rng.randint(20, 120)
    if quota:
        return rng.randint(60, 300)
    if form == "assigned" and not plan.unaccompanied:
        return rng.randint(30, 200)
    return rng.randint(5, 60)


def _make_person(rng: random.Random, world: World, plan: Plan, arrival: int, form: str) -> Person:
    preferred = arrival - int(plan.age * YEAR)
    birth, serial, coordinated = world.take_number(plan.sex, preferred, arrival)
    compact = world.calendar.compact[birth - world.calendar.first]
    adult = (arrival - birth) / YEAR >= 18
    education = ""
    if adult:
        weights = EDUCATION_WEIGHTS[plan.sex]
        education = rng.choices(EDUCATION_LEVELS, weights)[0]
    person = Person(
        number=(coordination_number if coordinated else personnummer)(compact, serial),
        sex=plan.sex,
        birth=birth,
        settled=arrival,
        form="self_settled" if plan.ground == "relative" else form,
        ground=plan.ground,
        education=education,
        unaccompanied=plan.unaccompanied,
        adult_from=add_years(birth, 18),
    )
    if adult and not coordinated and rng.random() < 0.04:
        person.predecessor = _predecessor(world, person, compact)
    return person


def _predecessor(world: World, person: Person, compact: str) -> str:
    """A samordningsnummer held before folkbokföring, on the same birth date, if one is free."""
    serial = world.coordination.take_exact(person.sex, person.birth)
    return "" if serial is None else coordination_number(compact, serial)


# --- journeys ---------------------------------------------------------------------------------


def _make_journey(rng: random.Random, world: World, household: Household, person: Person) -> None:
    """Permits, episodes and sfi courses of one person, planned to their natural ends."""
    age = (person.settled - person.birth) / YEAR
    earliest_work = max(person.adult_from, _youth(rng, person, age))
    person.work = _work(rng, world, person, age, earliest_work)
    _work_episodes(rng, person)
    work_start = person.work[0][0] if person.work else OPEN_END
    ready = person.settled
    if person.ground != "upper_secondary_law" and not person.unaccompanied and age >= 18:
        ready = _adult_introduction(rng, household, person, age, work_start)
    if 18 <= age < 65 and person.ground != "upper_secondary_law":
        ready = _studies(rng, person, age, ready, work_start)
        _labour_measures(rng, person, ready, work_start)
    _housing(rng, household, person)
    person.permits = _permits(rng, household, person)


def _youth(rng: random.Random, person: Person, age: float) -> int:
    """Placements and schooling of the young; returns the first day they could take a job."""
    if person.ground == "upper_secondary_law":
        start = person.settled + rng.randint(0, 45)
        end = start + rng.randint(600, 1100)
        person.episodes.append(Episode("studies", start, end, "gymnasium", "examen"))
        return end + 1
    if person.unaccompanied:
        _placements(rng, person)
    if not 13 <= age < 20 or (age >= 18 and not person.unaccompanied):
        return person.settled
    start = max(person.settled + rng.randint(14, 60), add_years(person.birth, 16))
    end = max(start + 180, add_years(person.birth, 19) + rng.randint(0, 600))
    person.episodes.append(Episode("studies", start, end, "språkintroduktion", "avslutad"))
    return end + 1


def _placements(rng: random.Random, person: Person) -> None:
    """HVB, family home or supported housing until 18, for some extended towards 21."""
    start = person.settled
    end = person.adult_from - 1
    if rng.random() < 0.3:
        end = add_years(person.birth, 19) + rng.randint(0, 700)
    end = max(end, start)
    kind = rng.choices(("HVB", "familjehem", "stödboende"), (55, 30, 15))[0]
    if kind == "HVB" and end - start > 400 and rng.random() < 0.5:
        switch = rng.randint(start + 180, end - 180)
        person.episodes.append(Episode("placement", start, switch - 1, "HVB", "avslutad"))
        start, kind = switch, "stödboende"
    person.episodes.append(Episode("placement", start, end, kind, "avslutad"))
    person.placed_until = end


def _work(
    rng: random.Random, world: World, person: Person, age: float, earliest: int
) -> list[tuple[int, int]]:
    """Jobs and gaps from the day the person becomes attached to the labour market, a day drawn
    from the calibrated curve, until 65."""
    factor = EDUCATION_WORK_FACTOR[person.education] * _age_work_factor(age)
    level = rng.random() * EMPLOYED_SHARE / factor
    curve = world.work_curve[person.sex]
    month = bisect_left(curve, level)
    if month == len(curve):
        return []
    day = max(person.settled + int((month - rng.random()) * MONTH), earliest, person.settled)
    retire = add_years(person.birth, 65)
    horizon = min(world.calendar.last, retire)
    working = rng.random() < EMPLOYED_SHARE
    spells = []
    while day <= horizon:
        length = int(rng.expovariate(1 / (JOB_DAYS if working else GAP_DAYS)))
        if working:
            spells.append((day, min(day + length, retire)))
        day += length + 1
        working = not working
    return spells


def _age_work_factor(age: float) -> float:
    """Those who arrive after 50 seldom find work before retirement."""
    if age >= 60:
        return 0.2
    if age >= 55:
        return 0.5
    return 0.8 if age >= 50 else 1.0


def _adult_introduction(
    rng: random.Random, household: Household, person: Person, age: float, work_start: int
) -> int:
    """Establishment programme, civic orientation and sfi; returns when the person is through."""
    _civic_orientation(rng, person, age)
    _sfi(rng, person)
    programme_end = _programme(rng, household, person, age, work_start)
    return programme_end or person.settled + rng.randint(400, 800)


def _work_episodes(rng: random.Random, person: Person) -> None:
    for index, (start, end) in enumerate(person.work):
        if index == 0:
            detail = rng.choice(
                ("visstidsanställning", "extratjänst", "introduktionsjobb", "nystartsjobb")
            )
        else:
            detail = rng.choices(
                ("tillsvidareanställning", "visstidsanställning", "eget företag"), (6, 3, 1)
            )[0]
        person.episodes.append(Episode("employment", start, end, detail))


def _programme(
    rng: random.Random, household: Household, person: Person, age: float, work_start: int
) -> int | None:
    """Arbetsförmedlingen's programme for ages 20-64 (and 18-19 alone), at most 24 months."""
    alone = len(household.members) == 1
    eligible = 20 <= age < 65 or (18 <= age < 20 and alone)
    start = person.settled + rng.randint(10, 75)
    if not eligible or person.settled < ESTABLISHMENT_REFORM or work_start <= start:
        return None
    if rng.random() > 0.92:
        return None
    end, outcome = start + 729, "24 månader"
    if work_start <= end:
        end, outcome = work_start - 1, "arbete"
    elif rng.random() < 0.06:
        end, outcome = start + rng.randint(60, 700), "avbrott"
    person.episodes.append(Episode("establishment_programme", start, end, "", outcome))
    person.programme = (start, end)
    if rng.random() < 0.3:
        internship = start + rng.randint(180, 500)
        if internship + 30 < end:
            stop = min(end, internship + rng.randint(30, 120))
            person.episodes.append(Episode("internship", internship, stop, "", "avslutad"))
    return end


def _civic_orientation(rng: random.Random, person: Person, age: float) -> None:
    """Civic orientation for ages 18-64, mostly finished within a year of settlement."""
    if age >= 65 or rng.random() > 0.88:
        return
    delay = rng.randint(30, 240) if rng.random() < 0.85 else rng.randint(240, 500)
    start = person.settled + delay
    if rng.random() < 0.9:
        episode = Episode("civic_orientation", start, start + rng.randint(50, 140), "", "genomförd")
    else:
        episode = Episode("civic_orientation", start, start + rng.randint(10, 60), "", "avbruten")
    person.episodes.append(episode)


def _sfi(rng: random.Random, person: Person) -> None:
    """Courses from the study path's first course to D, with grades, fails, drop-outs, returns."""
    if rng.random() > (0.9 if person.education == "post_secondary" else 0.84):
        return
    path = _study_path(rng, person.education)
    course_index = SFI_COURSES.index(_first_course(rng, path))
    start = person.settled + rng.randint(20, 150)
    attempts = 0
    while course_index < len(SFI_COURSES) and attempts < 7:
        attempts += 1
        low, high = SFI_COURSE_DAYS[path]
        end = start + rng.randint(low, high)
        dropout = SFI_DROPOUT[path] + (0.05 if person.sex == "K" else 0.0)
        if rng.random() < dropout:
            end = start + rng.randint(20, (end - start))
            person.courses.append(
                Course(path, SFI_COURSES[course_index], start, end, "dropped_out")
            )
            if rng.random() > 0.35:
                return
            start = end + rng.randint(60, 400)
            continue
        grade = rng.choices("ABCDEF", (*SFI_GRADES[path], 14))[0]
        person.courses.append(Course(path, SFI_COURSES[course_index], start, end, grade))
        if grade == "F":
            if rng.random() > 0.6:
                return
        elif rng.random() < 0.92:
            course_index += 1
        else:
            return
        start = end + rng.randint(1, 40)


def _study_path(rng: random.Random, education: str) -> str:
    weights = {
        "pre_upper_secondary": (70, 28, 2),
        "upper_secondary": (15, 70, 15),
        "post_secondary": (3, 22, 75),
        "unknown": (50, 45, 5),
    }[education]
    return rng.choices("123", weights)[0]


def _first_course(rng: random.Random, path: str) -> str:
    choices = {"1": ("AB", (60, 40)), "2": ("BC", (80, 20)), "3": ("CD", (85, 15))}[path]
    return rng.choices(*choices)[0]


def _studies(rng: random.Random, person: Person, age: float, ready: int, work_start: int) -> int:
    """Adult education or university for some, always finished before the first job."""
    chance = {"post_secondary": 0.25, "upper_secondary": 0.22, "pre_upper_secondary": 0.14}
    if age >= 50 or rng.random() > chance.get(person.education, 0.1):
        return ready
    start = ready + rng.randint(0, 240)
    end = min(start + rng.randint(180, 1000), work_start - 1)
    if end - start < 120:
        return ready
    detail = {"post_secondary": "högskola", "upper_secondary": "yrkesvux"}
    person.episodes.append(
        Episode("studies", start, end, detail.get(person.education, "komvux"), "avslutad")
    )
    return end + 1


def _labour_measures(rng: random.Random, person: Person, ready: int, work_start: int) -> None:
    """The municipal labour-market unit's chain kartläggning -> rusta -> matcha (-> praktik),
    for those still without work; it stops when the first job begins."""
    start = ready + rng.randint(0, 90)
    if work_start <= start + 60 or rng.random() > 0.55:
        return
    for kind, low, high in (("mapping", 30, 75), ("preparing", 90, 300), ("matching", 60, 200)):
        end = min(start + rng.randint(low, high), work_start - 1)
        person.episodes.append(Episode(kind, start, end, "", "avslutad"))
        if end == work_start - 1:
            return
        if kind == "matching" and rng.random() < 0.4:
            internship = start + rng.randint(0, end - start)
            stop = min(internship + rng.randint(30, 120), work_start - 1)
            person.episodes.append(Episode("internship", internship, stop, "", "avslutad"))
        start = end + 1


def _housing(rng: random.Random, household: Household, person: Person) -> None:
    """The municipality's secondhand lease for the household's first adult, and the
    firsthand lease that follows for a share that grows with the settlement year."""
    if person is not household.members[0] or person.unaccompanied:
        return
    year = date.fromordinal(person.settled).year
    if household.form == "assigned":
        if rng.random() < 0.08 + 0.01 * (year - FIRST_COHORT):
            person.episodes.append(Episode("firsthand_lease", person.settled, OPEN_END))
            return
        if rng.random() > 0.85:
            return
        start = person.settled
    elif rng.random() < 0.10:
        start = person.settled + rng.randint(60, 700)
    else:
        return
    end = start + rng.randint(540, 1800)
    converts = rng.random() < min(0.75, 0.3 + 0.04 * (year - FIRST_COHORT))
    outcome = "övergått i förstahandskontrakt" if converts else "avslutat"
    person.episodes.append(Episode("secondhand_lease", start, end, "kommunalt", outcome))
    if converts:
        person.episodes.append(Episode("firsthand_lease", end + 1, OPEN_END))


def _permits(
    rng: random.Random, household: Household, person: Person
) -> list[tuple[int, str, str]]:
    """The first decision, shared by those who arrive together (a baby born later gets its own),
    and, for temporary permits, the later ones."""
    decided = max(household.decisions[person.settled], person.birth)
    if person.ground == "upper_secondary_law":
        return _upper_secondary_permits(rng, person, decided)
    if decided < TEMPORARY_LAW or household.quota:
        return [(decided, "permanent" if rng.random() < 0.95 else "temporary", person.ground)]
    return _temporary_permits(rng, person, decided)


def _temporary_permits(
    rng: random.Random, person: Person, decided: int
) -> list[tuple[int, str, str]]:
    """Temporary permits are renewed until a permanent one, more readily for those in work."""
    permits = [(decided, "temporary", person.ground)]
    length = 3 * 365 if rng.random() < 0.6 else 395
    for _ in range(2):
        decided += length - rng.randint(0, 60)
        working = any(start <= decided <= end for start, end in person.work)
        permanent = rng.random() < (0.7 if working else 0.2)
        permits.append((decided, "permanent" if permanent else "temporary", person.ground))
        if permanent:
            break
        length = 2 * 365
    return permits


def _upper_secondary_permits(
    rng: random.Random, person: Person, decided: int
) -> list[tuple[int, str, str]]:
    """A 13-month permit for studies, a new one after the studies, permanent after work."""
    ground = "upper_secondary_law"
    permits = [(decided, "temporary", ground)]
    studies_end = max(episode.end for episode in person.episodes if episode.kind == "studies")
    permits.append((studies_end + rng.randint(30, 180), "temporary", ground))
    if person.work and rng.random() < 0.7:
        permanent = max(person.work[0][0] + 730, permits[-1][0] + 30) + rng.randint(30, 150)
        permits.append((permanent, "permanent", ground))
    return permits


# --- social assistance ------------------------------------------------------------------------


def assistance_rows(rng: random.Random, world: World, household: Household) -> Iterator[Row]:
    """One row per month the household received försörjningsstöd, paid to an adult of it.

    A household moves between receiving and not receiving month by month: more often in the
    first months, less while someone works or is in the programme, less as the years pass, and
    some households much more than others (long-term dependence).
    """
    calendar = world.calendar
    first = calendar.month_of(household.members[0].settled)
    last = min(calendar.last_month, first + 120)
    if household.moved_out:
        last = min(last, calendar.month_of(household.moved_out))
    working = _months_covered(calendar, first, last, (s for p in household.members for s in p.work))
    programme = _months_covered(calendar, first, last, (p.programme for p in household.members))
    adult_months = [_first_adult_month(calendar, person) for person in household.members]
    propensity = rng.choices((0.35, 1.0, 1.7), (45, 35, 20))[0]
    receiving = False
    for month in range(first, last + 1):
        adults = [p for p, m in zip(household.members, adult_months, strict=True) if m <= month]
        if not adults:
            receiving = False
            continue
        situation = _situation(
            calendar, month, adults[0], working[month - first], programme[month - first]
        )
        share = min(0.95, propensity * _assistance_share(situation, month - first))
        if situation == "work":
            receiving = rng.random() < share
        elif receiving:
            receiving = rng.random() < 0.88
        else:
            receiving = rng.random() < share * 0.12 / (1 - share)
        if receiving:
            children = _children_ages(calendar, household, adult_months, month)
            amount = _amount(rng, month, situation, len(adults), children)
            text = calendar.month_text(month)
            yield household.ident, adults[0].number, text, str(amount)


def _months_covered(
    calendar: Calendar, first: int, last: int, intervals: Iterable[tuple[int, int]]
) -> bytearray:
    """For each month from `first` to `last`, whether an interval covers its 15th."""
    covered = bytearray(last - first + 1)
    for start, end in intervals:
        end = min(end, calendar.last)
        if start > end:
            continue
        low = calendar.first_month_from(start - 14)
        high = calendar.first_month_from(end - 13) - 1
        for month in range(max(low, first), min(high, last) + 1):
            covered[month - first] = 1
    return covered


def _first_adult_month(calendar: Calendar, person: Person) -> int:
    """The first month the person is an adult of the household on its first day: 18, settled by
    the month's end and not in a placement."""
    return max(
        calendar.first_month_from(person.adult_from),
        calendar.month_of(person.settled),
        calendar.first_month_from(person.placed_until + 1),
    )


def _situation(
    calendar: Calendar, month: int, applicant: Person, working: int, in_programme: int
) -> str:
    if working:
        return "work"
    if in_programme:
        return "programme"
    return "waiting" if month - calendar.month_of(applicant.settled) < 2 else "none"


def _children_ages(
    calendar: Calendar, household: Household, adult_months: list[int], month: int
) -> list[float]:
    """Ages of the household's children living with it in a month (not those in placement)."""
    month_first = calendar.month_start(month)
    month_last = calendar.month_start(month + 1) - 1
    return [
        (month_first - person.birth) / YEAR
        for person, adult_month in zip(household.members, adult_months, strict=True)
        if adult_month > month
        and person.settled <= month_last
        and person.placed_until < month_first
    ]


def _assistance_share(situation: str, months_since: int) -> float:
    """The share of households receiving in a month, before the household's own propensity."""
    if situation == "work":
        return 0.03
    if situation == "waiting":
        return 0.45
    if situation == "programme":
        return 0.12
    return 0.32 * math.exp(-months_since / 60)


def _amount(
    rng: random.Random, month: int, situation: str, adults: int, children: list[float]
) -> int:
    """Riksnorm 2019 plus rent, raised 2.5 % a year, less what else comes in."""
    norm = 3090 if adults == 1 else 5570 + 2785 * (adults - 2)
    norm += sum(next(kr for limit, kr in CHILD_NORM if age < limit) for age in children)
    size = adults + len(children)
    norm += min(2220, 990 + 205 * (size - 1)) + min(13000, 4800 + 1200 * (size - 1))
    need = norm * (1 + 0.025 * (month // 12 - 2019))
    covered = {"work": (0.05, 0.35), "programme": (0.1, 0.4), "waiting": (0.8, 1.0)}
    low, high = covered.get(situation, (0.75, 1.0))
    return max(150, round(need * rng.uniform(low, high)))
