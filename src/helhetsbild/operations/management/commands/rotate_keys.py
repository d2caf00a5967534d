"""`helhetsbild rotate-keys [--new-pseudonym-key-file FIL] [--new-encryption-key-file FIL]
[--no-analyse]` and `helhetsbild rotate-keys --confirm`.

Run with the server and imports stopped: a process that still holds the old keys would write
identities the new keys cannot find. Exit status 0 when done, 1 when refused (nothing changed).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import build_store
from helhetsbild.config import KeyFileRefused, read_key_file
from helhetsbild.operations.keyring import ENCRYPTION, PSEUDONYM, KeyProblem
from helhetsbild.operations.rotation import (
    RotationResult,
    key_rotation_confirm,
    key_rotation_resume,
    keys_rotate,
)


class Command(BaseCommand):
    help = _(
        "Byter pseudonymnyckeln och krypteringsnyckeln: krypterar om alla personnummer och "
        "karantänrader och räknar om alla pseudonymer i en transaktion."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-pseudonym-key-file", type=Path, help=_("den nya pseudonymnyckeln (annars ny)")
        )
        parser.add_argument(
            "--new-encryption-key-file",
            type=Path,
            help=_("den nya krypteringsnyckeln, en Fernet-nyckel (annars ny)"),
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help=_("bekräfta att de nya nycklarna fungerar och ta bort de gamla nyckelfilerna"),
        )
        parser.add_argument(
            "--no-analyse", action="store_true", help=_("bygg inte om analysdatabasen efteråt")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            resumed = key_rotation_resume()
            if resumed:
                self.stdout.write(resumed)
            elif options["confirm"]:
                rotation = key_rotation_confirm()
                self.stdout.write(
                    _("Nyckelbyte nr %(id)s är bekräftat; de gamla nyckelfilerna är borttagna.")
                    % {"id": rotation.pk}
                )
            else:
                result = keys_rotate(
                    pseudonym_key=_read(options["new_pseudonym_key_file"]),
                    encryption_key=_read(options["new_encryption_key_file"]),
                )
                self._report(result, options)
        except (KeyProblem, KeyFileRefused) as error:
            raise CommandError(str(error)) from None

    def _report(self, result: RotationResult, options: dict[str, Any]) -> None:
        write, rotation = self.stdout.write, result.rotation
        write(
            _(
                "Nyckelbyte nr %(id)s är klart: %(persons)s identiteter fick ny pseudonym och "
                "krypterades om, liksom %(rows)s karantänrader. De tidigare pseudonymerna är "
                "sparade krypterade, så att åtkomstloggens äldre poster hittar rätt person."
            )
            % {"id": rotation.pk, "persons": rotation.persons, "rows": rotation.quarantine_rows}
        )
        for path in result.key_files:
            write(
                _("Ny nyckel i %(path)s; den gamla finns kvar i %(path)s.previous.")
                % {"path": path}
            )
        files = {
            PSEUDONYM: options["new_pseudonym_key_file"],
            ENCRYPTION: options["new_encryption_key_file"],
        }
        for env_var in result.environment:
            write(
                _("Sätt %(var)s till innehållet i %(file)s innan servern startas igen.")
                % {"var": env_var, "file": files[env_var]}
            )
        if not options["no_analyse"]:
            build = build_store(actor=None)
            write(_("Analysdatabasen är ombyggd (bygge %(id)s).") % {"id": build.pk})
        write(
            _(
                "Starta om servern med de nya nycklarna, kontrollera med 'helhetsbild check "
                "--database default' och bekräfta sedan med 'helhetsbild rotate-keys --confirm'."
            )
        )


def _read(path: Path | None) -> str | None:
    return read_key_file(path) if path else None
