"""`helhetsbild compensation expected|rules|distribution`: expected state compensation, its
rules, and its distribution between the municipality's committees.

`expected` prints one row per person, type and month: the person's pseudonym (never a
personnummer), the type, the month, the amount in kronor (null, or "okänt" in text, where the
rules or the register do not say), the rule row applied and its source. `--personnummer` limits
it to one person. `rules` checks the rule files and lists them: an administrator runs it after
adding a year's rates (docs/compensation.md). `distribution` prints the expected compensation per
committee, type, month and age band by the municipality's distribution rule, after disclosure
control as on the Ekonomi page: the same aggregates, whoever runs it.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import StoreMissing
from helhetsbild.economy.compensation import Expected, Window, window
from helhetsbild.economy.rules import LABELS, RulesError, rules
from helhetsbild.economy.selectors import (
    distributed_amounts,
    distributed_record,
    expected_for_person,
    expected_for_register,
    expected_record,
    rule_records,
)
from helhetsbild.register.identity import InvalidPersonnummer, parse_personnummer

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Command(BaseCommand):
    help = _("Förväntad statlig ersättning per person och månad, och reglerna den följer.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="what", required=True)
        expected = commands.add_parser(
            "expected", help=_("förväntad ersättning per person, typ och månad")
        )
        expected.add_argument("--format", choices=["text", "json"], default="text")
        expected.add_argument("--from", dest="first", help=_("första månad, ÅÅÅÅ-MM"))
        expected.add_argument("--to", dest="last", help=_("sista månad, ÅÅÅÅ-MM"))
        expected.add_argument("--personnummer", help=_("bara denna person"))
        listing = commands.add_parser("rules", help=_("kontrollera och visa regelfilerna"))
        listing.add_argument("--format", choices=["text", "json"], default="text")
        shares = commands.add_parser(
            "distribution", help=_("förväntad ersättning per nämnd enligt kommunens fördelning")
        )
        shares.add_argument("--format", choices=["text", "json"], default="text")
        shares.add_argument("--from", dest="first", help=_("första månad, ÅÅÅÅ-MM"))
        shares.add_argument("--to", dest="last", help=_("sista månad, ÅÅÅÅ-MM"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["what"] == "rules":
                self._rules(options["format"] == "json")
            elif options["what"] == "distribution":
                self._distribution(options)
            else:
                self._expected(options)
        except (RulesError, StoreMissing) as error:
            raise CommandError(str(error)) from error

    def _expected(self, options: dict[str, Any]) -> None:
        months = _window(options)
        people: Iterable[tuple[str, list[Expected]]]
        if options["personnummer"]:
            people = self._one_person(options["personnummer"], months)
        else:
            people = expected_for_register(None, months)
        if options["format"] == "json":
            self._write_json(people)
        else:
            self._write_text(people)

    def _one_person(self, raw: str, months: Window) -> list[tuple[str, list[Expected]]]:
        try:
            number = parse_personnummer(raw)
        except InvalidPersonnummer as error:
            raise CommandError(
                _("Ogiltigt personnummer: %(reason)s.") % {"reason": error}
            ) from None
        found = expected_for_person(None, number, months)
        if found is None:
            raise CommandError(_("Registret har ingen person med det personnumret."))
        if not found.in_store:
            raise CommandError(
                _("Personen finns inte i analysdatabasen än. Kör 'helhetsbild analyse'.")
            )
        return [(found.pseudonym, found.rows)]

    def _write_json(self, people: Iterable[tuple[str, list[Expected]]]) -> None:
        """One record a line, streamed person by person: the whole register does not fit in
        memory at once."""
        self.stdout.write("[")
        separator = ""
        for pseudonym, rows in people:
            lines = [
                json.dumps(expected_record(pseudonym, row), ensure_ascii=False) for row in rows
            ]
            self.stdout.write(separator + ",\n".join(lines), ending="")
            separator = ",\n"
        self.stdout.write("\n]")

    def _write_text(self, people: Iterable[tuple[str, list[Expected]]]) -> None:
        header = f"{_('person'):<12}{_('månad'):<9}{_('belopp, kr'):>12}"
        self.stdout.write(f"{header}  {_('ersättning')} ({_('regel')})")
        for pseudonym, rows in people:
            for row in rows:
                amount = _("okänt") if row.amount is None else _kronor(row.amount)
                rule = row.rate.id if row.rate else "–"
                line = (
                    f"{pseudonym[:10]:<12}{row.month:%Y-%m}  {amount:>12}  {row.kind.name} ({rule})"
                )
                self.stdout.write(line + (f": {row.reason}" if row.reason else ""))

    def _distribution(self, options: dict[str, Any]) -> None:
        rows = distributed_amounts(None, _window(options))
        if not rows:
            self.stderr.write(
                _("Kommunen har ingen fördelning mellan nämnderna, eller inga belopp att fördela.")
            )
        if options["format"] == "json":
            records = [distributed_record(row) for row in rows]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{_('nämnd'):<8}{_('månad'):<9}{_('andel'):>8}{_('belopp, kr'):>16}")
        for row in rows:
            committee = row.share.committee if row.share else "?"
            share = f"{row.share.percent:f} %".replace(".", ",") if row.share else ""
            rule = row.band.id if row.band else row.rule.kind.code
            self.stdout.write(
                f"{committee:<8}{row.month:%Y-%m}  {share:>8}{row.amount.text:>16}  {rule}"
            )

    def _rules(self, as_json: bool) -> None:
        book = rules()
        if as_json:
            self.stdout.write(json.dumps(rule_records(book), ensure_ascii=False, indent=2))
            return
        for kind in book:
            self.stdout.write(f"{kind.name} ({kind.code}), {LABELS[kind.payment]}")
            for rate in book.rates_of(kind):
                amount = _("okänt") if rate.amount is None else _kronor(rate.amount)
                ages = f"{rate.age_min}–{'' if rate.age_max is None else rate.age_max}"
                self.stdout.write(
                    f"  {rate.id:<32}{rate.valid_from} – {str(rate.valid_to or ''):<12}"
                    f"{ages:<7}{amount:>8} {LABELS[kind.unit]}"
                )
        self.stdout.write(_("Regelfilerna är kontrollerade: inga fel."))


def _kronor(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def _window(options: dict[str, Any]) -> Window:
    first, last = _month(options["first"]), _month(options["last"])
    if first and last and last < first:
        raise CommandError(_("--to ligger före --from."))
    return window(first, last)


def _month(text: str | None) -> dt.date | None:
    if text is None:
        return None
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(_("Månaden %(value)s ska skrivas ÅÅÅÅ-MM.") % {"value": text})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)
