"""Goal status: computed from outcome, target, direction and thresholds, and always explained.

Pure functions on plain values, so the rules can be read and tested as tables (DESIGN.md §6: the
status is computed, explained and kept; Open SDG's progress measure is the public model). What is
kept, and who sees it, is the business of `services` and `selectors`.

Three levels, each one function:
- `measure_status`: one value against one target (the total, or women or men);
- `indicator_status`: an indicator's groups together; a goal with targets for women and men is
  met only when it is met for both;
- `goal_status`: a goal from its parts (its own indicators and the goals under it) by the rule in
  `RULE_TEXT`, which the pages show word for word.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helhetsbild.analysis.catalogue import Direction
from helhetsbild.analysis.disclosure import Unit

DEFAULT_YELLOW_WITHIN = 10.0  # percent of the target


class Status(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NOT_ASSESSABLE = "not_assessable"
    METHOD_BREAK = "method_break"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])

    @property
    def meaning(self) -> str:
        return str(_STATUS_MEANINGS[self])

    @property
    def shape(self) -> str:
        """A shape beside the colour and the word, so that no one needs to tell colours apart."""
        return _STATUS_SHAPES[self]

    @property
    def assessable(self) -> bool:
        return self in (Status.GREEN, Status.YELLOW, Status.RED)


_STATUS_LABELS = {
    Status.GREEN: gettext_lazy("Grön"),
    Status.YELLOW: gettext_lazy("Gul"),
    Status.RED: gettext_lazy("Röd"),
    Status.NOT_ASSESSABLE: gettext_lazy("Kan inte bedömas"),
    Status.METHOD_BREAK: gettext_lazy("Metodbyte"),
}
_STATUS_MEANINGS = {
    Status.GREEN: gettext_lazy("målet är nått"),
    Status.YELLOW: gettext_lazy("nära målet, inom gränsen för gul"),
    Status.RED: gettext_lazy("längre från målet än gränsen för gul"),
    Status.NOT_ASSESSABLE: gettext_lazy("utfall eller målvärde saknas, eller utfallet är dolt"),
    Status.METHOD_BREAK: gettext_lazy("indikatorns definition har ändrats sedan utgångsåret"),
}
_STATUS_SHAPES = {
    Status.GREEN: "●",
    Status.YELLOW: "▲",
    Status.RED: "■",
    Status.NOT_ASSESSABLE: "○",
    Status.METHOD_BREAK: "◇",
}
# Worst first: the order in which groups of one indicator decide its status.
_WORST_FIRST = (Status.RED, Status.YELLOW, Status.GREEN)
_COLOUR_COUNTS = (
    (Status.GREEN, "%(count)s grön", "%(count)s gröna"),
    (Status.YELLOW, "%(count)s gul", "%(count)s gula"),
    (Status.RED, "%(count)s röd", "%(count)s röda"),
)


class Fulfilment(StrEnum):
    """The responsible person's assessment, on the scale the municipalities and auditors use."""

    FULFILLED = "fulfilled"
    PARTLY_FULFILLED = "partly_fulfilled"
    NOT_FULFILLED = "not_fulfilled"

    @property
    def label(self) -> str:
        return str(FULFILMENT_LABELS[self])


FULFILMENT_LABELS = {
    Fulfilment.FULFILLED: gettext_lazy("Uppfyllt"),
    Fulfilment.PARTLY_FULFILLED: gettext_lazy("Delvis uppfyllt"),
    Fulfilment.NOT_FULFILLED: gettext_lazy("Ej uppfyllt"),
}
# The computed status each assessment corresponds to.
FULFILMENT_STATUS = {
    Fulfilment.FULFILLED: Status.GREEN,
    Fulfilment.PARTLY_FULFILLED: Status.YELLOW,
    Fulfilment.NOT_FULFILLED: Status.RED,
}


class Basis(StrEnum):
    COMPUTED = "computed"
    ASSESSMENT = "assessment"


@dataclass(frozen=True)
class Verdict:
    """A status and the words that explain it; `basis` says whether it was computed or, for a
    goal with nothing to compute from, taken from the responsible person's assessment."""

    status: Status
    explanation: str
    basis: Basis = Basis.COMPUTED


@dataclass(frozen=True, kw_only=True)
class Measure:
    """One value against one target in the year followed up, with what the comparison needs."""

    value: float | None
    target: float | None
    unit: Unit
    direction: Direction
    year: int
    yellow_within: float = DEFAULT_YELLOW_WITHIN
    suppressed: bool = False
    baseline_value: float | None = None
    baseline_year: int | None = None
    method_break_year: int | None = None


