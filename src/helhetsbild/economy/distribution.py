"""How the municipality distributes the state compensation between its committees: a rule it
decides and writes as data (`distribution.toml`, or its own file named by the setting
`COMPENSATION_DISTRIBUTION_FILE`), never one Helhetsbild makes up.

Per compensation type the rule lists age bands, each with committee codes and percentage
shares. The age is the one the type's amount follows (`age_at` of the type): the age at
reception, or at the end of the month before the payment. A type paid per day may only have one
band, since a person's age can change within the month the daily amounts are summed over.

The file is checked when it is read, against the rule book: the shares of a band add up to 100,
the bands neither overlap nor leave ages of the type uncovered. Whether the committees exist is
a question for the database, so `check_committees` asks it separately, where the rule is used.

A band's known sum in a month is split between its committees in whole kronor: each committee's
part is the running total of the shares, rounded half up, minus the running total before it, in
the order the file lists the committees (the same method as the monthly parts of the standard
compensation), so the parts add up to the band's sum exactly.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from helhetsbild.economy.compensation import (
    CellOf,
    Expected,
    PersonFacts,
    TallyCell,
    age_on,
    month_end,
    month_number,
)
from helhetsbild.economy.rules import (
    AgeAt,
    CompensationType,
    RuleBook,
    RulesError,
    read_rule_file,
)

WHOLE = 10_000  # shares are kept in hundredths of a percent: 100 % is 10 000

_ENTRY_FIELDS = {"type", "beslut", "motivering", "band"}
_BAND_FIELDS = {"age_min", "age_max", "shares"}


@dataclass(frozen=True)
class Share:
    committee: str  # the committee's code
    hundredths: int  # hundredths of a percent

    @property
    def percent(self) -> Decimal:
        return Decimal(self.hundredths) / 100


@dataclass(frozen=True)
class Band:
    type_code: str
    age_min: int
    age_max: int | None  # None: no upper limit
    shares: tuple[Share, ...]
    where: str  # file, line and entry, for error messages

    @property
    def id(self) -> str:
        """How outputs name the band: the type and its ages, e.g. standard_compensation/0-19."""
        return f"{self.type_code}/{self.age_min}-{'' if self.age_max is None else self.age_max}"

    @property
    def ages(self) -> str:
        return ages_text(self.age_min, self.age_max)

    def fits(self, age: int) -> bool:
        return self.age_min <= age and (self.age_max is None or age <= self.age_max)


@dataclass(frozen=True)
class TypeDistribution:
    kind: CompensationType
    bands: tuple[Band, ...]  # in age order
    decision: str  # `beslut`: the decision the rule rests on
    reasoning: str | None  # `motivering`

    @property
    def committees(self) -> tuple[str, ...]:
        """The committees that receive a share, in the order they first appear."""
        return tuple(dict.fromkeys(share.committee for band in self.bands for share in band.shares))

    def band_of(self, person: PersonFacts, month: dt.date) -> int | None:
        """The index of the band the person's amount of `month` falls in, or None where the
        register does not give the age."""
        if len(self.bands) == 1:
            return 0
        if person.birth_date is None:
            return None
        if self.kind.age_at == AgeAt.RECEPTION:
            if person.received is None:
                return None
            age = age_on(person.birth_date, person.received)
        else:
            age = age_on(person.birth_date, month_end(month_number(month) - 1))
        return next((index for index, band in enumerate(self.bands) if band.fits(age)), None)


@dataclass(frozen=True)
class Distribution:
    file: str  # the file's name, '' when none is configured
    types: tuple[TypeDistribution, ...]
    _by_code: dict[str, TypeDistribution] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {rule.kind.code: rule for rule in self.types})

    @property
    def configured(self) -> bool:
        return bool(self.types)

    def of(self, code: str) -> TypeDistribution | None:
        return self._by_code.get(code)


def distribution(book: RuleBook, path: Path | None = None) -> Distribution:
    """The municipality's rule, checked against the rule book; read again only when the file
    changes. An empty setting is no rule: the pages say so rather than invent one."""
    if path is None:
        configured = settings.COMPENSATION_DISTRIBUTION_FILE
        if not configured:
            return Distribution("", ())
        path = Path(configured)
    if not path.is_file():  # a mistyped setting must not read as "no rule decided"
        raise RulesError(
            _(
                "Fördelningsfilen %(path)s finns inte. Rätta "
                "HELHETSBILD_COMPENSATION_DISTRIBUTION_FILE, eller lämna den tom om kommunen "
                "inte har beslutat någon fördelning."
            )
            % {"path": path}
        )
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size, book)


def check_committees(rule: Distribution, known: Iterable[str]) -> None:
    """Every committee the rule names exists in the organisation."""
    codes = sorted(known)
    for kind_rule in rule.types:
        for band in kind_rule.bands:
            for share in band.shares:
                if share.committee not in codes:
                    raise RulesError(
                        _(
                            "%(where)s, fältet shares: nämnden %(code)s finns inte; kända nämnder "
                            "är %(known)s"
                        )
                        % {
                            "where": band.where,
                            "code": repr(share.committee),
                            "known": ", ".join(codes) or "–",
                        }
                    )


def split(amount: int, shares: Sequence[Share]) -> list[int]:
    """`amount` (whole kronor, not negative) in parts by the shares, adding up to it exactly."""
    parts = []
    before = running = 0
    for share in shares:
        running += share.hundredths
        after = (2 * amount * running + WHOLE) // (2 * WHOLE)
        parts.append(after - before)
        before = after
    return parts


def ages_text(age_min: int, age_max: int | None) -> str:
    if age_max is None and age_min == 0:
        return _("alla åldrar")
    if age_max is None:
        return _("%(age)s år och äldre") % {"age": age_min}
    return _("%(low)s–%(high)s år") % {"low": age_min, "high": age_max}


def band_cell(rule: Distribution, person: PersonFacts) -> CellOf:
    """Where a person's row is summed for the committees' table: (type code, month, band index,
    or None where the register does not give the age); a type the rule does not distribute is
    left out. The bands then add up to the totals per type and month, counted the same way."""

    def cell_of(row: Expected) -> TallyCell | None:
        kind_rule = rule.of(row.kind.code)
        if kind_rule is None:
            return None
        return (row.kind.code, row.month, kind_rule.band_of(person, row.month))

    return cell_of


@lru_cache(maxsize=4)
def _read(path: Path, _changed: int, _size: int, book: RuleBook) -> Distribution:
    """The file as read when it had this modification time and size: the page reads the rule on
    every request, and the file changes a few times a year."""
    text, data = read_rule_file(path, ("distribution",))
    entries = data.get("distribution", [])
    if not isinstance(entries, list):
        raise RulesError(
            _("%(file)s: distribution ska skrivas som [[distribution]].") % {"file": path.name}
        )
    entry_lines = _header_lines(text, "distribution")
    band_lines = _header_lines(text, "distribution.band")
    types = {kind.code: kind for kind in book}
    found: dict[str, str] = {}
    rules = []
    for number, raw in enumerate(entries, start=1):
        line = entry_lines[number - 1] if number <= len(entry_lines) else 0
        following = entry_lines[number] if number < len(entry_lines) else len(text.splitlines())
        where = _("%(file)s, rad %(line)d ([[distribution]] nr %(number)d)") % {
            "file": path.name,
            "line": line,
            "number": number,
        }
        own_lines = [n for n in band_lines if line < n <= following]
        rule = _type_distribution(raw, where, types, book, own_lines, line)
        if rule.kind.code in found:
            raise RulesError(
                _("%(where)s, fältet type: %(code)s fördelas redan i %(other)s")
                % {"where": where, "code": rule.kind.code, "other": found[rule.kind.code]}
            )
        found[rule.kind.code] = where
        rules.append(rule)
    return Distribution(path.name, tuple(rules))


def _header_lines(text: str, name: str) -> list[int]:
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]


def _type_distribution(
    raw: object,
    where: str,
    types: Mapping[str, CompensationType],
    book: RuleBook,
    band_lines: list[int],
    line: int,
) -> TypeDistribution:
    entry = _table(raw, where, "distribution", _ENTRY_FIELDS)
    code = _text(entry, where, "type")
    kind = types.get(code)
    if kind is None:
        raise _error(
            where,
            "type",
            _("okänd ersättningstyp %(code)s; kända är %(known)s")
            % {"code": repr(code), "known": ", ".join(sorted(types))},
        )
    if not kind.computed:
        raise _error(
            where,
            "type",
            _("%(code)s söks i efterhand; det finns ingen förväntad ersättning att fördela")
            % {"code": code},
        )
    decision = _text(entry, where, "beslut")
    reasoning = _text(entry, where, "motivering") if "motivering" in entry else None
    raw_bands = entry.get("band")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise _error(where, "band", _("saknas; ange minst ett [[distribution.band]]"))
    # A band's own header line where it has one ([[distribution.band]]), else its entry's.
    lines = band_lines if len(band_lines) == len(raw_bands) else [line] * len(raw_bands)
    bands = [
        _band(raw_band, code, _band_where(where, index, band_line))
        for index, (raw_band, band_line) in enumerate(zip(raw_bands, lines, strict=True), start=1)
    ]
    ordered = tuple(sorted(bands, key=lambda band: band.age_min))
    _check_ages(ordered, kind, book, where)
    if len(ordered) > 1 and kind.age_at == AgeAt.DAY:
        raise _error(
            ordered[1].where,
            "age_min",
            _(
                "%(code)s betalas per dygn och åldern kan skifta inom en månad; ange ett enda "
                "åldersband"
            )
            % {"code": code},
        )
    return TypeDistribution(kind, ordered, decision, reasoning)


def _band_where(where: str, index: int, line: int) -> str:
    return _("%(where)s, åldersband %(index)d på rad %(line)d") % {
        "where": where,
        "index": index,
        "line": line,
    }


def _band(raw: object, code: str, where: str) -> Band:
    band = _table(raw, where, "distribution.band", _BAND_FIELDS)
    age_min = _age(band, where, "age_min") or 0
    age_max = _age(band, where, "age_max")
    if age_max is not None and age_max < age_min:
        raise _error(
            where,
            "age_max",
            _("%(value)s är lägre än age_min, %(low)s") % {"value": age_max, "low": age_min},
        )
    shares = _shares(band.get("shares"), where)
    return Band(code, age_min, age_max, shares, where)


def _shares(raw: object, where: str) -> tuple[Share, ...]:
    if not isinstance(raw, dict) or not raw:
        raise _error(
            where,
            "shares",
            _("saknas; ange nämndernas koder och andelar i procent, till exempel %(example)s")
            % {"example": "{ UN = 60, SN = 40 }"},
        )
    shares = []
    for committee, value in raw.items():
        hundredths = _hundredths(value)
        if hundredths is None:
            raise _error(
                where,
                "shares",
                _(
                    "andelen för %(code)s, %(value)s, ska vara ett tal större än 0 och högst "
                    "100, med högst två decimaler"
                )
                % {"code": committee, "value": repr(value)},
            )
        shares.append(Share(committee, hundredths))
    total = sum(share.hundredths for share in shares)
    if total != WHOLE:
        raise _error(
            where,
            "shares",
            _("andelarna %(shares)s blir %(total)s procent, inte 100")
            % {
                "shares": " + ".join(_percent(share.hundredths) for share in shares),
                "total": _percent(total),
            },
        )
    return tuple(shares)


def _hundredths(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    exact = Decimal(str(value)) * 100
    if exact != exact.to_integral_value() or not 0 < exact <= WHOLE:
        return None
    return int(exact)


def _percent(hundredths: int) -> str:
    return f"{Decimal(hundredths) / 100:f}".replace(".", ",")


def _check_ages(bands: Sequence[Band], kind: CompensationType, book: RuleBook, where: str) -> None:
    """The bands cover every age of the type's rates exactly once."""
    rates = book.rates_of(kind)
    lowest = min((rate.age_min for rate in rates), default=0)
    oldest = [rate.age_max for rate in rates]
    highest = None if not oldest or None in oldest else max(a for a in oldest if a is not None)
    for before, band in zip(bands, bands[1:], strict=False):
        if before.age_max is None or band.age_min <= before.age_max:
            raise _error(
                band.where,
                "age_min",
                _("åldrarna %(ages)s överlappar åldersbandet %(other)s (%(where)s)")
                % {"ages": band.ages, "other": before.ages, "where": before.where},
            )
    gaps: list[tuple[int, int | None]] = []
    next_age: int | None = lowest
    for band in bands:
        assert next_age is not None  # only the last band is open, by the overlap check
        if band.age_min > next_age:
            gaps.append((next_age, band.age_min - 1))
        next_age = None if band.age_max is None else max(next_age, band.age_max + 1)
    if next_age is not None:
        gaps.append((next_age, None))
    for low, high in gaps:
        if highest is not None and low > highest:
            continue
        if highest is not None:
            high = highest if high is None else min(high, highest)
        raise _error(
            where,
            "band",
            _(
                "åldrarna %(gap)s saknas; banden ska täcka alla åldrar ersättningstypen har "
                "belopp för (%(ages)s)"
            )
            % {"gap": ages_text(low, high), "ages": ages_text(lowest, highest)},
        )


def _table(raw: object, where: str, name: str, allowed: set[str]) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise RulesError(
            _("%(where)s: [[%(name)s]] ska vara en tabell") % {"where": where, "name": name}
        )
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _error(
            where,
            unknown[0],
            _("okänt fält; tillåtna är %(allowed)s") % {"allowed": ", ".join(sorted(allowed))},
        )
    return raw


def _text(entry: Mapping[str, object], where: str, name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _error(where, name, _("saknas; ska vara en text inom citattecken"))
    return " ".join(value.split())


def _age(band: Mapping[str, object], where: str, name: str) -> int | None:
    value = band.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _error(
            where,
            name,
            _("%(value)s ska vara ett heltal, 0 eller större, utan citattecken")
            % {"value": repr(value)},
        )
    return value


def _error(where: str, name: str, problem: str) -> RulesError:
    return RulesError(
        _("%(where)s, fältet %(field)s: %(problem)s")
        % {"where": where, "field": name, "problem": problem}
    )
