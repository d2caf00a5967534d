"""`helhetsbild verify-log`: recompute the access log's hash chain from its start.

Exit status 0 with a Swedish summary when the chain is whole; 1, naming the first entry where it
breaks and how (changed, removed or inserted), when it is not. The summary ends with the head's
hash: written down somewhere outside the database, it lets a later run show that the chain has
not been rewritten as a whole.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from helhetsbild.accesslog.selectors import log_verify


class Command(BaseCommand):
    help = _("Kontrollerar att åtkomstloggens kedja av kontrollsummor är obruten.")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = log_verify()
        start = (
            _("från början")
            if verdict.start.sequence == 0
            else _("från ankaret efter gallringen, nr %(n)s") % {"n": verdict.start.sequence}
        )
        if verdict.first_break is not None:
            self.stderr.write(
                _("Åtkomstloggen är bruten: %(explanation)s.")
                % {"explanation": verdict.first_break.explanation}
            )
            self.stderr.write(
                _("%(n)s poster före brottet stämmer (kontrollerat %(start)s).")
                % {"n": verdict.checked, "start": start}
            )
            sys.exit(1)
        self.stdout.write(
            _("Åtkomstloggen är obruten: %(n)s poster kontrollerade %(start)s.")
            % {"n": verdict.checked, "start": start}
        )
        self.stdout.write(
            _("Senaste post: nr %(n)s, kontrollsumma %(hash)s")
            % {"n": verdict.last.sequence, "hash": verdict.last.hash}
        )
