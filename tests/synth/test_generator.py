"""The synthetic municipality: files the importer accepts, reproducible, and shaped like the
published figures it is calibrated to (docs/synthetic-municipality.md)."""

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import pytest
from django.core.management import call_command

from helhetsbild.imports.formats import kinds
from helhetsbild.register.codes import code_list
from helhetsbild.register.identity import parse_personnummer
from helhetsbild.synth.generator import (
    HEADERS,
    CapacityError,
    NumberSeries,
    World,
    capacity,
    coordination_number,
    generate,
)

AS_OF = date(2025, 12, 31)
PERSONS = 6000
SEED = 7
TEST_SERIES = range(980, 1000)

# Statistics Sweden, share of foreign-born 20-64 in gainful employment by years in Sweden
# (data/scb/etablering_vistelsetid_lan_kon.csv): unweighted mean of the 21 counties, 2019-2021.
# All foreign-born, labour migrants included: an upper bound for refugees.
SCB_ALL_FOREIGN_BORN = {
    ("M", "0-1"): 0.482,
    ("M", "2-3"): 0.588,
    ("M", "4-9"): 0.654,
    ("M", "10-"): 0.723,
    ("K", "0-1"): 0.272,
    ("K", "2-3"): 0.380,
    ("K", "4-9"): 0.535,
    ("K", "10-"): 0.733,
}
SCB_BANDS = {"0-1": (0, 1), "2-3": (2, 3), "4-9": (4, 9), "10-": (10, 99)}


@dataclass
class Synthetic:
    """The six files of one run, read back as the importer would see them."""

    out: Path
    counts: dict[str, int]
    rows: dict[str, list[dict[str, str]]]

    @classmethod
    def load(cls, out: Path, counts: dict[str, int]) -> "Synthetic":
        rows = {}
        for name in HEADERS:
            with (out / name).open(encoding="utf-8", newline="") as handle:
                rows[name] = list(csv.DictReader(handle, delimiter=";"))
        return cls(out, counts, rows)

    @cached_property
    def persons(self) -> dict[str, dict[str, str]]:
        return {row["personnummer"]: row for row in self.rows["personer.csv"]}

    @cached_property
    def settlements(self) -> dict[str, dict[str, str]]:
        return {row["personnummer"]: row for row in self.rows["mottagande.csv"]}

    def episodes(self, kind: str) -> list[dict[str, str]]:
        return [row for row in self.rows["insatser.csv"] if row["insats"] == kind]

    @cached_property
    def work(self) -> dict[str, list[tuple[date, date]]]:
        spells = defaultdict(list)
        for row in self.episodes("arbete"):
            end = day(row["slutdatum"]) if row["slutdatum"] else date.max
            spells[row["personnummer"]].append((day(row["startdatum"]), end))
        return spells


def day(text: str) -> date:
    return date.fromisoformat(text)


def anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def month_start(text: str) -> date:
    year, month = map(int, text.split("-"))
    return date(year, month, 1)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    out = tmp_path_factory.mktemp("synth")
    return Synthetic.load(out, generate(PERSONS, SEED, out, AS_OF))


# --- the files ---------------------------------------------------------------------------------


def test_every_file_has_the_canonical_headers() -> None:
    for name, header in HEADERS.items():
        kind = kinds()[name.removesuffix(".csv")]
        assert list(header) == kind.headers
        assert set(kind.required_headers) <= set(header)


def test_counts_are_the_rows_written_and_persons_exact(synthetic: Synthetic) -> None:
    assert synthetic.counts == {name: len(rows) for name, rows in synthetic.rows.items()}
    assert synthetic.counts["personer.csv"] == PERSONS
    assert synthetic.counts["mottagande.csv"] == PERSONS
    assert not list(synthetic.out.glob("*.part"))


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(400, 11, first, AS_OF)
    generate(400, 11, again, AS_OF)
    generate(400, 12, other, AS_OF)
    for name in HEADERS:
        assert (first / name).read_bytes() == (again / name).read_bytes()
    assert (first / "personer.csv").read_bytes() != (other / "personer.csv").read_bytes()