RULE_TEXT = gettext_lazy(
    "Ett mål får sin status från sina delar: de egna indikatorerna och målen närmast under det. "
    "Av de delar som kan bedömas blir målet grönt när alla är gröna, rött när mer än hälften är "
    "röda och gult annars. Delar som inte kan bedömas eller har metodbyte räknas inte, men "
    "redovisas. Har målet bara en del får det den delens status och förklaring. En indikator med "
    "målvärden för kvinnor och män är grön bara när målet nås för båda. Ett mål utan någon del som "
    "kan bedömas, till exempel en aktivitet utan indikator, får sin status från den ansvariges "
    "senaste bedömning (uppfyllt blir grönt, delvis uppfyllt gult, ej uppfyllt rött), och det står "
    "då vid statusen."
)
THRESHOLD_TEXT = gettext_lazy(
    "En indikator är grön när utfallet når målvärdet, gul när det ligger inom den gräns som satts "
    "för indikatorn (normalt 10 % av målvärdet) och röd när det ligger längre från målet. Den kan "
    "inte bedömas när utfall eller målvärde saknas eller när utfallet är dolt för att skydda "
    "enskilda. Har indikatorns definition ändrats mellan utgångsåret och året som följs upp "
    "(metodbyte) jämförs inte värdena."
)


def measure_status(measure: Measure) -> Verdict:
    """Green when the target is reached, yellow within `yellow_within` percent of the target,
    red beyond; boundaries belong to the better colour ("within 10 %" includes exactly 10 %)."""
    year = measure.year
    if measure.suppressed:
        return _not_assessable(
            _("utfallet %(year)s är dolt eftersom det gäller för få personer") % {"year": year}
        )
    if measure.value is None:
        return _not_assessable(_("det finns inget utfall för %(year)s") % {"year": year})
    value = format_value(measure.value, measure.unit)
    if _method_break(measure):
        return Verdict(
            Status.METHOD_BREAK,
            _(
                "Metodbyte %(break)s: indikatorns definition ändrades efter utgångsåret "
                "%(baseline)s, så utfallet %(year)s (%(value)s) kan inte jämföras med "
                "utgångsvärdet och målet."
            )
            % {
                "break": measure.method_break_year,
                "baseline": measure.baseline_year,
                "year": year,
                "value": value,
            },
        )
    if measure.target is None:
        return _not_assessable(_("det finns inget målvärde för %(year)s") % {"year": year})
    status = _compare(measure)
    words = {
        "value": value,
        "target": format_value(measure.target, measure.unit),
        "within": format_number(measure.yellow_within),
    }
    against = (
        _("%(value)s mot målet %(target)s")
        if measure.direction == Direction.UP
        else _("%(value)s mot målet högst %(target)s")
    ) % words
    reason = {
        Status.GREEN: _("grön, målet är nått"),
        Status.YELLOW: _("gul, inom %(within)s %% av målet"),
        Status.RED: _("röd, mer än %(within)s %% från målet"),
    }[status] % words
    explanation = f"{against}: {reason}."
    if measure.baseline_value is not None and measure.baseline_year is not None:
        explanation += " " + _("Utgångsvärde %(value)s (%(year)s).") % {
            "value": format_value(measure.baseline_value, measure.unit),
            "year": measure.baseline_year,
        }
    return Verdict(status, explanation)


def indicator_status(groups: Sequence[tuple[str, Verdict]]) -> Verdict:
    """An indicator's status from its groups (label, verdict): the total and, where there are
    targets for them, women and men. A target set for women and men must be met for each, so the
    worst group decides; a group that cannot be assessed leaves the indicator unassessed."""
    if not groups:
        return _not_assessable(_("det finns inget målvärde"))
    if len(groups) == 1:
        return groups[0][1]
    statuses = [verdict.status for _label, verdict in groups]
    if Status.METHOD_BREAK in statuses:
        status = Status.METHOD_BREAK
    elif Status.NOT_ASSESSABLE in statuses:
        status = Status.NOT_ASSESSABLE
    else:
        status = next(s for s in _WORST_FIRST if s in statuses)
    parts = " ".join(f"{label}: {verdict.explanation}" for label, verdict in groups)
    return Verdict(status, f"{parts} " + _("Sammantaget: %(status)s.") % {"status": _lower(status)})


