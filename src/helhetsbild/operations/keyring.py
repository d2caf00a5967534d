"""The two register keys as values, and the checks that keys fit the data they are meant for.

`register.identity` uses the keys the process started with; rotation and restore must work with
two sets at once (the current and the new, or the backup's), so they use a `Keyring` instead. A
test holds the two to the same result.
"""

import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from helhetsbild import config
from helhetsbild.imports.models import QuarantineRow
from helhetsbild.operations.models import FormerPseudonym
from helhetsbild.register.models import Person

PSEUDONYM = "HELHETSBILD_PSEUDONYM_KEY"
ENCRYPTION = "HELHETSBILD_ENCRYPTION_KEY"
MIN_PSEUDONYM_KEY_LENGTH = 32


class KeyProblem(Exception):
    """A key that is unusable or does not fit the data; the message says which, in Swedish."""


@dataclass(frozen=True)
class Keyring:
    pseudonym_key: str
    encryption_key: str

    @classmethod
    def current(cls) -> "Keyring":
        """The keys this process started with (environment or key files, never the database)."""
        return cls(settings.PSEUDONYM_KEY, settings.ENCRYPTION_KEY)

    @classmethod
    def generate(cls) -> "Keyring":
        return cls(config.new_key(), config.new_key())

    def validate(self) -> None:
        if len(self.pseudonym_key) < MIN_PSEUDONYM_KEY_LENGTH:
            raise KeyProblem(
                _("Pseudonymnyckeln är för kort: minst %(n)s tecken krävs.")
                % {"n": MIN_PSEUDONYM_KEY_LENGTH}
            )
        try:
            self.fernet  # noqa: B018  building it validates the key
        except ValueError:
            raise KeyProblem(
                _("Krypteringsnyckeln är ingen giltig Fernet-nyckel (32 byte i URL-säker base64).")
            ) from None

    @cached_property
    def fernet(self) -> Fernet:
        return Fernet(self.encryption_key.encode())

    def pseudonym(self, digits: str) -> str:
        """HMAC-SHA-256 of the 12 digits, as `register.identity.pseudonym` computes it."""
        return hmac.new(self.pseudonym_key.encode(), digits.encode(), hashlib.sha256).hexdigest()

    def former_digest(self, pseudonym: str) -> str:
        """Finds a retired pseudonym's person for whoever holds this key, and no one else."""
        message = b"former pseudonym " + pseudonym.encode()
        return hmac.new(self.pseudonym_key.encode(), message, hashlib.sha256).hexdigest()

    def encrypt(self, plain: bytes) -> bytes:
        return self.fernet.encrypt(plain)

    def decrypt(self, token: bytes | memoryview) -> bytes:
        return self.fernet.decrypt(bytes(token))

    @property
    def pseudonym_key_id(self) -> str:
        return key_id(self.pseudonym_key)

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_key)


def key_id(key: str) -> str:
    """Names a key in records and messages without revealing it: a keyed hash of a constant."""
    return hmac.new(key.encode(), b"helhetsbild key id", hashlib.sha256).hexdigest()[:16]


def problem(
    keys: Keyring, identities: Iterable[tuple[str, bytes]], encrypted: Iterable[bytes]
) -> str | None:
    """Why `keys` do not fit the sampled data, or None when they do.

    `identities` are (pseudonym, encrypted personnummer) pairs, `encrypted` other encrypted
    values. Wrong keys do not fail loudly by themselves: a wrong pseudonym key makes every import
    create new persons beside the old ones, so whoever starts or restores a register asks first.
    """
    for stored_pseudonym, token in identities:
        try:
            digits = keys.decrypt(token).decode()
        except InvalidToken:
            return _(
                "Krypteringsnyckeln stämmer inte med registret: personnumren går inte att läsa."
            )
        if not hmac.compare_digest(keys.pseudonym(digits), stored_pseudonym):
            return _(
                "Pseudonymnyckeln stämmer inte med registret: nya importer skulle skapa "
                "dubbletter av personer som redan finns."
            )
    for token in encrypted:
        try:
            keys.decrypt(token)
        except InvalidToken:
            return _(
                "Krypteringsnyckeln stämmer inte med registret: karantänraderna går inte att läsa."
            )
    return None


def register_problem(keys: Keyring) -> str | None:
    """`problem` for the register in the database, from its oldest and newest rows: a process
    that wrote with the wrong keys wrote the newest."""
    identities = [
        (person.pseudonym, bytes(person.personnummer_encrypted))
        for person in _ends(Person.objects.only("pseudonym", "personnummer_encrypted"))
    ]
    encrypted = [
        bytes(row.values_encrypted) for row in _ends(QuarantineRow.objects.only("values_encrypted"))
    ] + [
        bytes(row.pseudonym_encrypted)
        for row in _ends(FormerPseudonym.objects.only("pseudonym_encrypted"))
    ]
    return problem(keys, identities, encrypted)


def _ends(rows: QuerySet[Any]) -> list[Any]:
    return [row for row in (rows.order_by("pk").first(), rows.order_by("-pk").first()) if row]


def key_file(env_var: str, data_dir: Path | None = None) -> Path:
    """Where the key of `env_var` lives when the environment does not give it."""
    return Path(data_dir or settings.DATA_DIR) / config.KEY_FILES[env_var]


def from_environment(env_var: str) -> bool:
    return bool(os.environ.get(env_var))


def write_key_file(path: Path, value: str) -> None:
    """Create `path` with mode 0600 from the start (never readable by others, even briefly),
    and flush it to disk before anyone relies on it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
