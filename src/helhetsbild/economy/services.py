"""Changes to claims and payments, each taking the acting user so the permission check has one
home. A claim's every change is written to its append-only history; every view and export of a
claim's personnummer is written to the access log."""

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.economy.models import (
    CLAIM_FIELDS,
    CREATED,
    Claim,
    ClaimChange,
    Payment,
    PaymentFile,
)
from helhetsbild.economy.reconciliation import PaymentFileError, PaymentLine, read_payments
from helhetsbild.economy.rules import rules
from helhetsbild.imports.reader import inspect
from helhetsbild.imports.report import Writable, spreadsheet_safe
from helhetsbild.organisation.permissions import Action, can
from helhetsbild.register.identity import Personnummer, decrypt, pseudonym
from helhetsbild.register.models import Person
from helhetsbild.register.services import identities_resolve

IDENTITY_PURPOSE = "återsökning"


def _require(user: User, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied


def claim_save(
    actor: User,
    *,
    person: Person,
    type_code: str,
    period: tuple[dt.date, dt.date],
    deadline: dt.date,
    rule: str,
    values: dict[str, Any],
) -> Claim:
    """Create the claim of a person, type and period, or change it; either way one history
    entry says what changed. Nothing changed writes nothing."""
    _require(actor, Action.CLAIM_MANAGE)
    unknown = set(values) - set(CLAIM_FIELDS)
    if unknown:
        raise ValueError(f"not claim fields: {sorted(unknown)}")
    with transaction.atomic():
        claim, created = Claim.objects.select_for_update().get_or_create(
            person=person,
            type_code=type_code,
            period_first=period[0],
            defaults={"period_last": period[1], "deadline": deadline, "rule": rule},
        )
        changes = {CREATED: ["", claim.deadline.isoformat()]} if created else {}
        for name in CLAIM_FIELDS:
            if name not in values:
                continue
            before, after = getattr(claim, name), values[name]
            if before != after:
                changes[name] = [_text(before), _text(after)]
                setattr(claim, name, after)
        if changes:
            claim.save()
            ClaimChange.objects.create(
                claim=claim,
                at=timezone.now(),
                user=actor,
                username=actor.get_username(),
                changes=changes,
            )
    return claim


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def claim_identity(actor: User, claim: Claim) -> Personnummer:
    """The personnummer a claim needs, for a controller, logged with the person's pseudonym."""
    _require(actor, Action.CLAIM_MANAGE)
    with transaction.atomic():
        access_event_record(
            actor=actor,
            action=events.CLAIM_IDENTITY_VIEWED,
            pseudonym=claim.person.pseudonym,
            purpose=IDENTITY_PURPOSE,
            detail=f"{claim.type_code} {claim.period_first.isoformat()}",
        )
    return decrypt(claim.person.personnummer_encrypted)


def export_headers() -> list[str]:
    return [
        _("personnummer"),
        _("ersättningstyp"),
        _("period från"),
        _("period till"),
        _("sökt belopp"),
        _("kommunens referens"),
    ]


def claims_export(actor: User, claims: Iterable[Claim], handle: Writable) -> int:
    """The claims as Migrationsverket's e-service asks for them, one CSV line each, every cell
    safe from formula injection. Names are not in the register and are left out; so is the
    claim's comment, which is the municipality's own note (often about Migrationsverket's
    decision) and no field of the application forms. One access event per person exported,
    written before the file is handed over."""
    _require(actor, Action.CLAIM_MANAGE)
    book = {kind.code: kind.name for kind in rules()}
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(export_headers())
    count = 0
    with transaction.atomic():
        for claim in claims:
            access_event_record(
                actor=actor,
                action=events.CLAIM_IDENTITY_EXPORTED,
                pseudonym=claim.person.pseudonym,
                purpose=IDENTITY_PURPOSE,
                detail=f"{claim.type_code} {claim.period_first.isoformat()}",
            )
            number = decrypt(claim.person.personnummer_encrypted)
            cells = [
                str(number),
                book.get(claim.type_code, claim.type_code),
                claim.period_first.isoformat(),
                claim.period_last.isoformat(),
                "" if claim.amount_applied is None else str(claim.amount_applied),
                f"helhetsbild-{claim.pk}",
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
            count += 1
    return count


def payments_import(actor: User | None, path: Path, name: str) -> PaymentFile:
    """Read a payment specification and save it whole, or raise PaymentFileError (or the
    reader's FileRejected) and save nothing. A file already read (the same bytes, whatever its
    name) is refused: its payments would count twice. `actor` None is the operator at the
    command line."""
    if actor is not None:
        _require(actor, Action.CLAIM_MANAGE)
    source = inspect(path, name)
    _refuse_if_read(name, source.sha256)
    lines = read_payments(source, [kind.code for kind in rules()])
    keys = identities_resolve([line.number for line in lines], create=False)
    try:
        file = _payments_save(actor, name, source.sha256, lines, keys)
    except IntegrityError:  # the same file, read by someone else a moment ago
        _refuse_if_read(name, source.sha256)
        raise
    return file


def _refuse_if_read(name: str, sha256: str) -> None:
    earlier = PaymentFile.objects.filter(sha256=sha256).first()
    if earlier is not None:
        raise PaymentFileError(
            [
                _(
                    "%(file)s: filen är redan inläst den %(date)s som %(earlier)s; ingenting "
                    "ändrades."
                )
                % {
                    "file": name,
                    "date": timezone.localdate(earlier.imported_at).isoformat(),
                    "earlier": earlier.name,
                }
            ]
        )


def _payments_save(
    actor: User | None, name: str, sha256: str, lines: list[PaymentLine], keys: dict[str, int]
) -> PaymentFile:
    with transaction.atomic():
        file = PaymentFile.objects.create(name=name, sha256=sha256, imported_by=actor)
        Payment.objects.bulk_create(
            Payment(
                file=file,
                row=line.row,
                person_id=keys.get(line.number.digits),
                pseudonym=pseudonym(line.number),
                type_code=line.type_code,
                period_first=line.first,
                period_last=line.last,
                amount=line.amount,
                paid_on=line.paid_on,
            )
            for line in lines
        )
    return file
