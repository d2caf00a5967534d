"""What a register holds, as plain values, to compare before and after a rotation or a restore.

`python -m tests.operations.inventory USERNAME COMMITTEE` prints the same as JSON for the data
folder in the environment: that is how a test looks into a restored folder of its own.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any


def inventory(username: str, committee_code: str) -> dict[str, Any]:
    """Every person of the committee found again by personnummer, with the rest of the register."""
    from django.conf import settings
    from django.contrib.auth.models import User

    from helhetsbild.imports.models import BatchState, ImportBatch, QuarantineRow
    from helhetsbild.organisation.models import Committee
    from helhetsbild.register.identity import Personnummer, decrypt, decrypt_text
    from helhetsbild.register.models import Person
    from helhetsbild.register.selectors import (
        person_id_by_number,
        persons_for_user,
        record_models,
    )

    user = User.objects.get(username=username)
    committee = Committee.objects.get(code=committee_code)
    numbers = sorted(
        decrypt(person.personnummer_encrypted).digits
        for person in persons_for_user(user, committee)
    )
    batches = ImportBatch.objects.order_by("pk")
    originals = {path.stem for path in (Path(settings.DATA_DIR) / "imports").iterdir()}
    return {
        "persons": {
            digits: person_id_by_number(user, committee, Personnummer(digits)) for digits in numbers
        },
        "pseudonyms": dict(Person.objects.values_list("pk", "pseudonym")),
        "records": {label: model._default_manager.count() for label, model in record_models()},
        "batches": [
            list(row)
            for row in batches.values_list(
                "pk", "committee__code", "kind", "state", "sha256", "rows", "accepted"
            )
        ],
        "missing_originals": [
            batch.pk
            for batch in batches.filter(state__in=[BatchState.COMMITTED, BatchState.PARTIAL])
            if batch.sha256 not in originals
        ],
        "quarantine": [
            decrypt_text(row.values_encrypted) for row in QuarantineRow.objects.order_by("pk")
        ],
    }


def as_json(found: dict[str, Any]) -> dict[str, Any]:
    """The shape JSON gives back: keys become strings."""
    return json.loads(json.dumps(found))  # type: ignore[no-any-return]


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    django.setup()
    print(json.dumps(inventory(sys.argv[1], sys.argv[2])))
