"""Key rotation: new pseudonym and encryption keys for the whole register in one transaction.

The order is what makes a crash harmless at every point:
1. the new keys are staged beside the key files as `<name>.next` (mode 0600);
2. one transaction re-encrypts every encrypted value, re-keys every pseudonym and records the
   rotation; an error anywhere rolls all of it back and removes the staged files;
3. after the commit each key file is linked to `<name>.previous` and the staged file renamed over
   it, so a key file is never missing and never half-written;
4. the operator confirms, which removes the `.previous` files.
A crash between 2 and 3 leaves staged files behind; `key_rotation_resume` finishes the switch if
the database has the rotation (its key ids match the staged keys) and discards it otherwise.

A key that comes from the environment is not staged: the operator supplies the new one as a file
and sets it in the environment before the server starts again. See docs/drift.md and
docs/adr/0009-key-rotation-and-the-access-log.md.
"""

import contextlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild import config
from helhetsbild.imports.models import QuarantineRow
from helhetsbild.operations.keyring import (
    ENCRYPTION,
    PSEUDONYM,
    KeyProblem,
    Keyring,
    from_environment,
    key_file,
    key_id,
    register_problem,
    write_key_file,
)
from helhetsbild.operations.models import FormerPseudonym, KeyRotation
from helhetsbild.organisation.models import Committee
from helhetsbild.register.models import Person

CHUNK = 2000


class RotationRefused(KeyProblem):
    """Nothing was changed; the message says why, in Swedish."""


@dataclass(frozen=True)
class KeySwitch:
    """One key that lives in a file: the file, the staged new key and the old key kept aside."""

    env_var: str

    @property
    def current(self) -> Path:
        return key_file(self.env_var)

    @property
    def staged(self) -> Path:
        return self.current.with_name(self.current.name + ".next")

    @property
    def previous(self) -> Path:
        return self.current.with_name(self.current.name + ".previous")

    def promote(self) -> None:
        """Link the old key aside, then rename the new one over it: the key file always exists.
        Safe to repeat after a crash between the two steps."""
        if self.current.exists() and not self.previous.exists():
            os.link(self.current, self.previous)
        os.replace(self.staged, self.current)
        _sync_folder(self.current.parent)


SWITCHES = (KeySwitch(PSEUDONYM), KeySwitch(ENCRYPTION))


@dataclass
class RotationResult:
    rotation: KeyRotation
    key_files: list[Path]  # now hold the new keys; the old ones are kept as `.previous`
    environment: list[str]  # variables the operator must now set to the new keys


def keys_rotate(
    *, pseudonym_key: str | None = None, encryption_key: str | None = None
) -> RotationResult:
    """Rotate both keys; a key not given is generated (only for keys that live in files)."""
    _refuse_while_pending()
    old = Keyring.current()
    new = Keyring(
        pseudonym_key or _generated(PSEUDONYM, "--new-pseudonym-key-file"),
        encryption_key or _generated(ENCRYPTION, "--new-encryption-key-file"),
    )
    new.validate()
    if new.pseudonym_key == old.pseudonym_key or new.encryption_key == old.encryption_key:
        raise RotationRefused(_("De nya nycklarna måste skilja sig från de nuvarande."))
    switches = [switch for switch in SWITCHES if not from_environment(switch.env_var)]
    values = {PSEUDONYM: new.pseudonym_key, ENCRYPTION: new.encryption_key}
    try:
        for switch in switches:
            write_key_file(switch.staged, values[switch.env_var])
        with transaction.atomic():
            rotation = _rekey(old, new)
    except BaseException:
        # Asks the database rather than assume a rollback: a failed commit may have committed.
        with contextlib.suppress(Exception):
            key_rotation_resume()
        raise
    for switch in switches:
        switch.promote()
    return RotationResult(
        rotation,
        key_files=[switch.current for switch in switches],
        environment=[s.env_var for s in SWITCHES if from_environment(s.env_var)],
    )


