"""Every standard indicator against its true numbers, worked out by hand from the register of
`indicator_register.py` (read its story first), and what the published result shows of them.

Numbers are (value, numerator, denominator) as the engine's cells carry them: a count is
(n, None, None), a share (percent, persons with, persons), an average (average, sum, households
or persons), a median (median, None, persons). Suppression would hide nearly all of them in so
small a register, so the tests read the engine's true tables; the last tests check that
`result()` hides them.
"""

from pathlib import Path

import pytest
from django.conf import settings

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import Aggregate, indicator, indicators
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, Cell, display, primary_reason
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import build_store
from helhetsbild.imports.models import BatchState
from tests.analysis.adversary import MEASURES, leaks, too_small_in_sight
from tests.analysis.indicator_register import import_indicator_register
from tests.analysis.test_cli import import_synthetic
from tests.factories import TODAY, personnummer, run_import, write_kind

pytestmark = pytest.mark.django_db

SEX = "kön"
Numbers = tuple[float | None, float | None, int | None]
Table = dict[str | None, Numbers]


def count(n: int) -> Numbers:
    return (float(n), None, None)


def share(having: int, persons: int) -> Numbers:
    return (100 * having / persons if persons else None, having, persons)


def mean(total: int, persons: int) -> Numbers:
    return (total / persons if persons else None, float(total), persons)


def median(months: float | None, persons: int) -> Numbers:
    return (months, None, persons)


def by_sex(total: Numbers, women: Numbers, men: Numbers, unknown: Numbers | None = None) -> Table:
    """The total and the split by sex; the unknown group exists only where someone has no sex."""
    table: Table = {TOTAL: total, "K": women, "M": men}
    if unknown is not None:
        table[None] = unknown
    return table


