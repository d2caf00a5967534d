"""Changes to the register's identities. Records themselves are written only by imports."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.register.identity import Personnummer, encrypt, pseudonym
from helhetsbild.register.models import Person

MAX_SUCCESSOR_HOPS = 10


class LinkRefused(ValueError):
    """Carries the Swedish reason a samordningsnummer could not be linked."""


def identities_resolve(numbers: Iterable[Personnummer], *, create: bool) -> dict[str, int]:
    """Map each number's digits to the id of its canonical identity (following successors).

    With `create`, identities missing from the register are added first; the insert skips any
    that a concurrent import added a moment before, so two imports never make one person twice.
    """
    by_pseudonym = {pseudonym(number): number for number in numbers}
    if not by_pseudonym:
        return {}
    if create:
        _insert_missing(by_pseudonym)
    found = dict(Person.objects.filter(pseudonym__in=by_pseudonym).values_list("pseudonym", "id"))
    canonical = _canonical_ids(set(found.values()))
    return {by_pseudonym[key].digits: canonical[person_id] for key, person_id in found.items()}


def _insert_missing(by_pseudonym: dict[str, Personnummer]) -> None:
    existing = set(
        Person.objects.filter(pseudonym__in=by_pseudonym).values_list("pseudonym", flat=True)
    )
    missing = [(key, number) for key, number in by_pseudonym.items() if key not in existing]
    if not missing:
        return
    table = connection.ops.quote_name(Person._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (pseudonym, personnummer_encrypted, is_coordination_number, "
            "created_at) VALUES (%s, %s, %s, %s) ON CONFLICT (pseudonym) DO NOTHING",
            [(key, encrypt(number), number.is_coordination_number, now) for key, number in missing],
        )


def _canonical_ids(ids: set[int]) -> dict[int, int]:
    """Follow successor links (samordningsnummer -> personnummer) to the identity in use now."""
    successors = dict(Person.objects.filter(id__in=ids).values_list("id", "successor_id"))
    resolved = {person_id: person_id for person_id in ids}
    pending = {pid: succ for pid, succ in successors.items() if succ is not None}
    for _hop in range(MAX_SUCCESSOR_HOPS):
        if not pending:
            break
        for person_id, successor in pending.items():
            resolved[person_id] = successor
        onward = dict(
            Person.objects.filter(
                id__in=set(pending.values()), successor__isnull=False
            ).values_list("id", "successor_id")
        )
        pending = {pid: onward[succ] for pid, succ in pending.items() if succ in onward}
    return resolved


def identity_link(*, predecessor: Personnummer, successor_id: int) -> None:
    """Record that a samordningsnummer became a personnummer, so both count as one person.

    Records already imported under the samordningsnummer stay where they are; readers resolve
    them through `successor`, and later imports under the old number land on the new identity.
    """
    if not predecessor.is_coordination_number:
        raise LinkRefused(_("är inget samordningsnummer"))
    identities_resolve([predecessor], create=True)
    old = Person.objects.select_for_update().get(pseudonym=pseudonym(predecessor))
    if old.pk == successor_id or old.successor_id == successor_id:
        return
    if old.successor_id is not None:
        raise LinkRefused(_("är redan kopplat till ett annat personnummer"))
    if _canonical_ids({successor_id})[successor_id] == old.pk:
        raise LinkRefused(_("skulle koppla personnumret till sig självt"))
    old.successor_id = successor_id
    old.save(update_fields=["successor"])
