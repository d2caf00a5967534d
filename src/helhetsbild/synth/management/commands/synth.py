"""`helhetsbild synth`: write a synthetic municipality in the canonical import format."""

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhetsbild.synth.generator import generate


class Command(BaseCommand):
    help = (
        "Skriver en syntetisk kommun i det kanoniska importformatet: sex CSV-filer med "
        "testpersonnummer (serien 980-999) som inte kan tillhöra en verklig person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="antal personer")
        parser.add_argument("--seed", type=int, required=True, help="slumpfrö")
        parser.add_argument("--out", type=Path, required=True, help="katalog för filerna")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="referensdatum ÅÅÅÅ-MM-DD (standard: i dag); inga datum efter det",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or date.today()
        started = time.perf_counter()
        try:
            counts = generate(
                options["persons"], options["seed"], options["out"], as_of, self._progress
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows} rader")
        self.stdout.write(f"klart på {time.perf_counter() - started:.1f} s, referensdatum {as_of}")

    def _progress(self, persons: int) -> None:
        self.stderr.write(f"{persons} personer skrivna")
