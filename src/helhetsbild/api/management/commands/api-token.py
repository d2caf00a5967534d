"""`helhetsbild api-token create --user USERNAME --name NAME [--days N]`, `api-token revoke
PREFIX`, `api-token list`: the operator's way to manage API keys (the admin is the other).

`create` prints the key once, on a line of its own so that a script can take it; only its hash is
kept. Exit status 0 on success; a usage error (unknown user or key, a rule broken) exits 1 with
the reason.
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.api.selectors import api_tokens
from helhetsbild.api.services import DEFAULT_DAYS, api_token_create, api_token_revoke


class Command(BaseCommand):
    help = _("Skapar, återkallar och listar nycklar till API:t för indikatorresultat.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("skapa en nyckel och visa den en gång"))
        create.add_argument("--user", required=True, help=_("användaren som nyckeln läser som"))
        create.add_argument("--name", required=True, help=_("vad nyckeln används till"))
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=_("hur många dagar nyckeln gäller (standard: %(default)s)"),
        )
        revoke = actions.add_parser("revoke", help=_("återkalla en nyckel"))
        revoke.add_argument("prefix", help=_("nyckelns prefix, som i listan"))
        actions.add_parser("list", help=_("lista alla nycklar"))

    def handle(self, *args: Any, **options: Any) -> None:
        run = {"create": self._create, "revoke": self._revoke, "list": self._list}
        try:
            run[options["action"]](options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _create(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("Användaren %(u)s finns inte.") % {"u": options["user"]})
        issued = api_token_create(actor=None, user=user, name=options["name"], days=options["days"])
        self.stdout.write(
            _("API-nyckel %(prefix)s skapad för %(user)s, gäller till %(date)s:")
            % {
                "prefix": issued.token.prefix,
                "user": user.username,
                "date": _date(issued.token.expires_at),
            }
        )
        self.stdout.write(issued.key)
        self.stdout.write(_("Spara nyckeln nu: den visas bara den här gången."))

    def _revoke(self, options: dict[str, Any]) -> None:
        token = api_tokens().filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(_("Ingen nyckel har prefixet %(p)s.") % {"p": options["prefix"]})
        api_token_revoke(actor=None, token=token)
        self.stdout.write(
            _("API-nyckel %(prefix)s (%(name)s) är återkallad.")
            % {"prefix": token.prefix, "name": token.name}
        )

    def _list(self, options: dict[str, Any]) -> None:
        write = self.stdout.write
        write(
            f"{_('prefix'):<10}{_('status'):<12}{_('användare'):<20}{_('skapad'):<12}"
            f"{_('går ut'):<12}{_('senast använd'):<18}{_('namn')}"
        )
        for token in api_tokens():
            used = _minute(token.last_used_at) if token.last_used_at else "-"
            write(
                f"{token.prefix:<10}{token.state().label:<12}{token.user.username:<20}"
                f"{_date(token.created_at):<12}{_date(token.expires_at):<12}{used:<18}"
                f"{token.name}"
            )


def _date(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _minute(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
