"""Reads of the register, scoped to the committees whose records the acting user may see.

A person "belongs" to a committee's view when that committee owns at least one record about them.
Another committee's person and a person who does not exist look the same: 404.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.imports.formats import kinds
from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Action, committees_for
from helhetsbild.register.identity import Personnummer, decrypt, pseudonym
from helhetsbild.register.models import Person


def record_models() -> list[tuple[str, type[Model]]]:
    return [(spec.label, spec.model) for spec in kinds().values()]


def persons_for_user(user: User, committee: Committee) -> QuerySet[Person]:
    """The identities on which `committee` owns records, if `user` may see that committee's."""
    if not committees_for(user, Action.REGISTER_VIEW).filter(pk=committee.pk).exists():
        raise Http404
    owned = Q()
    for _label, model in record_models():
        owned |= Q(pk__in=model._default_manager.filter(committee=committee).values("person_id"))
    return Person.objects.filter(owned).order_by("id")


def record_counts_for_user(user: User, committee: Committee) -> list[tuple[str, int]]:
    if not committees_for(user, Action.REGISTER_VIEW).filter(pk=committee.pk).exists():
        raise Http404
    return [
        (label, model._default_manager.filter(committee=committee).count())
        for label, model in record_models()
    ]


@dataclass
class Section:
    """One kind of record about a person, ready to show: column labels and display values."""

    label: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class PersonView:
    person: Person
    personnummer: Personnummer
    committee: Committee
    sections: list[Section]


OWNERSHIP_FIELDS = {"id", "committee", "batch", "person", "created_at", "updated_at"}


def _section(label: str, model: type[Model], records: QuerySet[Any]) -> Section:
    fields = [f for f in model._meta.concrete_fields if f.name not in OWNERSHIP_FIELDS]
    return Section(
        label=label,
        headers=[str(f.verbose_name) for f in fields] + [_("importomgång")],
        rows=[
            [_display(record, f) for f in fields] + [f"#{record.batch_id}"] for record in records
        ],
    )


def _display(record: Model, field: Any) -> str:
    value = getattr(record, field.name)
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    return str(value)


def person_for_user(user: User, committee: Committee, person_id: int, purpose: str) -> PersonView:
    """One identified person with the committee's own records, written to the access log."""
    person = persons_for_user(user, committee).filter(pk=person_id).first()
    if person is None:
        raise Http404
    identities = [person.pk, *person.predecessors.values_list("pk", flat=True)]
    sections = [
        _section(
            label,
            model,
            model._default_manager.filter(committee=committee, person_id__in=identities).order_by(
                "-id"
            ),
        )
        for label, model in record_models()
    ]
    with transaction.atomic():
        access_event_record(
            actor=user,
            action=events.PERSON_VIEWED,
            pseudonym=person.pseudonym,
            committee_code=committee.code,
            purpose=purpose,
        )
    return PersonView(person, decrypt(person.personnummer_encrypted), committee, sections)


def person_id_by_number(user: User, committee: Committee, number: Personnummer) -> int | None:
    """Find a person by personnummer among the committee's own; the search itself is logged."""
    found = persons_for_user(user, committee).filter(pseudonym=pseudonym(number)).first()
    access_event_record(
        actor=user,
        action=events.PERSON_SEARCHED,
        pseudonym=found.pseudonym if found else "",
        committee_code=committee.code,
        detail="träff" if found else "ingen träff",
    )
    return found.pk if found else None


def with_masked_numbers(persons: list[Person]) -> list[tuple[Person, str]]:
    """Birth date and **** for a list page: enough to recognise, not to identify."""
    return [(person, decrypt(person.personnummer_encrypted).masked) for person in persons]