def test_personnummer_are_valid_unique_test_numbers(synthetic: Synthetic) -> None:
    numbers = [row["personnummer"] for row in synthetic.rows["personer.csv"]]
    assert len(set(numbers)) == len(numbers)
    for row in synthetic.rows["personer.csv"]:
        number = parse_personnummer(row["personnummer"], today=AS_OF)
        assert re.fullmatch(r"\d{8}-\d{4}", row["personnummer"])
        assert int(number.digits[8:11]) in TEST_SERIES
        assert not number.is_coordination_number
        assert number.birth_date == day(row["födelsedatum"])
        assert number.sex == row["kön"]


def test_earlier_samordningsnummer_are_valid_and_distinct(synthetic: Synthetic) -> None:
    persons = synthetic.rows["personer.csv"]
    earlier = [row for row in persons if row["tidigare samordningsnummer"]]
    assert 0.01 * len(persons) < len(earlier) < 0.06 * len(persons)
    all_numbers = [row["personnummer"] for row in persons]
    all_numbers += [row["tidigare samordningsnummer"] for row in earlier]
    assert len(set(all_numbers)) == len(all_numbers)
    for row in earlier:
        number = parse_personnummer(row["tidigare samordningsnummer"], today=AS_OF)
        assert number.is_coordination_number
        assert int(number.digits[8:11]) in TEST_SERIES
        assert number.birth_date == day(row["födelsedatum"])
        assert number.sex == row["kön"]


CODED_COLUMNS = [
    (file, column.header, column.codes)
    for file in HEADERS
    for column in kinds()[file.removesuffix(".csv")].columns
    if column.type == "code"
]


@pytest.mark.parametrize(("file", "column", "codes"), CODED_COLUMNS)
def test_codes_are_canonical_values(
    synthetic: Synthetic, file: str, column: str, codes: str
) -> None:
    values = {row[column] for row in synthetic.rows[file]} - {""}
    assert values
    code_values = code_list(codes)
    for value in values:
        assert code_values.parse(value) is not None
        assert value in code_values.values.values()


@pytest.mark.parametrize("file", list(HEADERS))
def test_required_columns_are_filled(synthetic: Synthetic, file: str) -> None:
    kind = kinds()[file.removesuffix(".csv")]
    for row in synthetic.rows[file]:
        assert all(row[header] for header in kind.required_headers)


DATE_COLUMNS = [
    ("personer.csv", "födelsedatum"),
    ("uppehallstillstand.csv", "beslutsdatum"),
    ("mottagande.csv", "folkbokföringsdatum"),
    ("mottagande.csv", "utflyttningsdatum"),
    ("insatser.csv", "startdatum"),
    ("insatser.csv", "slutdatum"),
    ("sfi.csv", "startdatum"),
    ("sfi.csv", "slutdatum"),
]


@pytest.mark.parametrize(("file", "column"), DATE_COLUMNS)
def test_dates_lie_between_1900_and_the_reference_date(
    synthetic: Synthetic, file: str, column: str
) -> None:
    dates = [day(row[column]) for row in synthetic.rows[file] if row[column]]
    assert dates
    assert date(1900, 1, 1) <= min(dates)
    assert max(dates) <= AS_OF


@pytest.mark.parametrize(
    "as_of", [date(2010, 1, 1), date(2016, 7, 1), date(2018, 8, 20), date(2018, 12, 31)]
)
def test_any_reference_date_gives_files_within_it(tmp_path: Path, as_of: date) -> None:
    synthetic = Synthetic.load(tmp_path, generate(300, 2, tmp_path, as_of))
    for file, column in DATE_COLUMNS:
        assert all(day(row[column]) <= as_of for row in synthetic.rows[file] if row[column])
    for row in synthetic.rows["uppehallstillstand.csv"]:
        if row["grund"] == "gymnasielagen":
            assert day(row["beslutsdatum"]) >= date(2018, 7, 1)
    months = [row["månad"] for row in synthetic.rows["forsorjningsstod.csv"]]
    assert max(months, default="") <= as_of.strftime("%Y-%m")


def test_months_are_not_after_the_reference_month(synthetic: Synthetic) -> None:
    months = [row["månad"] for row in synthetic.rows["forsorjningsstod.csv"]]
    assert all(re.fullmatch(r"\d{4}-\d{2}", month) for month in months)
    assert max(months) <= AS_OF.strftime("%Y-%m")


