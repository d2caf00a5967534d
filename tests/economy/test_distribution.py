"""The municipality's distribution of the compensation between its committees: worked examples
of the split, the age rule, the rounding in whole kronor, and every check of the rule file with
its Swedish message."""

import datetime as dt
from pathlib import Path

import pytest

from helhetsbild.economy import distribution as distribution_module
from helhetsbild.economy.compensation import PersonFacts, Tally, expected_for, window
from helhetsbild.economy.distribution import (
    Distribution,
    Share,
    band_cell,
    check_committees,
    distribution,
    split,
)
from helhetsbild.economy.rules import RulesError, rules

D = dt.date
SCHABLON = "standard_compensation"
# The demo's example, as shipped.
DISTRIBUTION_FILE = Path(distribution_module.__file__).with_name("distribution.toml")
RECEIVED = D(2024, 5, 10)  # 165 000 kr over 24 months: 6 875 kr a month

# The example: children to the education committee, adults shared by two others.
CHILDREN_TO_UN = """
[[distribution]]
type = "standard_compensation"
beslut = "KS 2026-03-02 § 41"
motivering = "Barn och unga går i skolan; vuxna har försörjningsstöd och etablering."

[[distribution.band]]
age_min = 0
age_max = 19
shares = { UN = 100 }

[[distribution.band]]
age_min = 20
shares = { SN = 50, AMN = 50 }
"""


def person(key: int, born: dt.date, received: dt.date = RECEIVED) -> PersonFacts:
    return PersonFacts(
        key=key,
        birth_date=born,
        received=received,
        settlement_form="assigned",
        permit_grounds=frozenset({"protection"}),
        unaccompanied=False,
        residence=((received, None),),
        placements=(),
    )


