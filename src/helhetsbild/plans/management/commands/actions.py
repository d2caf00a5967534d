"""`helhetsbild actions remind [--days N] [--today YYYY-MM-DD]`: e-mail each responsible person
the actions whose deadline is within N days (default 14) or past, once per deadline; run it daily
(cron or a systemd timer). The e-mail goes through Django's backend: the console in the demo."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.plans.services import reminders_send


class Command(BaseCommand):
    help = _("Åtgärder: påminn ansvariga inför tidsgränser.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="what", required=True)
        remind = commands.add_parser("remind", help=_("skicka påminnelser per e-post"))
        remind.add_argument("--days", type=int, default=14, help=_("dagar före tidsgränsen"))
        remind.add_argument("--today", help=_("dagens datum, ÅÅÅÅ-MM-DD (för test)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError(_("--days kan inte vara negativt."))
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(_("--today ska vara ett datum, ÅÅÅÅ-MM-DD.")) from error
        reminders = reminders_send(today=today or timezone.localdate(), days=options["days"])
        actions = sum(len(r.actions) for r in reminders)
        self.stdout.write(
            _("Skickade %(mails)s påminnelser om %(actions)s åtgärder.")
            % {"mails": len(reminders), "actions": actions}
        )