@pytest.mark.parametrize(
    ("file", "start", "end"),
    [
        ("mottagande.csv", "folkbokföringsdatum", "utflyttningsdatum"),
        ("insatser.csv", "startdatum", "slutdatum"),
        ("sfi.csv", "startdatum", "slutdatum"),
    ],
)
def test_nothing_ends_before_it_starts(
    synthetic: Synthetic, file: str, start: str, end: str
) -> None:
    ended = [row for row in synthetic.rows[file] if row[end]]
    assert ended
    assert all(day(row[start]) <= day(row[end]) for row in ended)


def test_some_episodes_and_courses_are_ongoing(synthetic: Synthetic) -> None:
    assert any(not row["slutdatum"] for row in synthetic.rows["insatser.csv"])
    for row in synthetic.rows["sfi.csv"]:
        assert bool(row["slutdatum"]) == bool(row["betyg"])
    assert any(not row["betyg"] for row in synthetic.rows["sfi.csv"])


@pytest.mark.parametrize("file", list(HEADERS))
def test_natural_keys_are_unique(synthetic: Synthetic, file: str) -> None:
    key = kinds()[file.removesuffix(".csv")].key
    keys = [tuple(row[column] for column in key) for row in synthetic.rows[file]]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("file", [name for name in HEADERS if name != "personer.csv"])
def test_every_personnummer_is_a_known_person(synthetic: Synthetic, file: str) -> None:
    persons = synthetic.persons
    assert all(row["personnummer"] in persons for row in synthetic.rows[file])


def test_everyone_is_settled_once_and_born_before(synthetic: Synthetic) -> None:
    persons, settlements = synthetic.persons, synthetic.settlements
    assert settlements.keys() == persons.keys()
    for number, row in settlements.items():
        assert day(persons[number]["födelsedatum"]) <= day(row["folkbokföringsdatum"])
        assert re.fullmatch(r"H\d{7}", row["hushåll"])


def test_assistance_goes_to_an_adult_living_in_the_household(synthetic: Synthetic) -> None:
    persons, settlements = synthetic.persons, synthetic.settlements
    for row in synthetic.rows["forsorjningsstod.csv"]:
        settlement = settlements[row["personnummer"]]
        first = month_start(row["månad"])
        next_month = month_start(f"{first.year + first.month // 12}-{first.month % 12 + 1}")
        assert settlement["hushåll"] == row["hushåll"]
        assert day(settlement["folkbokföringsdatum"]) < next_month
        assert not settlement["utflyttningsdatum"] or first <= day(settlement["utflyttningsdatum"])
        assert anniversary(day(persons[row["personnummer"]]["födelsedatum"]), 18) <= first
        assert re.fullmatch(r"\d+(\.\d{1,2})?", row["belopp"])


def test_assistance_stays_within_three_rows_per_person(synthetic: Synthetic) -> None:
    assert len(synthetic.rows["forsorjningsstod.csv"]) <= 3 * PERSONS


# --- the shape ---------------------------------------------------------------------------------


def settlement_years(synthetic: Synthetic) -> Counter[int]:
    return Counter(day(row["folkbokföringsdatum"]).year for row in synthetic.rows["mottagande.csv"])


def test_settlement_peaks_in_2016(synthetic: Synthetic) -> None:
    years = settlement_years(synthetic)
    assert max(years, key=years.__getitem__) == 2016
    assert years[2015] + years[2016] > 2 * (years[2012] + years[2013])
    assert years[2016] > 2 * years[2021]
    assert min(years) == 2010


def test_peak_years_bring_more_men_and_mostly_self_settled(synthetic: Synthetic) -> None:
    persons = synthetic.persons
    men: Counter[bool] = Counter()
    total: Counter[bool] = Counter()
    assigned = 0
    for number, row in synthetic.settlements.items():
        peak = day(row["folkbokföringsdatum"]).year in (2015, 2016)
        total[peak] += 1
        men[peak] += persons[number]["kön"] == "M"
        assigned += peak and row["mottagandeform"] == "anvisad"
    assert men[True] / total[True] > men[False] / total[False] + 0.03
    assert 0.30 <= assigned / total[True] <= 0.50


