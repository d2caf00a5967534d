"""`helhetsbild indicators`: the indicator catalogue and every published result cell.

`--list` prints the catalogue; without it, every cell after disclosure control, exactly what the
pages, downloads and the API show. `--format json` for machines, otherwise a table per indicator
of the totals and the split by sex.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from helhetsbild.analysis.catalogue import Indicator
from helhetsbild.analysis.disclosure import TOTAL, Cell, display
from helhetsbild.analysis.selectors import (
    catalogue_for,
    catalogue_record,
    cell_record,
    cells_for,
    indicator_for,
)
from helhetsbild.analysis.store import StoreMissing


class Command(BaseCommand):
    help = _("Visar indikatorkatalogen eller alla indikatorvärden efter röjandekontroll.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help=_("visa katalogen"))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--from", dest="first", type=int, help=_("första år"))
        parser.add_argument("--to", dest="last", type=int, help=_("sista år"))
        parser.add_argument(
            "--indicator", action="append", help=_("bara denna indikator (kan upprepas)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        items = self._chosen(options["indicator"])
        as_json = options["format"] == "json"
        if options["list"]:
            records = [catalogue_record(item) for item in items]
            self._write_catalogue(records, as_json)
            return
        try:
            cells = cells_for(None, items, options["first"], options["last"])
        except StoreMissing as error:
            raise CommandError(str(error)) from error
        if as_json:
            self.stdout.write(json.dumps([cell_record(c) for c in cells], ensure_ascii=False))
        else:
            self._write_tables(items, cells)

    def _chosen(self, wanted: list[str] | None) -> list[Indicator]:
        if not wanted:
            return catalogue_for(None)
        chosen = []
        for identifier in wanted:
            item = indicator_for(None, identifier)
            if item is None:
                raise CommandError(_("Okänd indikator: %(id)s") % {"id": identifier})
            chosen.append(item)
        return chosen

    def _write_catalogue(self, records: list[dict[str, object]], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        for record in records:
            kolada = f" (Kolada {record['kolada']})" if record["kolada"] else ""
            self.stdout.write(f"{record['id']}: {record['title']}{kolada}")
            self.stdout.write(f"    {record['definition']}")

    def _write_tables(self, items: list[Indicator], cells: list[Cell]) -> None:
        for item in items:
            self.stdout.write(f"{item.title} ({item.id})")
            self.stdout.write(
                f"  {_('period'):<8}{_('totalt'):>12}{_('kvinnor'):>12}{_('män'):>12}"
            )
            mine = [c for c in cells if c.indicator == item.id]
            for period in sorted({c.period for c in mine}):
                row = {(c.breakdown, c.group): display(c) for c in mine if c.period == period}
                self.stdout.write(
                    f"  {period:<8}{row[(TOTAL, TOTAL)]:>12}"
                    f"{row.get(('kön', 'K'), ''):>12}{row.get(('kön', 'M'), ''):>12}"
                )
