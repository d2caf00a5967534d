"""The rule files: what they hold, the loader's strictness, and a new year with no Python."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helhetsbild.economy.compensation import PersonFacts, expected_for
from helhetsbild.economy.rules import RULES_FOLDER, Calculation, Payment, RulesError, rules


def test_every_row_carries_its_source_and_the_date_it_was_checked() -> None:
    book = rules()
    for item in [*book.types, *book.rates]:
        assert item.source.strip(), item
        assert dt.date(2026, 1, 1) <= item.checked <= dt.date(2026, 11, 22), item


@pytest.mark.parametrize(
    ("rate_id", "amount"),
    [
        ("schablon-2016-under-65", 125_000),
        ("schablon-2020-65", 82_100),
        ("schablon-2022-under-65", 151_800),
        ("schablon-2024-66", 92_600),
        ("schablon-2025", None),
        ("schablon-2026", None),
        ("schablon-2017", None),
        ("initiala-2024-anvisad-20-65", 19_998),
        ("initiala-2024-ebo-66", 0),
        ("ekb-dygn-2017-2023", 1_350),
        ("ekb-dygn-2024", 1_000),
        ("ekb-unga-dygn", None),
    ],
)
def test_the_rates_are_those_of_the_sources_and_unknown_ones_have_no_number(
    rate_id: str, amount: int | None
) -> None:
    [rate] = [rate for rate in rules().rates if rate.id == rate_id]

    assert rate.amount == amount
    assert (rate.unknown is None) == (amount is not None)


@pytest.mark.parametrize(
    ("rate_id", "inferred"),
    [
        ("schablon-2023-under-66", True),
        ("schablon-2024-under-66", False),
        ("initiala-2024-anvisad-20-65", False),
        ("initiala-2025-anvisad-20-65", True),
        ("initiala-2026-ebo-under-20", True),
        ("ekb-dygn-2017-2023", True),
        ("ekb-dygn-2024", False),
    ],
)
def test_inferred_figures_say_so_with_the_reasoning(rate_id: str, inferred: bool) -> None:
    [rate] = [rate for rate in rules().rates if rate.id == rate_id]

    assert bool(rate.inferred) == inferred
    assert rate.inferred is None or len(rate.inferred) > 40


def test_what_must_be_claimed_has_a_deadline_and_what_is_paid_automatically_has_none() -> None:
    for kind in rules():
        assert (kind.deadline is not None) == (kind.payment == Payment.APPLICATION)
    claims = {kind.code: kind for kind in rules() if kind.calculation == Calculation.CLAIM}
    care = claims["unaccompanied_care_costs"]
    assert care.deadline is not None and care.deadline.months == 6


def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_FOLDER, folder)
    return folder


def test_a_new_year_is_a_data_file_and_needs_no_python(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    received_2027 = PersonFacts(
        key=1,
        birth_date=dt.date(1990, 1, 1),
        received=dt.date(2027, 3, 2),
        settlement_form="assigned",
        permit_grounds=frozenset({"protection"}),
        unaccompanied=False,
        residence=((dt.date(2027, 3, 2), None),),
        placements=(),
    )

    before = [row for row in expected_for(received_2027, rules(folder)) if row.amount is not None]
    (folder / "standard_compensation_2027.toml").write_text(
        """
[[rate]]
id = "schablon-2027-under-66"
type = "standard_compensation"
from = 2027-01-01
to = 2027-12-31
age_max = 65
amount = 170400
source = "Migrationsverket, nyhet 2026-12-20 (påhittad för testet)"
checked = 2026-11-22

