import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.imports.selectors import register_status


class Command(BaseCommand):
    help = _("Visar registrets innehåll per slag och nämnd, importomgångarna och var data finns.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help=_("skriv som JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        status = register_status()
        if options["json"]:
            self.stdout.write(json.dumps(status, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("Datamapp: %(d)s") % {"d": status["data_dir"]})
        self.stdout.write(
            _("Databas: %(v)s %(n)s")
            % {"v": status["database"]["vendor"], "n": status["database"]["name"]}
        )
        for kind, per_committee in status["counts"].items():
            spread = ", ".join(f"{code} {n}" for code, n in sorted(per_committee.items())) or "0"
            self.stdout.write(f"  {kind}: {spread}")
        self.stdout.write(_("Importomgångar: %(n)s") % {"n": len(status["batches"])})
        for batch in status["batches"][-20:]:
            self.stdout.write(
                f"  #{batch['id']} {batch['committee']} {batch['kind']} {batch['state']} "
                f"{batch['accepted']}/{batch['rows']} {batch['file_name']}"
            )
        self.stdout.write(_("Analysdatabasens senaste byggen:"))
        for build in status["analysis_builds"]:
            why = f": {build['error']}" if build["error"] else ""
            self.stdout.write(f"  #{build['id']} {build['state']} {build['started_at']}{why}")
        if status["unread_batches"]:
            unread = ", ".join(f"#{n}" for n in status["unread_batches"])
            self.stdout.write(
                _(
                    "Importomgångar som analysdatabasen inte har läst: %(b)s. "
                    "Kör helhetsbild analyse."
                )
                % {"b": unread}
            )