EXPECTED: dict[str, dict[str, Table]] = {
    "mottagna": {
        # By year of first settlement: Alma, Bashir and Celine; David and Fatima; Robin, whose sex
        # is unknown; Emil.
        "2021": by_sex(count(3), count(2), count(1)),
        "2022": by_sex(count(2), count(1), count(1)),
        "2025": by_sex(count(1), count(0), count(0), unknown=count(1)),
        "2026": by_sex(count(1), count(0), count(1)),
    },
    "etableringsprogram_deltagare": {
        # Residents in the programme in some month of the year. Kim's programme (2024) does not
        # count: Kim never settled here. David left in June 2023, before moving out.
        "2021": by_sex(count(2), count(1), count(1)),  # Alma, Bashir
        "2022": by_sex(count(3), count(1), count(2)),  # Alma, Bashir, David
        "2023": by_sex(count(3), count(1), count(2)),  # the same three, January-March or June
        "2026": by_sex(count(1), count(0), count(1)),  # Emil
    },
    "sfi_deltagare": {
        # Residents in an sfi course in some month of the year; again not Kim.
        "2021": by_sex(count(2), count(1), count(1)),  # Alma, Bashir
        "2022": by_sex(count(3), count(1), count(2)),  # Alma, Bashir, David
        "2023": by_sex(count(2), count(0), count(2)),  # Bashir (course B), David (course D)
        "2026": by_sex(count(1), count(0), count(1)),  # Emil
    },
    "arbetsmarknadsinsats_deltagare": {
        # Mapping, preparing or matching in some month of the year.
        "2023": by_sex(count(2), count(1), count(1)),  # Fatima (mapping), Bashir (from Sept.)
        "2024": by_sex(count(1), count(0), count(1)),  # Bashir (to April)
        "2026": by_sex(count(1), count(0), count(1)),  # Emil (matching)
    },
    "forsorjningsstod_hushall": {
        # Households paid in the year, by the sex of the applicant of their latest payment.
        "2021": by_sex(count(1), count(1), count(0)),  # ALMA (Alma)
        "2022": by_sex(count(1), count(0), count(1)),  # DAVID
        "2023": by_sex(count(2), count(1), count(1)),  # FATIMA, DAVID
        "2024": by_sex(count(2), count(2), count(0)),  # CELINE, FATIMA
        "2025": by_sex(count(1), count(0), count(0), unknown=count(1)),  # KIM
    },
    "forsorjningsstod_belopp": {
        # The year's sum per household, averaged over the households paid.
        "2021": by_sex(mean(8000, 1), mean(8000, 1), mean(0, 0)),  # 5,000 + 3,000
        "2022": by_sex(mean(10000, 1), mean(0, 0), mean(10000, 1)),  # 6,000 + 4,000
        "2023": by_sex(mean(5000, 2), mean(3000, 1), mean(2000, 1)),  # Fatima 3,000, David 2,000
        "2024": by_sex(mean(8000, 2), mean(8000, 2), mean(0, 0)),  # Celine 2,000, Fatima 6,000
        "2025": by_sex(mean(2500, 1), mean(0, 0), mean(0, 0), unknown=mean(2500, 1)),  # Kim
    },
    "forsorjningsstod_personer": {
        # Residents of the year; with: their household was paid for a month of it. Bashir counts
        # through Alma's household. David moved out at the end of 2023.
        "2021": by_sex(share(2, 3), share(1, 2), share(1, 1)),  # Alma, Bashir; not Celine
        "2022": by_sex(share(1, 5), share(0, 3), share(1, 2)),  # David
        "2023": by_sex(share(2, 5), share(1, 3), share(1, 2)),  # Fatima, David
        "2024": by_sex(share(2, 4), share(2, 3), share(0, 1)),  # Celine, Fatima
        "2025": by_sex(share(0, 5), share(0, 3), share(0, 1), unknown=share(0, 1)),  # + Robin
        "2026": by_sex(share(0, 6), share(0, 3), share(0, 2), unknown=share(0, 1)),  # + Emil
    },
    "forstahandskontrakt_24": {
        # Adults living here in month 24; with: someone in the household holds a firsthand lease.
        # Alma holds one from 2022-06 and Bashir lives with her (month 24 = 2023-03); Celine, 19
        # in 2023-09, rents second hand; Fatima (2024-06) has no lease; David moved out.
        "2023": by_sex(share(2, 3), share(1, 2), share(1, 1)),
        "2024": by_sex(share(0, 1), share(0, 1), share(0, 0)),
    },
    "forstahandskontrakt_48": {
        # Month 48: Alma and Bashir 2025-03 and Celine 2025-09 hold firsthand leases; Fatima,
        # 66 in 2026-06, still has none.
        "2025": by_sex(share(3, 3), share(2, 2), share(1, 1)),
        "2026": by_sex(share(0, 1), share(0, 1), share(0, 0)),
    },
    "manader_till_arbete": {
        # Months from settlement to the first month with work, aged 20-64 then, by the year of
        # that month: Alma 24 and David 12 (2023), Bashir 42 (2024), Emil 7 (2026). Celine's
        # first job was at 17, so she is out for good.
        "2023": by_sex(median(18.0, 2), median(24.0, 1), median(12.0, 1)),
        "2024": by_sex(median(42.0, 1), median(None, 0), median(42.0, 1)),
        "2026": by_sex(median(7.0, 1), median(None, 0), median(7.0, 1)),
    },
    "samhallsorientering_12": {
        # 18-64 at settlement, counted when their 12 months end; with: civic orientation ended
        # within them. Alma (ended 2021-09) yes, Bashir (ended 2022-10, after 2022-03-15) no;
        # David yes, Fatima (never) no. Celine was 17, Emil's 12 months end in 2027, Robin has
        # no age, Kim never settled.
        "2022": by_sex(share(1, 2), share(1, 1), share(0, 1)),
        "2023": by_sex(share(1, 2), share(0, 1), share(1, 1)),
    },
    "sfi_avbrott": {
        # Persons with a graded course ending in the year; with: one of them dropped out.
        # Emil's ongoing course C has no grade and does not count.
        "2021": by_sex(share(1, 2), share(0, 1), share(1, 1)),  # Bashir dropped out; Alma C
        "2022": by_sex(share(0, 3), share(0, 1), share(0, 2)),  # Alma E; Bashir F, E; David A
        "2023": by_sex(share(0, 2), share(0, 0), share(0, 2)),  # Bashir C, David B
        "2024": by_sex(share(1, 1), share(0, 0), share(0, 0), unknown=share(1, 1)),  # Kim
        "2026": by_sex(share(1, 1), share(0, 0), share(1, 1)),  # Emil dropped out
    },
    "sfi_minst_tva_kurser": {
        # Counted when two years from the first course have passed; with: at least two passes
        # (A-E) ending by then. Alma: C and E by 2023-05-01, yes. Bashir: only the E; the F is
        # no pass and the C came after 2023-05-01. David (2024-03-01): A and B, yes. Kim
        # (2026-01-10): one E. Emil's two years end in 2028.
        "2023": by_sex(share(1, 2), share(1, 1), share(0, 1)),
        "2024": by_sex(share(1, 1), share(0, 0), share(1, 1)),
        "2026": by_sex(share(0, 1), share(0, 0), share(0, 0), unknown=share(0, 1)),
    },
    "sjalvforsorjande_12": {
        # 20-64 and living here in month 12; with: works or studies, no assistance that month.
        # Alma and Bashir (2022-03) are in the programme; David works in 2023-02; Fatima does
        # not (2023-06). Celine is 18 in her month 12; Robin has no age.
        "2022": by_sex(share(0, 2), share(0, 1), share(0, 1)),
        "2023": by_sex(share(1, 2), share(0, 1), share(1, 1)),
    },
    "sjalvforsorjande_24": {
        # Month 24: Alma works (2023-03), Bashir is in the programme, Celine is 19, David has
        # moved out, Fatima (64, 2024-06) neither works nor studies.
        "2023": by_sex(share(1, 2), share(1, 1), share(0, 1)),
        "2024": by_sex(share(0, 1), share(0, 1), share(0, 0)),
    },
    "sjalvforsorjande_36": {
        # Month 36: Alma works (2024-03), Bashir is matching, Celine (20) studies but her
        # household is paid for 2024-09. Fatima is 65 in hers, so there is no 2025.
        "2024": by_sex(share(1, 3), share(1, 2), share(0, 1)),
    },
    "sjalvforsorjande_60": {
        # Month 60: Alma and Bashir work (2026-03), Celine studies (2026-09).
        "2026": by_sex(share(3, 3), share(2, 2), share(1, 1)),
    },
    "sjalvforsorjande_andel": {
        # 20-64 in December (2026: November, the reference month).
        "2021": by_sex(share(0, 2), share(0, 1), share(0, 1)),  # Alma, Bashir in the programme
        "2022": by_sex(share(0, 4), share(0, 2), share(0, 2)),  # + David, Fatima; Celine 18
        "2023": by_sex(share(1, 4), share(1, 2), share(0, 2)),  # Alma works; David still here
        "2024": by_sex(share(3, 4), share(2, 3), share(1, 1)),  # + Bashir, Celine; not Fatima
        "2025": by_sex(share(3, 3), share(2, 2), share(1, 1)),  # Fatima 65, Robin no age
        "2026": by_sex(share(4, 4), share(2, 2), share(2, 2)),  # + Emil
    },
    "etablering_arbete_studier_90": {
        # Left the programme in the year, 90 days passed by the reference date; with: works or
        # studies on day 90. Alma (left 2023-03-31) works; Bashir continued the next day on
        # 2023-01-01, so he left only once, in 2023, and does not work; David's job was in
        # February. Kim studies. Emil's 90 days end 2026-12-29.
        "2023": by_sex(share(1, 3), share(1, 1), share(0, 2)),
        "2024": by_sex(share(1, 1), share(0, 0), share(0, 0), unknown=share(1, 1)),
    },
    "arbetsmarknadsinsats_arbete_6": {
        # Left mapping, preparing or matching without a next step the day after; with: works or
        # studies six months later. Fatima (mapping to 2023-04-30) does not; Bashir's three
        # steps are one spell to 2024-04-30 and he works on 2024-10-30. Emil's six months end
        # in 2027.
        "2023": by_sex(share(0, 1), share(0, 1), share(0, 0)),
        "2024": by_sex(share(1, 1), share(0, 0), share(1, 1)),
    },
}


