"""Changes to the register's identities. Records themselves are written only by imports."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.imports.writer import concrete_field, staged_insert, staging_table
from helhetsbild.register.identity import Personnummer, encrypt, pseudonym
from helhetsbild.register.models import Person

MAX_SUCCESSOR_HOPS = 10


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
    found = {
        key: (person_id, successor)
        for key, person_id, successor in Person.objects.filter(
            pseudonym__in=by_pseudonym
        ).values_list("pseudonym", "id", "successor_id")
    }
    canonical = _canonical_ids({pid for pid, _s in found.values()}, dict(found.values()))
    return {by_pseudonym[key].digits: canonical[pid] for key, (pid, _s) in found.items()}


def _insert_missing(by_pseudonym: dict[str, Personnummer]) -> None:
    existing = set(
        Person.objects.filter(pseudonym__in=by_pseudonym).values_list("pseudonym", flat=True)
    )
    missing = [(key, number) for key, number in by_pseudonym.items() if key not in existing]
    if not missing:
        return
    table = connection.ops.quote_name(Person._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(key, encrypt(number), number.is_coordination_number) for key, number in missing]
    columns = "pseudonym, personnummer_encrypted, is_coordination_number"
    insert = f"INSERT INTO {table} ({columns}, created_at) "
    skip = " ON CONFLICT (pseudonym) DO NOTHING"
    if connection.vendor == "postgresql":  # set-based, as the records are (imports.writer)
        fields = [concrete_field(Person, name) for name in columns.split(", ")]
        source = f"SELECT {columns}, %s FROM {staging_table(Person)}"
        staged_insert(fields, rows, f"{insert}{source}{skip}", [now])
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"{insert}VALUES (%s, %s, %s, %s){skip}", [(*r, now) for r in rows])


def _canonical_ids(
    ids: set[int], successors: dict[int, int | None] | None = None
) -> dict[int, int]:
    """Follow successor links (samordningsnummer -> personnummer) to the identity in use now.

    `successors` holds each id's own successor where the caller has read it already."""
    if successors is None:
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


def identities_link(links: list[tuple[Personnummer, int]]) -> dict[int, str]:
    """Record that samordningsnummer became personnummer, so that each pair counts as one person.

    `links` pairs an old number with the id of the identity it became. Returns, by position in
    `links`, the Swedish reason for each link refused. Records already imported under an old
    number stay where they are; readers follow `successor`, and later imports under the old
    number land on the new identity.
    """
    refused = {
        i: _("är inget samordningsnummer")
        for i, (old, _new) in enumerate(links)
        if not old.is_coordination_number
    }
    wanted = [(i, old, new) for i, (old, new) in enumerate(links) if i not in refused]
    if not wanted:
        return refused
    _insert_missing({pseudonym(old): old for _i, old, _new in wanted})
    found = {
        key: (pk, successor)
        for key, pk, successor in Person.objects.filter(
            pseudonym__in=[pseudonym(old) for _i, old, _new in wanted]
        ).values_list("pseudonym", "id", "successor_id")
    }
    canonical = _canonical_ids({new for _i, _old, new in wanted})
    updates: list[tuple[int, int]] = []
    for index, old, new in wanted:
        old_id, successor = found[pseudonym(old)]
        if old_id == new or successor == new:
            continue
        if successor is not None:
            refused[index] = _("är redan kopplat till ett annat personnummer")
        elif canonical[new] == old_id:
            refused[index] = _("skulle koppla personnumret till sig självt")
        else:
            updates.append((new, old_id))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {connection.ops.quote_name(Person._meta.db_table)} SET successor_id = %s "
            "WHERE id = %s AND successor_id IS NULL",
            updates,
        )
    return refused