def goal_status(parts: Sequence[Verdict], assessment: Fulfilment | None = None) -> Verdict:
    """A goal's status from its parts by `RULE_TEXT`; the assessment only stands in when no part
    can be assessed, and the verdict then says so."""
    computed = _derived(parts)
    if computed.status.assessable or assessment is None:
        return computed
    return Verdict(
        FULFILMENT_STATUS[assessment],
        _(
            "%(assessment)s enligt den ansvariges bedömning, eftersom ingen status kan räknas "
            "fram. %(computed)s"
        )
        % {"assessment": assessment.label, "computed": computed.explanation},
        Basis.ASSESSMENT,
    )


def assessment_differs(computed: Verdict, fulfilment: Fulfilment) -> bool:
    """Whether an assessment departs from the computed status, so that it needs a comment. A
    status that could not be computed, or that came from an assessment, has nothing to depart
    from."""
    if computed.basis != Basis.COMPUTED or not computed.status.assessable:
        return False
    return FULFILMENT_STATUS[fulfilment] != computed.status


def _derived(parts: Sequence[Verdict]) -> Verdict:
    if not parts:
        return _not_assessable(_("målet har inga indikatorer och inga mål under sig"))
    if len(parts) == 1:
        return Verdict(parts[0].status, parts[0].explanation)
    counts = Counter(part.status for part in parts)
    assessable = sum(counts[s] for s in _WORST_FIRST)
    left_out = len(parts) - assessable
    if assessable == 0:
        return _not_assessable(
            _("ingen av målets %(count)s delar kan bedömas") % {"count": len(parts)}
        )
    if counts[Status.GREEN] == assessable:
        status = Status.GREEN
    elif 2 * counts[Status.RED] > assessable:
        status = Status.RED
    else:
        status = Status.YELLOW
    colours = _listed(
        [
            ngettext(singular, plural, counts[status_]) % {"count": counts[status_]}
            for status_, singular, plural in _COLOUR_COUNTS
            if counts[status_]
        ]
    )
    explanation = ngettext(
        "%(status)s: av %(assessable)s del som kan bedömas är %(colours)s.",
        "%(status)s: av %(assessable)s delar som kan bedömas är %(colours)s.",
        assessable,
    ) % {"status": status.label, "assessable": assessable, "colours": colours}
    if left_out:
        explanation += " " + ngettext(
            "%(count)s del kan inte bedömas och räknas inte.",
            "%(count)s delar kan inte bedömas och räknas inte.",
            left_out,
        ) % {"count": left_out}
    return Verdict(status, explanation)


def _compare(measure: Measure) -> Status:
    """Decimal arithmetic on the numbers as written, so that 63 against 70 is exactly 10 % off."""
    assert measure.value is not None and measure.target is not None
    value, target = Decimal(str(measure.value)), Decimal(str(measure.target))
    if measure.direction == Direction.UP:
        shortfall = target - value
    elif measure.direction == Direction.DOWN:
        shortfall = value - target
    else:
        raise ValueError("a goal indicator's direction is up or down")
    if shortfall <= 0:
        return Status.GREEN
    if shortfall <= abs(target) * Decimal(str(measure.yellow_within)) / 100:
        return Status.YELLOW
    return Status.RED


def _method_break(measure: Measure) -> bool:
    """The comparison spans a change of definition: the break came after the baseline year and
    no later than the year followed up. Without a baseline there is nothing the break divides."""
    if measure.method_break_year is None or measure.baseline_year is None:
        return False
    return measure.baseline_year < measure.method_break_year <= measure.year


def _not_assessable(reason: str) -> Verdict:
    return Verdict(Status.NOT_ASSESSABLE, _("Kan inte bedömas: %(reason)s.") % {"reason": reason})


def _listed(words: list[str]) -> str:
    """ "a", "a och b", "a, b och c" """
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " " + _("och") + " " + words[-1]


def _lower(status: Status) -> str:
    return status.label.lower()


def format_value(value: float, unit: str) -> str:
    """A value with its unit in Swedish style: "63 %", "63,5 %", "3 200 kr", "14"."""
    if unit in (Unit.COUNT, Unit.AMOUNT):
        text = format_number(value, decimals=0)
    else:
        text = format_number(value)
    suffix = {Unit.SHARE: " %", Unit.AMOUNT: " kr", Unit.MONTHS: " mån."}.get(Unit(unit), "")
    return text + suffix


def format_number(value: float, decimals: int = 1) -> str:
    """Decimal comma, a non-breaking space between thousands, and no ",0" on a whole number."""
    rounded = round(value, decimals)
    if decimals and rounded == int(rounded):
        decimals = 0
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")