[[rate]]
id = "schablon-2027-66"
type = "standard_compensation"
from = 2027-01-01
to = 2027-12-31
age_min = 66
amount = 95000
source = "Migrationsverket, nyhet 2026-12-20 (påhittad för testet)"
checked = 2026-11-22
""",
        encoding="utf-8",
    )
    after = [
        row
        for row in expected_for(received_2027, rules(folder))
        if row.kind.code == "standard_compensation"
    ]

    assert before == []
    assert sum(row.amount or 0 for row in after) == 170_400
    assert {row.rate.id for row in after if row.rate} == {"schablon-2027-under-66"}


GOOD_RATE = """
[[rate]]
id = "prov"
type = "standard_compensation"
from = 2027-01-01
amount = 1
source = "källa"
checked = 2026-11-22
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("amount = 1", "", "fältet amount: ange antingen amount"),
        ("amount = 1", 'amount = 1\nunknown = "okänt"', "fältet amount: ange antingen amount"),
        ("amount = 1", "amount = -5", "fältet amount: ska vara ett heltal, 0 eller större"),
        ("amount = 1", 'amount = "1 000"', "fältet amount: ska vara ett heltal"),
        ("amount = 1", "amount = 1.5", "fältet amount: ska vara ett heltal"),
        ("from = 2027-01-01", 'from = "2027-01-01"', "fältet from: ska vara ett datum"),
        ("from = 2027-01-01", "", "fältet from: saknas"),
        ("from = 2027-01-01", "from = 2027-01-01\nto = 2026-01-01", "fältet to: ligger före from"),
        ("checked = 2026-11-22", "", "fältet checked: saknas"),
        ('source = "källa"', "", "fältet source: saknas"),
        ("amount = 1", "amount = 1\nbelopp = 2", "fältet belopp: okänt fält"),
        ("amount = 1", 'amount = 1\nsettlement_forms = ["kvot"]', "okänt värde 'kvot'"),
        ("amount = 1", "amount = 1\nage_min = 30\nage_max = 20", "fältet age_max: är lägre"),
        ('type = "standard_compensation"', 'type = "schablon"', "fältet type: okänt värde"),
        ("from = 2027-01-01", "from = 2024-05-01", "gäller samma dag, ålder och mottagandeform"),
        ("from = 2027-01-01", "from = 2015-01-01\nto = 2015-12-31", "före ersättningstypens"),
        ('id = "prov"', 'id = "schablon-2022-65"', "fältet id: schablon-2022-65 finns redan"),
    ],
)
def test_a_wrong_rate_is_refused_naming_file_line_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = copy_rules(tmp_path)
    assert old in GOOD_RATE
    (folder / "zz_new.toml").write_text("# ett nytt år\n" + GOOD_RATE.replace(old, new))

    with pytest.raises(RulesError) as raised:
        rules(folder)

    assert "zz_new.toml, rad 3" in str(raised.value)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('payment = "automatic"', 'payment = "sometimes"', "fältet payment: okänt värde"),
        (
            'payment = "automatic"',
            'payment = "automatic"\ndeadline = { months = 6, counted_from = "reception" }',
            "fältet deadline: det som betalas utan ansökan har ingen tidsfrist",
        ),
        ('payment = "automatic"', 'payment = "application"', "fältet deadline: saknas"),
        (
            'payment = "automatic"',
            'payment = "application"\ndeadline = { months = 6, counted_from = "soon" }',
            "fältet deadline.counted_from: okänt värde 'soon'",
        ),
        ("period_months = 24", "", "fältet period_months: saknas"),
        ('age_at = "end_of_previous_month"', 'age_at = "day"', "fältet age_at: okänt värde"),
        ('permit_grounds = ["protection"]', 'permit_grounds = ["flykting"]', "okänt värde"),
        ('unit = "kronor_per_person"', 'unit = "kronor_per_day"', "fältet unit: okänt värde"),
    ],
)
def test_a_wrong_type_is_refused_naming_file_line_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    good = """# en ny ersättning
[[type]]
code = "prov"
name = "Prov"
regulation = "Förordning (2010:1122)"
calculation = "instalments"
unit = "kronor_per_person"
starts_with = "reception"
applies_from = 2016-01-01
period_months = 24
age_at = "end_of_previous_month"
payment = "automatic"
payment_pattern = "Delbelopp."
permit_grounds = ["protection"]
source = "källa"
checked = 2026-11-22
"""
    assert old in good
    (folder / "prov.toml").write_text(good.replace(old, new))

    with pytest.raises(RulesError) as raised:
        rules(folder)

    assert "prov.toml, rad 2 ([[type]] nr 1)" in str(raised.value)
    assert message in str(raised.value)


def test_a_file_that_is_not_toml_is_refused_with_its_name(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "trasig.toml").write_text("[[rate]\nid = ")

    with pytest.raises(RulesError, match="trasig.toml: filen är inte giltig TOML"):
        rules(folder)