def rule_file(tmp_path: Path, text: str, name: str = "fordelning.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Distribution:
    return distribution(rules(), rule_file(tmp_path, text))


def committee_months(
    rule: Distribution, people: list[PersonFacts]
) -> tuple[Tally, dict[str, dict[str, int]]]:
    """Per committee and month, the parts of the known band sums, as the page splits them."""
    book = rules()
    tally, bands = Tally(), Tally()
    for facts in people:
        rows = expected_for(facts, book, window())
        tally.add(rows)
        bands.add(rows, band_cell(rule, facts))
    kind_rule = rule.of(SCHABLON)
    assert kind_rule is not None
    found: dict[str, dict[str, int]] = {}
    for (code, month, index), total in bands.cells.items():
        if code != SCHABLON:
            continue
        assert index is not None
        band = kind_rule.bands[index]
        for share, part in zip(band.shares, split(total.known, band.shares), strict=True):
            months = found.setdefault(share.committee, {})
            key = month.strftime("%Y-%m")
            months[key] = months.get(key, 0) + part
    return tally, found


def test_a_child_and_an_adult_received_the_same_month_add_up_to_the_types_total(
    tmp_path: Path,
) -> None:
    rule = load(tmp_path, CHILDREN_TO_UN)
    child, adult = person(1, D(2014, 3, 1)), person(2, D(1984, 3, 1))

    tally, committees = committee_months(rule, [child, adult])

    # 6 875 kr a month each: the child's to UN, the adult's halved, the odd krona to SN, the
    # first committee listed (3 437.50 rounded half up).
    assert committees["UN"]["2024-06"] == 6875
    assert (committees["SN"]["2024-06"], committees["AMN"]["2024-06"]) == (3438, 3437)
    assert set(committees["UN"]) == {f"{m.year}-{m.month:02d}" for m in _months(2024, 6, 24)}
    for (code, month), total in tally.cells.items():
        if code == SCHABLON:
            key = month.strftime("%Y-%m")
            assert sum(months.get(key, 0) for months in committees.values()) == total.known
    assert sum(committees["UN"].values()) == 165_000
    assert sum(committees["SN"].values()) + sum(committees["AMN"].values()) == 165_000
    assert (sum(committees["SN"].values()), sum(committees["AMN"].values())) == (82_512, 82_488)


def _months(year: int, month: int, count: int) -> list[dt.date]:
    number = year * 12 + month - 1
    return [D((number + i) // 12, (number + i) % 12 + 1, 1) for i in range(count)]


def test_the_band_follows_the_age_at_the_end_of_the_month_before_each_payment(
    tmp_path: Path,
) -> None:
    """19 at reception, 20 on 2024-08-15: the part for September is the first an adult's."""
    rule = load(tmp_path, CHILDREN_TO_UN)

    _tally, committees = committee_months(rule, [person(1, D(2004, 8, 15))])

    assert sorted(committees["UN"]) == ["2024-06", "2024-07", "2024-08"]
    assert min(committees["SN"]) == "2024-09" and len(committees["SN"]) == 21
    assert (
        sum(committees["UN"].values())
        + sum(committees["SN"].values())
        + sum(committees["AMN"].values())
        == 165_000
    )


def test_a_person_without_a_birth_date_falls_in_no_band(tmp_path: Path) -> None:
    rule = load(tmp_path, CHILDREN_TO_UN)
    facts = person(1, D(1984, 3, 1))._replace(birth_date=None)
    bands = Tally()

    bands.add(expected_for(facts, rules(), window()), band_cell(rule, facts))

    assert {index for _code, _month, index in bands.cells} == {None}


@pytest.mark.parametrize(
    ("amount", "percents", "parts"),
    [
        (6875, [50, 50], [3438, 3437]),
        (100, [33.33, 33.33, 33.34], [33, 34, 33]),
        (1, [50, 50], [1, 0]),
        (0, [80, 20], [0, 0]),
        (10, [100], [10]),
        (165_000, [80, 20], [132_000, 33_000]),
        (7, [60, 30, 10], [4, 2, 1]),
    ],
)
def test_the_parts_are_whole_kronor_and_add_up_to_the_amount(
    amount: int, percents: list[float], parts: list[int]
) -> None:
    shares = [Share(f"N{i}", round(p * 100)) for i, p in enumerate(percents)]

    assert split(amount, shares) == parts
    assert sum(parts) == amount


def test_the_shipped_example_is_valid_and_names_the_demo_committees() -> None:
    rule = distribution(rules(), DISTRIBUTION_FILE)

    assert rule.configured and rule.file == "distribution.toml"
    check_committees(rule, ["KS", "SN", "AMN", "UN"])
    schablon = rule.of(SCHABLON)
    assert schablon is not None and "inget beslut" in schablon.decision
    assert [band.ages for band in schablon.bands] == ["0–19 år", "20–64 år", "65 år och äldre"]


def test_an_empty_setting_or_file_is_no_rule(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    assert not load(tmp_path, "# inget beslut än\n").configured
    settings.COMPENSATION_DISTRIBUTION_FILE = ""
    assert distribution(rules()) == Distribution("", ())


def test_a_file_that_is_not_there_is_named_not_taken_for_no_rule(tmp_path: Path) -> None:
    missing = tmp_path / "fordelning.tmol"
    with pytest.raises(RulesError) as error:
        distribution(rules(), missing)
    assert str(error.value) == (
        f"Fördelningsfilen {missing} finns inte. Rätta HELHETSBILD_COMPENSATION_DISTRIBUTION_FILE, "
        "eller lämna den tom om kommunen inte har beslutat någon fördelning."
    )


def test_a_committee_that_does_not_exist_is_named(tmp_path: Path) -> None:
    rule = load(tmp_path, CHILDREN_TO_UN)

    with pytest.raises(RulesError) as error:
        check_committees(rule, ["KS", "SN", "UN"])

    assert str(error.value) == (
        "fordelning.toml, rad 2 ([[distribution]] nr 1), åldersband 2 på rad 12, fältet shares: "
        "nämnden 'AMN' finns inte; kända nämnder är KS, SN, UN"
    )


ENTRY = '[[distribution]]\ntype = "standard_compensation"\nbeslut = "KS 2026-03-02 § 41"\n'


def bands(*lines: str) -> str:
    return ENTRY + "".join(f"\n[[distribution.band]]\n{line}\n" for line in lines)


WHERE = "fordelning.toml, rad 1 ([[distribution]] nr 1)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            bands("shares = { UN = 60, SN = 30 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet shares: andelarna 60 + 30 blir 90 procent, "
            "inte 100",
        ),
        (
            bands("shares = { UN = 33.333, SN = 66.667 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet shares: andelen för UN, 33.333, ska vara ett "
            "tal större än 0 och högst 100, med högst två decimaler",
        ),
        (
            bands('shares = { UN = "100" }'),
            f"{WHERE}, åldersband 1 på rad 5, fältet shares: andelen för UN, '100', ska vara ett "
            "tal större än 0 och högst 100, med högst två decimaler",
        ),
        (
            bands("shares = { UN = 110, SN = -10 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet shares: andelen för UN, 110, ska vara ett "
            "tal större än 0 och högst 100, med högst två decimaler",
        ),
        (
            bands("age_max = 19"),
            f"{WHERE}, åldersband 1 på rad 5, fältet shares: saknas; ange nämndernas koder och "
            "andelar i procent, till exempel { UN = 60, SN = 40 }",
        ),
        (
            bands("age_max = 19\nshares = { UN = 100 }", "age_min = 19\nshares = { SN = 100 }"),
            f"{WHERE}, åldersband 2 på rad 9, fältet age_min: åldrarna 19 år och äldre överlappar "
            f"åldersbandet 0–19 år ({WHERE}, åldersband 1 på rad 5)",
        ),
        (
            bands("age_max = 17\nshares = { UN = 100 }", "age_min = 20\nshares = { SN = 100 }"),
            f"{WHERE}, fältet band: åldrarna 18–19 år saknas; banden ska täcka alla åldrar "
            "ersättningstypen har belopp för (alla åldrar)",
        ),
        (
            bands("age_max = 19\nshares = { UN = 100 }"),
            f"{WHERE}, fältet band: åldrarna 20 år och äldre saknas; banden ska täcka alla "
            "åldrar ersättningstypen har belopp för (alla åldrar)",
        ),
        (
            bands("age_min = 30\nage_max = 20\nshares = { UN = 100 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet age_max: 20 är lägre än age_min, 30",
        ),
        (
            bands("age_min = -1\nshares = { UN = 100 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet age_min: -1 ska vara ett heltal, 0 eller "
            "större, utan citattecken",
        ),
        (
            bands("ages = 3\nshares = { UN = 100 }"),
            f"{WHERE}, åldersband 1 på rad 5, fältet ages: okänt fält; tillåtna är age_max, "
            "age_min, shares",
        ),
        (
            ENTRY,
            f"{WHERE}, fältet band: saknas; ange minst ett [[distribution.band]]",
        ),
        (
            ENTRY.replace("standard_compensation", "schablon")
            + "\n[[distribution.band]]\nshares = { UN = 100 }\n",
            f"{WHERE}, fältet type: okänd ersättningstyp 'schablon'; kända är empty_rent, "
            "initial_costs, standard_compensation, unaccompanied_care_costs, "
            "unaccompanied_minor_daily, unaccompanied_young_daily",
        ),
        (
            ENTRY.replace("standard_compensation", "empty_rent")
            + "\n[[distribution.band]]\nshares = { SN = 100 }\n",
            f"{WHERE}, fältet type: empty_rent söks i efterhand; det finns ingen förväntad "
            "ersättning att fördela",
        ),
        (
            '[[distribution]]\ntype = "standard_compensation"\n'
            "\n[[distribution.band]]\nshares = { UN = 100 }\n",
            f"{WHERE}, fältet beslut: saknas; ska vara en text inom citattecken",
        ),
        (
            bands("shares = { UN = 100 }") + "\n" + bands("shares = { SN = 100 }"),
            "fordelning.toml, rad 8 ([[distribution]] nr 2), fältet type: standard_compensation "
            f"fördelas redan i {WHERE}",
        ),
        (
            ENTRY.replace("standard_compensation", "unaccompanied_minor_daily")
            + "\n[[distribution.band]]\nage_max = 9\nshares = { SN = 100 }\n"
            + "\n[[distribution.band]]\nage_min = 10\nshares = { UN = 100 }\n",
            f"{WHERE}, åldersband 2 på rad 9, fältet age_min: unaccompanied_minor_daily betalas "
            "per dygn och åldern kan skifta inom en månad; ange ett enda åldersband",
        ),
        (
            "[[fordelning]]\n",
            "fordelning.toml: okänt avsnitt fordelning; filen får bara ha [[distribution]].",
        ),
        (
            "[[distribution]\n",
            "fordelning.toml: filen är inte giltig TOML: ",
        ),
    ],
    ids=[
        "andelar-inte-100",
        "tre-decimaler",
        "andel-som-text",
        "andel-over-100",
        "andelar-saknas",
        "overlapp",
        "lucka",
        "lucka-overst",
        "age-max-under-age-min",
        "negativ-alder",
        "okant-falt",
        "inga-band",
        "okand-typ",
        "typ-som-soks",
        "beslut-saknas",
        "typen-tva-ganger",
        "dygn-flera-band",
        "okant-avsnitt",
        "inte-toml",
    ],
)
def test_a_wrong_rule_is_refused_with_file_entry_and_value(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(RulesError) as error:
        load(tmp_path, text)

    assert str(error.value).startswith(message)
    if not message.endswith(": "):
        assert str(error.value) == message
