"""`helhetsbild restore KÄLLA [--force] [--keys MAPP] [--no-analyse]`: put a backup made by
`helhetsbild backup` into the data folder, then migrate and rebuild the analysis store.

It checks the manifest's hashes and that the keys open the backed-up register before it changes
anything. Exit status 0 when restored, 1 when refused (nothing changed).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import build_store
from helhetsbild.config import KeyFileRefused
from helhetsbild.operations.backups import BackupRefused, backup_restore, require_sqlite


class Command(BaseCommand):
    help = _("Återläser en säkerhetskopia från helhetsbild backup till datamappen.")
    # The checks would open, and so create, the very database this command is to put in place.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help=_("säkerhetskopians mapp"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("återläs även om datamappen har ett register (det flyttas undan)"),
        )
        parser.add_argument(
            "--keys", type=Path, help=_("mapp med nyckelfilerna, om kopian gjordes utan nycklar")
        )
        parser.add_argument(
            "--no-analyse", action="store_true", help=_("bygg inte om analysdatabasen efteråt")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require_sqlite()
            database = Path(connection.settings_dict["NAME"])
            connections.close_all()
            restored = backup_restore(
                source=options["source"],
                data_dir=Path(settings.DATA_DIR),
                database=database,
                force=options["force"],
                keys_folder=options["keys"],
            )
        except (BackupRefused, KeyFileRefused) as error:
            raise CommandError(str(error)) from None
        write, manifest = self.stdout.write, restored.manifest
        write(
            _(
                "Återläst från %(source)s (säkerhetskopia från %(when)s): %(persons)s "
                "identiteter, %(batches)s importomgångar, %(rows)s karantänrader."
            )
            % {
                "source": options["source"],
                "when": manifest["created_at"],
                "persons": manifest["counts"]["persons"],
                "batches": manifest["counts"]["import_batches"],
                "rows": manifest["counts"]["quarantine_rows"],
            }
        )
        if restored.moved_aside:
            write(
                _("Det som fanns i datamappen ligger nu i %(folder)s.")
                % {"folder": restored.moved_aside}
            )
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_analyse"]:
            build = build_store(actor=None)
            write(_("Analysdatabasen är ombyggd (bygge %(id)s).") % {"id": build.pk})
        write(_("Starta om servern."))