def test_unaccompanied_are_mostly_boys_aged_15_to_17_settled_in_2015_2016(
    synthetic: Synthetic,
) -> None:
    settlements = synthetic.settlements
    minors = [row for row in synthetic.rows["personer.csv"] if row["ensamkommande"] == "ja"]
    settled = [day(settlements[row["personnummer"]]["folkbokföringsdatum"]) for row in minors]
    ages = [
        (when - day(row["födelsedatum"])).days / 365.25
        for row, when in zip(minors, settled, strict=True)
    ]
    assert sum(when.year in (2015, 2016) for when in settled) > 0.5 * len(minors)
    assert sum(row["kön"] == "M" for row in minors) > 0.75 * len(minors)
    assert sum(15 <= age < 18 for age in ages) > 0.6 * len(minors)
    placed = {row["personnummer"] for row in synthetic.episodes("placering")}
    assert placed <= {row["personnummer"] for row in minors}


def test_upper_secondary_law_permits_go_to_young_men_in_2018_2019(synthetic: Synthetic) -> None:
    persons = synthetic.persons
    permits = [r for r in synthetic.rows["uppehallstillstand.csv"] if r["grund"] == "gymnasielagen"]
    first: dict[str, date] = {}
    for row in permits:
        first.setdefault(row["personnummer"], day(row["beslutsdatum"]))
    assert len(first) > 30
    assert min(first.values()) >= date(2018, 7, 1)  # the law came into force
    assert sum(when.year in (2018, 2019) for when in first.values()) > 0.8 * len(first)
    assert sum(persons[number]["kön"] == "M" for number in first) > 0.9 * len(first)


def test_relatives_settle_after_the_person_they_join(synthetic: Synthetic) -> None:
    grounds = {
        row["personnummer"]: row["grund"] for row in synthetic.rows["uppehallstillstand.csv"]
    }
    anchors: dict[str, date] = {}
    relatives: defaultdict[str, list[date]] = defaultdict(list)
    for number, row in synthetic.settlements.items():
        settled = day(row["folkbokföringsdatum"])
        if grounds[number] == "anhörig":
            relatives[row["hushåll"]].append(settled)
        else:
            anchors[row["hushåll"]] = min(settled, anchors.get(row["hushåll"], date.max))
    assert len(relatives) > 50
    assert all(min(later) > anchors[household] for household, later in relatives.items())


def employment_share(synthetic: Synthetic, sexes: str, years: int, as_of: date) -> float:
    """Share in work on the anniversary of settlement among those aged 20-64 and still living in
    the municipality: the panel definition of the published cohort figures."""
    persons, work = synthetic.persons, synthetic.work
    employed = counted = 0
    for number, row in synthetic.settlements.items():
        when = anniversary(day(row["folkbokföringsdatum"]), years)
        born = day(persons[number]["födelsedatum"])
        moved = row["utflyttningsdatum"]
        if persons[number]["kön"] not in sexes or when > as_of or (moved and day(moved) <= when):
            continue
        if anniversary(born, 20) <= when < anniversary(born, 65):
            counted += 1
            employed += any(start <= when <= end for start, end in work[number])
    assert counted > 100
    return employed / counted


@pytest.mark.parametrize(
    ("sexes", "years", "published", "tolerance"),
    [
        ("M", 5, 0.43, 0.06),  # SCB via nordicwelfare.org, 2000 cohort
        ("K", 5, 0.26, 0.06),  # same source
        ("MK", 8, 0.50, 0.06),  # same source: half of refugees work after 8 years
        ("MK", 10, 0.60, 0.08),  # SCB 2015-03-03, 1997-99 cohort: 6 of 10 after 10 years
        ("K", 10, 0.50, 0.06),  # Ekonomifakta: women reach 50 % after about 10 years
    ],
)
def test_employment_lands_on_the_published_figures(
    synthetic: Synthetic, sexes: str, years: int, published: float, tolerance: float
) -> None:
    assert employment_share(synthetic, sexes, years, AS_OF) == pytest.approx(
        published, abs=tolerance
    )


def test_employment_rises_with_years_since_settlement(synthetic: Synthetic) -> None:
    shares = [employment_share(synthetic, "MK", years, AS_OF) for years in (1, 3, 5, 8, 10)]
    assert shares == sorted(shares)
    assert shares[0] < 0.15


@pytest.mark.parametrize("years", [1, 2, 3, 4, 5])
def test_men_work_more_than_women_in_the_first_years(synthetic: Synthetic, years: int) -> None:
    men = employment_share(synthetic, "M", years, AS_OF)
    women = employment_share(synthetic, "K", years, AS_OF)
    assert men > women * 1.3


