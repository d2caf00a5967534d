"""`helhetsbild backup MÅL [--without-keys]`: a consistent backup of a SQLite installation into a
dated folder under MÅL, while the server runs. Exit status 1 on PostgreSQL, with the way to go.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.config import KeyFileRefused
from helhetsbild.operations.backups import ENVIRONMENT, LEFT_OUT, BackupRefused, backup_create


class Command(BaseCommand):
    help = _(
        "Säkerhetskopierar databasen (SQLite), nycklarna och de sparade importfilerna till en "
        "daterad mapp med manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help=_("mappen där kopian ska läggas"))
        parser.add_argument(
            "--without-keys",
            action="store_true",
            help=_("ta inte med nyckelfilerna (säkerhetskopiera dem separat)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create(
                destination=options["destination"], include_keys=not options["without_keys"]
            )
        except (BackupRefused, KeyFileRefused) as error:
            raise CommandError(str(error)) from None
        manifest, write = backup.manifest, self.stdout.write
        size = sum(entry["bytes"] for entry in manifest["files"])
        write(_("Säkerhetskopian är klar: %(folder)s") % {"folder": backup.folder})
        write(
            _(
                "%(files)s filer, %(mb)s MB: %(persons)s identiteter, %(batches)s "
                "importomgångar, %(rows)s karantänrader."
            )
            % {
                "files": len(manifest["files"]),
                "mb": f"{size / 1024**2:.1f}".replace(".", ","),
                "persons": manifest["counts"]["persons"],
                "batches": manifest["counts"]["import_batches"],
                "rows": manifest["counts"]["quarantine_rows"],
            }
        )
        absent = [
            name for name, kept in manifest["keys"].items() if kept in (ENVIRONMENT, LEFT_OUT)
        ]
        if absent:
            write(
                _(
                    "Nycklarna %(names)s ingår inte: utan dem går kopian inte att läsa. "
                    "Säkerhetskopiera dem separat."
                )
                % {"names": ", ".join(absent)}
            )
