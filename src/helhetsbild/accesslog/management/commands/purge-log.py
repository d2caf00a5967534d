"""`helhetsbild purge-log --user USERNAME`: remove access-log entries older than the retention
period (HELHETSBILD_ACCESS_LOG_RETENTION_YEARS, five by default).

The user named is the administrator who answers for the purge; it is logged in their name. The
chain stays verifiable: it starts from the hash of the last entry removed. Exit status 0; 1 when
the user does not exist or may not purge.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.accesslog.services import access_log_purge


class Command(BaseCommand):
    help = _("Gallrar poster i åtkomstloggen som är äldre än lagringstiden.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", required=True, help=_("systemförvaltaren som ansvarar för gallringen")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Användaren %(u)s finns inte.") % {"u": options["user"]})
        try:
            removed = access_log_purge(actor=user)
        except PermissionDenied:
            raise CommandError(
                _("%(u)s får inte gallra åtkomstloggen.") % {"u": user.username}
            ) from None
        years = settings.ACCESS_LOG_RETENTION_YEARS
        if removed:
            self.stdout.write(
                _("%(n)s poster äldre än %(years)s år är gallrade.")
                % {"n": removed, "years": years}
            )
        else:
            self.stdout.write(_("Inga poster är äldre än %(years)s år.") % {"years": years})