def test_about_two_thirds_work_after_twenty_years(tmp_path: Path) -> None:
    """Ekonomifakta: about 68 % of refugees who came in the 2000s work after 20 years. Only a
    reference date after 2030 gives cohorts that old."""
    as_of = date(2031, 12, 31)
    synthetic = Synthetic.load(tmp_path, generate(8000, 3, tmp_path, as_of))
    assert employment_share(synthetic, "MK", 20, as_of) == pytest.approx(0.68, abs=0.08)


def band_shares(synthetic: Synthetic) -> dict[tuple[str, str], float]:
    """Share in work by SCB's bands of years in Sweden, ages 20-64, measured each November as
    SCB does, pooled over 2016-2025 so that the small recent cohorts are counted often enough."""
    persons, work = synthetic.persons, synthetic.work
    employed: Counter[tuple[str, str]] = Counter()
    counted: Counter[tuple[str, str]] = Counter()
    for year in range(2016, 2026):
        when = date(year, 11, 30)
        for number, row in synthetic.settlements.items():
            settled, moved = day(row["folkbokföringsdatum"]), row["utflyttningsdatum"]
            born = day(persons[number]["födelsedatum"])
            if settled > when or (moved and day(moved) <= when):
                continue
            if not anniversary(born, 20) <= when < anniversary(born, 65):
                continue
            years = (when - settled).days // 365
            band = next(name for name, (low, high) in SCB_BANDS.items() if low <= years <= high)
            key = persons[number]["kön"], band
            counted[key] += 1
            employed[key] += any(start <= when <= end for start, end in work[number])
    assert min(counted.values()) > 300
    return {key: employed[key] / counted[key] for key in counted}


def test_employment_by_years_in_sweden_follows_statistics_sweden(synthetic: Synthetic) -> None:
    """Below SCB's figures for all foreign-born in every band, rising band by band as SCB's do,
    and with SCB's gender gap in the first years closing later."""
    shares = band_shares(synthetic)
    for key, scb in SCB_ALL_FOREIGN_BORN.items():
        assert shares[key] < scb
    for sex in "MK":
        ordered = [shares[sex, band] for band in SCB_BANDS]
        assert ordered == sorted(ordered)
    for band in ("0-1", "2-3"):
        assert shares["K", band] / shares["M", band] < 0.8
    assert shares["K", "10-"] / shares["M", "10-"] > shares["K", "2-3"] / shares["M", "2-3"]


def test_programme_is_for_ages_20_to_64_and_at_most_24_months(synthetic: Synthetic) -> None:
    persons, settlements = synthetic.persons, synthetic.settlements
    rows = synthetic.episodes("etableringsprogram")
    assert len(rows) > 0.2 * PERSONS
    for row in rows:
        settled = day(settlements[row["personnummer"]]["folkbokföringsdatum"])
        age = (settled - day(persons[row["personnummer"]]["födelsedatum"])).days / 365.25
        assert 18 <= age < 65
        end = day(row["slutdatum"]) if row["slutdatum"] else AS_OF
        assert (end - day(row["startdatum"])).days <= 730


def test_sfi_beginners_pass_two_courses_within_two_years_as_in_kolada(
    synthetic: Synthetic,
) -> None:
    """Kolada N18409 for large towns: 35-50 % in 2013-2024, about 45 % before 2020."""
    first: dict[str, date] = {}
    passed: defaultdict[str, list[date]] = defaultdict(list)
    for row in synthetic.rows["sfi.csv"]:
        number, start = row["personnummer"], day(row["startdatum"])
        first[number] = min(start, first.get(number, date.max))
        if row["betyg"] in ("A", "B", "C", "D", "E"):
            passed[number].append(day(row["slutdatum"]))
        assert (row["studieväg"], row["kurs"]) not in {("3", "A"), ("3", "B"), ("2", "A")}
    beginners = [n for n, start in first.items() if anniversary(start, 2) <= AS_OF]
    within = [
        n for n in beginners if sum(end <= anniversary(first[n], 2) for end in passed[n]) >= 2
    ]
    assert 0.38 <= len(within) / len(beginners) <= 0.52
    grades = Counter(row["betyg"] for row in synthetic.rows["sfi.csv"])
    assert grades["avbrott"] > 0.1 * sum(grades.values())


