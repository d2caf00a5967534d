"""`helhetsbild claims due|remind|payments|reconcile`: claims to Migrationsverket.

`due` lists candidates and unsent claims whose deadline falls within N days; `remind` e-mails
them to every controller with an e-mail address (Django's e-mail backend); `payments` imports a
payment specification (nothing saved on an error); `reconcile` matches the payments against the
expected compensation. Persons appear by pseudonym only.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import StoreMissing
from helhetsbild.economy.claim_selectors import (
    ClaimRow,
    due,
    due_record,
    reconciliation,
    type_name,
)
from helhetsbild.economy.reconciliation import STATUS_LABELS, PaymentFileError, monthly_summary
from helhetsbild.economy.services import payments_import
from helhetsbild.imports.reader import FileRejected
from helhetsbild.organisation.models import Role


class Command(BaseCommand):
    help = _("Ansökningar om statlig ersättning: tidsfrister, påminnelser och avstämning.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="what", required=True)
        for name, text in (
            ("due", _("det som ska sökas inom N dagar")),
            ("remind", _("påminn controllers med e-post")),
        ):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("--days", type=int, default=30)
            sub.add_argument(
                "--date", help=_("räkna från denna dag i stället för i dag, ÅÅÅÅ-MM-DD")
            )
            if name == "due":
                sub.add_argument("--format", choices=["text", "json"], default="text")
        payments = commands.add_parser("payments", help=_("läs in Migrationsverkets utbetalningar"))
        payments.add_argument("file", type=Path)
        rec = commands.add_parser("reconcile", help=_("stäm av utbetalt mot förväntat"))
        rec.add_argument("--date", help=_("räkna från denna dag i stället för i dag, ÅÅÅÅ-MM-DD"))
        rec.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["what"])(options)
        except (StoreMissing, FileRejected) as error:
            raise CommandError(str(error)) from error
        except PaymentFileError as error:
            raise CommandError(_("Inget lästes in.") + "\n" + str(error)) from error

    def _due(self, options: dict[str, Any]) -> None:
        rows = due(None, _days(options["days"]), _today(options["date"]))
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([due_record(r) for r in rows], ensure_ascii=False, indent=2)
            )
            return
        for row in rows:
            self.stdout.write(_line(row))

    def _remind(self, options: dict[str, Any]) -> None:
        days, today = _days(options["days"]), _today(options["date"])
        rows = due(None, days, today)
        if not rows:
            self.stdout.write(_("Inga tidsfrister inom %(days)d dagar.") % {"days": days})
            return
        recipients = sorted(
            set(
                User.objects.filter(is_active=True, memberships__role=Role.CONTROLLER)
                .exclude(email="")
                .values_list("email", flat=True)
            )
        )
        if not recipients:
            raise CommandError(_("Ingen aktiv controller har en e-postadress."))
        subject = _("Helhetsbild: %(count)d ansökningar har tidsfrist inom %(days)d dagar") % {
            "count": len(rows),
            "days": days,
        }
        body = "\n".join(
            [_("Sista dag för ansökan till Migrationsverket (personerna med pseudonym):"), ""]
            + [_line(row) for row in rows]
            + ["", _("Se sidan Återsökning i Helhetsbild.")]
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        self.stdout.write(
            _("Påminnelse skickad till %(count)d mottagare.") % {"count": len(recipients)}
        )

    def _payments(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Filen %(file)s finns inte.") % {"file": path})
        file = payments_import(None, path, path.name)
        self.stdout.write(
            _("%(file)s: %(count)d utbetalningar inlästa.")
            % {"file": path.name, "count": file.payments.count()}
        )

    def _reconcile(self, options: dict[str, Any]) -> None:
        lines = reconciliation(None, _today(options["date"]))
        if options["format"] == "json":
            records = [
                {
                    "person": line.person,
                    "type": line.type_code,
                    "month": f"{line.month:%Y-%m}",
                    "expected": line.expected,
                    "received": line.received,
                    "paid_on": line.paid_on.isoformat() if line.paid_on else None,
                    "status": str(line.status),
                }
                for line in lines
            ]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        for month in monthly_summary(lines):
            expected = _("okänt") if month.expected is None else str(month.expected)
            counts = ", ".join(f"{STATUS_LABELS[s]} {n}" for s, n in sorted(month.counts.items()))
            self.stdout.write(
                f"{month.month:%Y-%m} {type_name(month.type_code)}: {_('väntat')} {expected}, "
                f"{_('mottaget')} {month.received} ({counts})"
            )


def _line(row: ClaimRow) -> str:
    amount = _("okänt") if row.amount is None else f"{row.amount} kr"
    return (
        f"{row.deadline}  {row.pseudonym[:10]}  {row.type_name}, {row.period}: {amount} "
        f"({row.status})"
    )


def _days(days: int) -> int:
    if days < 0:
        raise CommandError(_("--days ska vara 0 eller fler."))
    return days


def _today(text: str | None) -> dt.date:
    if text is None:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Datumet %(value)s ska skrivas ÅÅÅÅ-MM-DD.") % {"value": text}
        ) from None
