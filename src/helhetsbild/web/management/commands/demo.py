"""`helhetsbild demo [--persons N] [--no-serve]`: the demo municipality in one command."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import build_store
from helhetsbild.goals.demo import goals_demo_ensure
from helhetsbild.plans.services import plans_demo_ensure
from helhetsbild.web.demo import DEMO_PASSWORD, demo_files, demo_import, demo_users


class Command(BaseCommand):
    help = _("Bygger demokommunen: databas, nämnder, en användare per roll och syntetiska data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons", type=int, default=5000, help=_("antal syntetiska personer")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("slumpfrö"))
        parser.add_argument("--no-serve", action="store_true", help=_("starta inte webbservern"))
        parser.add_argument("--addr", default="127.0.0.1:8000", help=_("adress och port"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["persons"] < 0:
            raise CommandError(_("Antalet personer kan inte vara negativt."), returncode=2)
        call_command("migrate", interactive=False, verbosity=0)
        users = demo_users()
        if options["persons"]:
            folder = demo_files(options["persons"], options["seed"], timezone.localdate(), self.say)
            self.say(_("Importerar genom den vanliga importen:"))
            results = demo_import(folder, self.say)
            if not all(result.succeeded for result in results):
                raise CommandError(_("Demoimporten misslyckades; se rapporten ovan."))
            build = build_store(actor=None, progress=self.say)
            self.say(_("Analysdatabasen är byggd (bygge %(id)s).") % {"id": build.pk})
        goals = goals_demo_ensure()
        audit = plans_demo_ensure()
        self.say(
            _("Mål: %(goals)s i årets plan. Granskning: %(audit)s.")
            % {"goals": goals, "audit": audit.title}
        )
        self.say(_("Demoanvändare (lösenord för alla: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for username, role, committee in users:
            self.say(f"  {username:<18} {role}{' – ' + committee if committee else ''}")
        if not options["no_serve"]:
            self.say(
                _("Öppna http://%(addr)s/ i webbläsaren. Avsluta med Ctrl+C.")
                % {"addr": options["addr"]}
            )
            call_command("runserver", options["addr"], use_reloader=False)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
