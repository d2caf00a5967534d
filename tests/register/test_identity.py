import datetime as dt
import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhetsbild.register.identity import (
    InvalidPersonnummer,
    MaskPersonnummerFilter,
    decrypt,
    encrypt,
    luhn_check_digit,
    mask,
    parse_personnummer,
    pseudonym,
)
from tests.factories import TODAY, personnummer


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("19811218-9876", "198112189876"),  # Skatteverket's own worked example of the check digit
        ("198112189876", "198112189876"),
        (" 19811218-9876 ", "198112189876"),
        ("19701063-2391", "197010632391"),  # samordningsnummer, Skatteverket's example
    ],
)
def test_valid_numbers_are_normalised_to_twelve_digits(raw: str, digits: str) -> None:
    assert parse_personnummer(raw, today=TODAY).digits == digits


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("19811218-9875", "kontrollsiffran stämmer inte"),
        ("811218-9876", "ska ha 12 siffror"),
        ("19811318-9876", "inget giltigt födelsedatum"),
        ("19810230-9876", "inget giltigt födelsedatum"),
        ("20301218-9876", "framtiden"),
        ("1981121A-9876", "ska ha 12 siffror"),
        ("=1+1", "ska ha 12 siffror"),
    ],
)
def test_invalid_numbers_name_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPersonnummer, match=reason):
        parse_personnummer(raw, today=TODAY)


def test_coordination_number_gives_real_birth_date_and_sex() -> None:
    number = parse_personnummer("19701063-2391", today=TODAY)
    assert number.is_coordination_number
    assert number.birth_date == dt.date(1970, 10, 3)
    assert number.sex == "M"


birth_dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=TODAY)
serials = st.integers(min_value=980, max_value=999).map(str)


@given(birth=birth_dates, serial=serials, coordination=st.booleans())
def test_every_generated_test_number_parses(
    birth: dt.date, serial: str, coordination: bool
) -> None:
    raw = personnummer(birth.strftime("%Y%m%d"), serial, coordination)
    number = parse_personnummer(raw, today=TODAY)
    assert number.birth_date == birth
    assert number.is_coordination_number is coordination
    assert str(number) == raw


@given(birth=birth_dates, serial=serials, position=st.integers(2, 11), delta=st.integers(1, 9))
def test_the_check_digit_catches_every_single_digit_error(
    birth: dt.date, serial: str, position: int, delta: int
) -> None:
    digits = personnummer(birth.strftime("%Y%m%d"), serial).replace("-", "")
    changed = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert luhn_check_digit(changed[2:11]) != int(changed[11])


def test_pseudonym_is_keyed_and_stable(settings) -> None:  # type: ignore[no-untyped-def]
    number = parse_personnummer("19811218-9876", today=TODAY)
    first = pseudonym(number)
    assert first == pseudonym(parse_personnummer("198112189876", today=TODAY))
    assert len(first) == 64 and number.digits not in first


def test_encryption_round_trips_and_hides_the_number() -> None:
    number = parse_personnummer("19811218-9876", today=TODAY)
    token = encrypt(number)
    assert number.digits.encode() not in token
    assert decrypt(token) == number


def test_mask_keeps_birth_date_only() -> None:
    assert mask("19811218-9876") == "19811218-****"


def test_log_filter_masks_numbers_in_any_message() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "fel för %s och 8112189876", ("19811218-9876",), None
    )
    MaskPersonnummerFilter().filter(record)
    message = record.getMessage()
    assert "9876" not in message
    assert "19811218-****" in message and "811218-****" in message


def test_log_filter_masks_numbers_in_a_traceback() -> None:
    try:
        raise ValueError("kunde inte läsa 19811218-9876")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "bygget misslyckades", None, sys.exc_info()
        )
    MaskPersonnummerFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "ValueError: kunde inte läsa 19811218-****" in text
    assert "9876" not in text