def key_rotation_resume() -> str | None:
    """Finish or undo a switch of key files that a crash interrupted; None if there was none."""
    staged = [switch for switch in SWITCHES if switch.staged.exists()]
    if not staged:
        return None
    latest = KeyRotation.objects.order_by("-started_at", "-id").first()
    recorded = {
        PSEUDONYM: latest.pseudonym_key_id if latest else "",
        ENCRYPTION: latest.encryption_key_id if latest else "",
    }
    if all(
        hmac.compare_digest(key_id(switch.staged.read_text().strip()), recorded[switch.env_var])
        for switch in staged
    ):
        for switch in staged:
            switch.promote()
        return _(
            "Ett avbrutet nyckelbyte (nr %(id)s) är nu slutfört: de nya nyckelfilerna är på "
            "plats. Starta om servern."
        ) % {"id": latest.pk if latest else "-"}
    for switch in staged:
        switch.staged.unlink()
    return _(
        "Ett avbrutet nyckelbyte kom aldrig in i databasen; de förberedda nyckelfilerna är "
        "borttagna och de nuvarande nycklarna gäller."
    )


def key_rotation_confirm() -> KeyRotation:
    """The operator has seen the register work with the new keys: drop the old key files."""
    rotation = KeyRotation.objects.filter(confirmed_at__isnull=True).order_by("-started_at").first()
    if rotation is None:
        raise RotationRefused(_("Det finns inget nyckelbyte som väntar på bekräftelse."))
    current = Keyring.current()
    if (current.pseudonym_key_id, current.encryption_key_id) != (
        rotation.pseudonym_key_id,
        rotation.encryption_key_id,
    ):
        raise RotationRefused(
            _(
                "Den här processen har inte nycklarna från nyckelbyte nr %(id)s. Sätt de nya "
                "nycklarna (i miljön, om de kommer därifrån) och bekräfta sedan igen."
            )
            % {"id": rotation.pk}
        )
    trouble = register_problem(current)
    if trouble:
        raise RotationRefused(trouble)
    for switch in SWITCHES:
        switch.previous.unlink(missing_ok=True)
    rotation.confirmed_at = timezone.now()
    rotation.save(update_fields=["confirmed_at"])
    return rotation


def _refuse_while_pending() -> None:
    if any(switch.staged.exists() for switch in SWITCHES):
        raise RotationRefused(
            _("Ett avbrutet nyckelbyte måste slutföras först: kör 'helhetsbild rotate-keys' igen.")
        )
    waiting = KeyRotation.objects.filter(confirmed_at__isnull=True).first()
    if waiting is not None or any(switch.previous.exists() for switch in SWITCHES):
        raise RotationRefused(
            _(
                "Det förra nyckelbytet är inte bekräftat. Kontrollera att registret fungerar med "
                "de nya nycklarna och bekräfta med 'helhetsbild rotate-keys --confirm' först."
            )
        )


def _generated(env_var: str, option: str) -> str:
    """A fresh key, but never for a key the environment gives: that one belongs to the
    municipality's management of secrets, which must create and hold the new one too."""
    if from_environment(env_var):
        raise RotationRefused(
            _(
                "%(var)s kommer från miljön. Skapa den nya nyckeln där ni förvarar hemligheter "
                "och ange den med %(option)s FIL."
            )
            % {"var": env_var, "option": option}
        )
    return config.new_key()


