"""A system check that the keys fit the register: `helhetsbild check --database default` and
`helhetsbild migrate` run it, so a deployment with the wrong keys stops before it imports."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

from helhetsbild.operations.keyring import Keyring, register_problem
from helhetsbild.operations.models import KeyRotation


@register(Tags.database)
def keys_fit_register(
    app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or "default" not in databases:
        return []
    try:
        trouble = register_problem(Keyring.current())
        waiting = KeyRotation.objects.filter(confirmed_at__isnull=True).first()
    except DatabaseError:  # not migrated yet: there is nothing the keys could fail to fit
        return []
    messages: list[CheckMessage] = []
    if trouble:
        messages.append(
            Error(
                trouble,
                hint=_("Se avsnittet Nycklar i docs/drift.md."),
                id="helhetsbild.E001",
            )
        )
    if waiting is not None:
        messages.append(
            Warning(
                _("Nyckelbyte nr %(id)s är inte bekräftat; de gamla nyckelfilerna finns kvar.")
                % {"id": waiting.pk},
                hint=_("Bekräfta med 'helhetsbild rotate-keys --confirm'."),
                id="helhetsbild.W001",
            )
        )
    return messages