@pytest.fixture(autouse=True)
def fresh_results() -> None:
    """Build ids start again in every test's database; results cached by id must not carry."""
    engine._cache.clear()


@pytest.fixture
def build(committees, tmp_path: Path) -> AnalysisBuild:  # type: ignore[no-untyped-def]
    import_indicator_register(committees, tmp_path)
    return build_store(actor=None, reference_date=TODAY)


def numbers(cell: Cell) -> Numbers:
    return (cell.value, cell.numerator, cell.denominator)


def rounded(table: Table) -> Table:
    """Shares such as 1 of 3 are not exact in binary; six decimals are plenty to compare."""
    return {
        group: (None if value is None else round(value, 6), numerator, denominator)
        for group, (value, numerator, denominator) in table.items()
    }


def sex_tables(tables: dict[str, list[Cell]]) -> dict[str, Table]:
    return {
        period: rounded({c.group: numbers(c) for c in cells if c.breakdown in (TOTAL, SEX)})
        for period, cells in tables.items()
    }


def test_every_indicator_has_numbers_worked_out_by_hand() -> None:
    assert sorted(EXPECTED) == sorted(indicators())


@pytest.mark.parametrize(("indicator_id", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_true_numbers_by_period_and_sex(
    build: AnalysisBuild, indicator_id: str, expected: dict[str, Table]
) -> None:
    item = indicator(indicator_id)
    assert item is not None
    tables = engine.true_tables(item, build)
    assert sex_tables(tables) == {period: rounded(table) for period, table in expected.items()}


@pytest.mark.parametrize(
    ("indicator_id", "period", "breakdown", "groups"),
    [
        pytest.param(
            "mottagna",
            "2021",
            "mottagandeform",
            {"assigned": count(2), "self_settled": count(1)},
            id="assigned Alma and Bashir, self-settled Celine",
        ),
        pytest.param(
            "mottagna",
            "2021",
            "åldersgrupp",
            {"0-17": count(1), "40-64": count(2)},
            id="ages on the settlement date: Celine 17, Alma 41, Bashir 45",
        ),
        pytest.param(
            "manader_till_arbete",
            "2023",
            "åldersgrupp",
            {"25-39": median(12.0, 1), "40-64": median(24.0, 1)},
            id="ages at the first job: David 33, Alma 43",
        ),
        pytest.param(
            "manader_till_arbete",
            "2023",
            "tid_i_kommunen",
            {"12-23": median(12.0, 1), "24-35": median(24.0, 1)},
            id="months since settlement at the first job",
        ),
        pytest.param(
            "sjalvforsorjande_andel",
            "2024",
            "tid_i_kommunen",
            {"24-35": share(0, 1), "36-59": share(3, 3)},
            id="months in December 2024: Fatima 30; Alma and Bashir 45, Celine 39",
        ),
        pytest.param(
            "forsorjningsstod_hushall",
            "2023",
            "åldersgrupp",
            {"25-39": count(1), "40-64": count(1)},
            id="the applicant's age at the latest payment: David 33, Fatima 63",
        ),
        pytest.param(
            "forstahandskontrakt_24",
            "2023",
            "ensamkommande",
            {"no": share(2, 2), "yes": share(0, 1)},
            id="Celine came unaccompanied",
        ),
        pytest.param(
            "etablering_arbete_studier_90",
            "2024",
            "bosättningsår",
            {None: share(1, 1)},
            id="Kim never settled: the unknown settlement year",
        ),
        pytest.param(
            "sfi_avbrott",
            "2022",
            "studieväg",
            {"1": share(0, 1), "2": share(0, 1), "3": share(0, 1)},
            id="the study path of the course ended last",
        ),
        pytest.param(
            "sfi_minst_tva_kurser",
            "2023",
            "studieväg",
            {"1": share(0, 1), "2": share(1, 1)},
            id="the study path of the first course",
        ),
    ],
)
def test_target_groups_are_taken_when_the_indicator_measures(
    build: AnalysisBuild,
    indicator_id: str,
    period: str,
    breakdown: str,
    groups: Table,
) -> None:
    item = indicator(indicator_id)
    assert item is not None
    table = engine.true_tables(item, build)[period]
    found = {
        c.group: numbers(c)
        for c in table
        if c.breakdown == breakdown and (c.denominator or c.value)  # the groups with someone
    }
    assert rounded(found) == rounded(groups)


def test_a_course_passed_twice_is_one_course(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Hana passed sfi course B, then took it again for a better grade: one course, not two."""
    hana = personnummer("19850505", "988")
    files = [
        ("personer", [[hana, "K", "1985-05-05", "", "", ""]]),
        (
            "sfi",
            [
                [hana, "2", "B", "2023-01-10", "2023-05-31", "E"],
                [hana, "2", "B", "2023-08-21", "2023-12-15", "C"],
            ],
        ),
    ]
    for kind_name, rows in files:
        path = write_kind(tmp_path / f"{kind_name}.csv", kind_name, rows)
        assert run_import(committees["UN"], kind_name, path).state == BatchState.COMMITTED
    build = build_store(actor=None, reference_date=TODAY)
    item = indicator("sfi_minst_tva_kurser")
    assert item is not None

    tables = engine.true_tables(item, build)

    assert sex_tables(tables) == {"2025": rounded(by_sex(share(0, 1), share(0, 1), share(0, 0)))}


@pytest.mark.parametrize("indicator_id", EXPECTED)
def test_the_published_result_hides_every_number_about_a_person(
    build: AnalysisBuild, indicator_id: str
) -> None:
    """No table of this register reaches five persons, so every cell about anyone is hidden
    and only the empty groups, which concern nobody, are shown as they are."""
    item = indicator(indicator_id)
    assert item is not None
    true = [cell for cells in engine.true_tables(item, build).values() for cell in cells]

    published = engine.result(item, build).cells

    assert [(c.period, c.breakdown, c.group) for c in published] == [
        (c.period, c.breakdown, c.group) for c in true
    ]
    for shown, truth in zip(published, true, strict=True):
        if truth.denominator or truth.value:
            assert shown.suppressed and numbers(shown) == (None, None, None)
            assert display(shown) == SUPPRESSED_MARK
        else:
            assert shown == truth


# What adds up across the groups of a table, by how the indicator aggregates (the adversary's
# measures are named by unit, with months as medians).
MEASURES_OF = {
    Aggregate.COUNT: MEASURES["count"],
    Aggregate.SHARE: MEASURES["share"],
    Aggregate.MEAN: MEASURES["amount"],
    Aggregate.MEDIAN: MEASURES["months"],
}


@pytest.mark.slow
def test_the_adversary_recovers_no_hidden_number_of_any_published_table(
    committees,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """Every table of every indicator and period of a synthetic municipality of 1,500 persons,
    as published: the adversary pins down no hidden number, and no shown or subtractable number
    counts fewer persons than the threshold. Some hidden cells are not small themselves, so the
    complementary suppression was put to work."""
    import_synthetic(committees, tmp_path, persons=1500)
    build = build_store(actor=None, reference_date=TODAY)
    threshold = int(settings.MIN_CELL_SIZE)
    hidden = complementary = 0

    for item in indicators().values():
        measures = MEASURES_OF[item.aggregate]
        true = engine.true_tables(item, build)
        published = engine.result(item, build)
        assert published.periods == sorted(true)
        for period, truth in true.items():
            table = [cell for cell in published.cells if cell.period == period]
            assert leaks(table, measures) == {}, (item.id, period)
            assert too_small_in_sight(table, measures, threshold) == [], (item.id, period)
            for shown, real in zip(table, truth, strict=True):
                hidden += shown.suppressed
                complementary += shown.suppressed and primary_reason(real, threshold) is None

    assert hidden > 1000 and complementary > 100, (hidden, complementary)