def _rekey(old: Keyring, new: Keyring) -> KeyRotation:
    # Imports take their committee's row lock first; holding all of them makes imports wait.
    list(Committee.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    rotation = KeyRotation.objects.create(
        started_at=timezone.now(),
        previous_pseudonym_key_id=old.pseudonym_key_id,
        previous_encryption_key_id=old.encryption_key_id,
        pseudonym_key_id=new.pseudonym_key_id,
        encryption_key_id=new.encryption_key_id,
    )
    # Earlier rotations' pseudonyms first, before this rotation adds its own under the new keys.
    rotation.former_pseudonyms = _rekey_former_pseudonyms(old, new)
    rotation.persons = _rekey_persons(rotation, old, new)
    rotation.quarantine_rows = _reencrypt_quarantine(old, new)
    rotation.finished_at = timezone.now()
    rotation.save()
    return rotation


def _rekey_persons(rotation: KeyRotation, old: Keyring, new: Keyring) -> int:
    """New pseudonym and new ciphertext for every identity; the old pseudonym is kept, encrypted,
    so that the access log's older entries still lead to the person."""
    count = 0
    for persons in _chunks(Person, "pseudonym", "personnummer_encrypted"):
        retired = []
        for person in persons:
            digits = _decrypted(old, person.personnummer_encrypted, person).decode()
            if not hmac.compare_digest(old.pseudonym(digits), person.pseudonym):
                raise RotationRefused(
                    _(
                        "Identitet nr %(id)s har en pseudonym som inte kommer från den nuvarande "
                        "pseudonymnyckeln; ingenting har ändrats."
                    )
                    % {"id": person.pk}
                )
            retired.append(
                FormerPseudonym(
                    person_id=person.pk,
                    rotation=rotation,
                    pseudonym_encrypted=new.encrypt(person.pseudonym.encode()),
                    pseudonym_digest=new.former_digest(person.pseudonym),
                )
            )
            person.pseudonym = new.pseudonym(digits)
            person.personnummer_encrypted = new.encrypt(digits.encode())
        _write(Person, persons, "pseudonym", "personnummer_encrypted")
        FormerPseudonym.objects.bulk_create(retired)
        count += len(persons)
    return count


def _rekey_former_pseudonyms(old: Keyring, new: Keyring) -> int:
    count = 0
    for rows in _chunks(FormerPseudonym, "pseudonym_encrypted", "pseudonym_digest"):
        for row in rows:
            former = _decrypted(old, row.pseudonym_encrypted, row).decode()
            row.pseudonym_encrypted = new.encrypt(former.encode())
            row.pseudonym_digest = new.former_digest(former)
        _write(FormerPseudonym, rows, "pseudonym_encrypted", "pseudonym_digest")
        count += len(rows)
    return count


def _reencrypt_quarantine(old: Keyring, new: Keyring) -> int:
    count = 0
    for rows in _chunks(QuarantineRow, "values_encrypted"):
        for row in rows:
            row.values_encrypted = new.encrypt(_decrypted(old, row.values_encrypted, row))
        _write(QuarantineRow, rows, "values_encrypted")
        count += len(rows)
    return count


def _write(model: type[Model], rows: list[Any], *fields: str) -> None:
    """One UPDATE per row in one executemany: bulk_update's CASE expression grows with the chunk,
    which made it the bulk of a rotation's time."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field)} = %s" for field in fields)  # plain columns only
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s",
            [(*(getattr(row, field) for field in fields), row.pk) for row in rows],
        )


def _chunks(model: type[Model], *fields: str) -> Iterator[list[Any]]:
    """Rows in primary-key order, a chunk at a time: not a cursor, since the loop updates the
    very table it reads, which SQLite does not isolate within one connection."""
    last = 0
    while rows := list(
        model._default_manager.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:CHUNK]
    ):
        yield rows
        last = rows[-1].pk


def _decrypted(old: Keyring, token: bytes | memoryview, row: Model) -> bytes:
    try:
        return old.decrypt(token)
    except InvalidToken:
        raise RotationRefused(
            _(
                "%(what)s nr %(id)s går inte att läsa med den nuvarande krypteringsnyckeln; "
                "ingenting har ändrats."
            )
            % {"what": str(row._meta.verbose_name).capitalize(), "id": row.pk}
        ) from None


def _sync_folder(folder: Path) -> None:
    """A rename is durable only once its folder is flushed."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
