"""Personnummer, samordningsnummer, keyed pseudonyms and encrypted identities.

A personnummer is normalised to 12 digits before anything else touches it, so that the pseudonym
(HMAC-SHA-256 under the pseudonym key) and the encrypted value (Fernet under the encryption key)
are the same whichever way a source system writes it. Plain SHA-256 would not do: the space of
valid numbers is small enough to enumerate in seconds.
"""

import datetime as dt
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.utils.translation import gettext as _

# ASCII digits only: \d would also take Arabic-Indic or full-width digits, which int() reads as
# the same number but which make another pseudonym.
PERSONNUMMER_SHAPE = re.compile(r"^([0-9]{8})-?([0-9]{4})$")
# Anything that looks like a personnummer in free text: 10 or 12 digits, optional separator.
PERSONNUMMER_IN_TEXT = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
COORDINATION_DAY_OFFSET = 60


class InvalidPersonnummer(ValueError):
    """Carries the Swedish reason shown to the user."""


@dataclass(frozen=True)
class Personnummer:
    """A validated 12-digit personnummer or samordningsnummer."""

    digits: str

    @property
    def is_coordination_number(self) -> bool:
        return int(self.digits[6:8]) > COORDINATION_DAY_OFFSET

    @property
    def birth_date(self) -> dt.date:
        day = int(self.digits[6:8])
        if self.is_coordination_number:
            day -= COORDINATION_DAY_OFFSET
        return dt.date(int(self.digits[0:4]), int(self.digits[4:6]), day)

    @property
    def sex(self) -> str:
        """K or M from the second-to-last digit, as Skatteverket assigns it."""
        return "M" if int(self.digits[10]) % 2 else "K"

    @property
    def masked(self) -> str:
        return mask(self.digits)

    def __str__(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"


DOUBLED_DIGIT_SUM = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_check_digit(nine_digits: str) -> int:
    """Skatteverket's modulus-10 method: weights 2,1,2,… over the nine digits before the check
    digit, summing the digits of each product."""
    digits = [int(char) for char in nine_digits]
    total = sum(DOUBLED_DIGIT_SUM[d] for d in digits[0::2]) + sum(digits[1::2])
    return (10 - total % 10) % 10


def parse_personnummer(raw: str, *, today: dt.date | None = None) -> Personnummer:
    """Validate form, date, check digit and that the birth date is not in the future."""
    return _parse(raw.strip(), today or dt.date.today())


@lru_cache(maxsize=100_000)
def _parse(text: str, today: dt.date) -> Personnummer:
    """Cached: one person's number recurs on many rows of an export."""
    match = PERSONNUMMER_SHAPE.match(text)
    if not match:
        raise InvalidPersonnummer(_("ska ha 12 siffror, ÅÅÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN"))
    digits = match.group(1) + match.group(2)
    number = Personnummer(digits)
    try:
        birth_date = number.birth_date
    except ValueError:
        raise InvalidPersonnummer(_("innehåller inget giltigt födelsedatum")) from None
    if birth_date > today:
        raise InvalidPersonnummer(_("födelsedatumet ligger i framtiden"))
    if luhn_check_digit(digits[2:11]) != int(digits[11]):
        raise InvalidPersonnummer(_("kontrollsiffran stämmer inte"))
    return number


def mask(digits_or_text: str) -> str:
    """Keep the birth date, hide the rest: enough for a person to find the row, not the identity."""
    digits = re.sub(r"\D", "", digits_or_text)
    if len(digits) >= 10:
        return f"{digits[:-4]}-****"
    return "****"


def mask_in_text(text: str) -> str:
    """The text with everything shaped like a personnummer masked: for messages, logs and
    reports that quote what a user or a file wrote."""
    return PERSONNUMMER_IN_TEXT.sub(lambda match: mask(match.group(0)), text)


def pseudonym(number: Personnummer) -> str:
    return hmac.new(_pseudonym_key(), number.digits.encode(), hashlib.sha256).hexdigest()


def encrypt(number: Personnummer) -> bytes:
    return _fernet().encrypt(number.digits.encode())


def decrypt(token: bytes | memoryview) -> Personnummer:
    return Personnummer(_fernet().decrypt(bytes(token)).decode())


def encrypt_text(text: str) -> bytes:
    """Encrypt free text that may hold a personnummer (a quarantined row, for instance)."""
    return _fernet().encrypt(text.encode())


def decrypt_text(token: bytes | memoryview) -> str:
    return _fernet().decrypt(bytes(token)).decode()


@lru_cache(maxsize=1)
def _pseudonym_key() -> bytes:
    return settings.PSEUDONYM_KEY.encode()


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    return Fernet(settings.ENCRYPTION_KEY.encode())


class MaskPersonnummerFilter(logging.Filter):
    """Masks anything shaped like a personnummer in every log record, whoever logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if PERSONNUMMER_IN_TEXT.search(message):
            record.msg = mask_in_text(message)
            record.args = None
        if record.exc_info:
            # A traceback quotes values too: format it now, masked, in place of the exception.
            record.exc_text = mask_in_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_in_text(record.exc_text)
        return True