def test_civic_orientation_is_mostly_completed_within_a_year(synthetic: Synthetic) -> None:
    settlements = synthetic.settlements
    done = [
        row for row in synthetic.episodes("samhällsorientering") if row["detalj"] == "genomförd"
    ]
    within = [
        row
        for row in done
        if day(row["slutdatum"])
        <= anniversary(day(settlements[row["personnummer"]]["folkbokföringsdatum"]), 1)
    ]
    assert len(within) > 0.7 * len(done)


def test_firsthand_leases_grow_as_a_share_of_leases(synthetic: Synthetic) -> None:
    def firsthand_share(year_end: date) -> float:
        active = Counter(
            row["insats"]
            for row in synthetic.rows["insatser.csv"]
            if row["insats"] in ("andrahandskontrakt", "förstahandskontrakt")
            and day(row["startdatum"]) <= year_end
            and (not row["slutdatum"] or year_end <= day(row["slutdatum"]))
        )
        return active["förstahandskontrakt"] / sum(active.values())

    shares = [firsthand_share(date(year, 12, 31)) for year in (2013, 2017, 2021, 2025)]
    assert shares == sorted(shares)
    assert shares[-1] > 0.5


def test_assistance_declines_with_time_and_is_rare_in_work(synthetic: Synthetic) -> None:
    settled: dict[str, date] = {}
    for row in synthetic.rows["mottagande.csv"]:
        when = day(row["folkbokföringsdatum"])
        settled[row["hushåll"]] = min(when, settled.get(row["hushåll"], date.max))
    by_year: Counter[int] = Counter()
    in_work = 0
    work = synthetic.work
    for row in synthetic.rows["forsorjningsstod.csv"]:
        first = month_start(row["månad"])
        by_year[(first - settled[row["hushåll"]]).days // 365] += 1
        middle = first.replace(day=15)
        in_work += any(a <= middle <= b for a, b in work[row["personnummer"]])
    assert by_year[1] > by_year[4] > by_year[8]
    assert in_work < 0.15 * sum(by_year.values())


# --- the number series -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "serials"), [("M", range(981, 1000, 2)), ("K", range(980, 999, 2))]
)
def test_a_day_holds_ten_numbers_per_sex_then_the_next_day_is_used(
    sex: str, serials: range
) -> None:
    world = World(date(2020, 1, 1))
    preferred = date(1980, 6, 15).toordinal()
    taken = [world.numbers.take(sex, preferred, preferred) for _ in range(11)]
    assert [serial for _, serial in taken[:10]] == list(serials)
    assert {birth for birth, _ in taken[:10]} == {preferred}
    assert taken[10][0] == preferred - 1  # never after `latest`, so the day before


def test_a_full_series_raises_instead_of_reusing_numbers() -> None:
    numbers = NumberSeries(World(date(2020, 1, 1)).calendar)
    first_day = date(1900, 1, 1).toordinal()
    for _ in range(10):
        numbers.take("K", first_day, first_day)
    with pytest.raises(CapacityError):
        numbers.take("K", first_day, first_day)


def test_more_persons_than_the_series_holds_are_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(CapacityError):
        generate(capacity(AS_OF) + 1, 1, tmp_path, AS_OF)
    assert not list(tmp_path.iterdir())


# --- the command -------------------------------------------------------------------------------


def test_command_writes_the_same_files_as_the_function(tmp_path: Path) -> None:
    generate(200, 5, tmp_path / "function", AS_OF)
    call_command(
        "synth", "--persons", "200", "--seed", "5", "--out", str(tmp_path / "command"),
        "--as-of", AS_OF.isoformat(),
    )  # fmt: skip
    for name in HEADERS:
        assert (tmp_path / "function" / name).read_bytes() == (
            tmp_path / "command" / name
        ).read_bytes()


def test_past_national_scale_a_samordningsnummer_keeps_the_birth_date_believable() -> None:
    world = World(date(2020, 1, 1))
    preferred = date(1990, 6, 15).toordinal()
    for day in range(preferred - 40, preferred + 41):
        for _ in range(10):
            world.numbers.take("K", day, day)
    birth, serial, coordinated = world.take_number("K", preferred, preferred + 1000)
    assert (birth, coordinated) == (preferred, True)
    number = coordination_number("19900615", serial)
    assert parse_personnummer(number, today=date(2020, 1, 1)).is_coordination_number


def test_within_municipal_scale_everyone_gets_a_personnummer() -> None:
    world = World(date(2020, 1, 1))
    preferred = date(1990, 6, 15).toordinal()
    assert world.take_number("M", preferred, preferred)[2] is False
