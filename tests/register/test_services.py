import pytest

from helhetsbild.register.identity import parse_personnummer
from helhetsbild.register.models import Person
from helhetsbild.register.services import identities_link, identities_resolve
from tests.factories import TODAY, personnummer

pytestmark = pytest.mark.django_db


def number(raw: str):  # type: ignore[no-untyped-def]
    return parse_personnummer(raw, today=TODAY)


OLD = number(personnummer("19920407", "984", coordination=True))
NEW = number(personnummer("19920407", "986"))
OTHER = number(personnummer("19920407", "988"))


def test_resolving_twice_creates_each_identity_once() -> None:
    first = identities_resolve([NEW, OTHER], create=True)
    again = identities_resolve([NEW, OTHER, NEW], create=True)
    assert first == again and Person.objects.count() == 2


def test_resolving_without_create_finds_nothing_new() -> None:
    assert identities_resolve([NEW], create=False) == {}
    assert not Person.objects.exists()


def test_a_linked_samordningsnummer_resolves_to_its_successor() -> None:
    new_id = identities_resolve([NEW], create=True)[NEW.digits]
    assert identities_link([(OLD, new_id)]) == {}
    assert identities_resolve([OLD], create=False) == {OLD.digits: new_id}


@pytest.mark.parametrize(
    ("old", "reason"),
    [(NEW, "är inget samordningsnummer"), (OLD, "är redan kopplat till ett annat personnummer")],
)
def test_links_that_would_merge_the_wrong_people_are_refused(old, reason: str) -> None:  # type: ignore[no-untyped-def]
    ids = identities_resolve([NEW, OTHER], create=True)
    identities_link([(OLD, ids[NEW.digits])])
    assert identities_link([(old, ids[OTHER.digits])]) == {0: reason}
    assert identities_resolve([OLD], create=False) == {OLD.digits: ids[NEW.digits]}


def test_linking_the_same_pair_again_is_harmless() -> None:
    new_id = identities_resolve([NEW], create=True)[NEW.digits]
    assert identities_link([(OLD, new_id)]) == {}
    assert identities_link([(OLD, new_id)]) == {}
