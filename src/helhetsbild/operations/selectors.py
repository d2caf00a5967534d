"""Reads that key rotation makes necessary for the access log.

The log keeps each entry under the pseudonym of its day (docs/adr/0009). A person's entries are
those under the current pseudonym or any of `former_pseudonyms`; the person of an old entry is
`person_of_former_pseudonym`. No permission checks here: the selectors that show entries make
them.
"""

from helhetsbild.operations.keyring import Keyring
from helhetsbild.operations.models import FormerPseudonym
from helhetsbild.register.identity import decrypt_text
from helhetsbild.register.models import Person


def former_pseudonyms(person: Person) -> list[str]:
    """The pseudonyms `person` had before each key rotation, the most recent first."""
    rows = FormerPseudonym.objects.filter(person=person).order_by("-rotation__started_at", "-id")
    return [decrypt_text(row.pseudonym_encrypted) for row in rows]


def person_of_former_pseudonym(pseudonym: str) -> Person | None:
    digest = Keyring.current().former_digest(pseudonym)
    row = FormerPseudonym.objects.filter(pseudonym_digest=digest).select_related("person").first()
    return row.person if row else None
