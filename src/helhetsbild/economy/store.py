"""Expected compensation over the analysis store: the person facts the rules read, streamed,
and the rows the rules give for them.

The store already holds one row per fact after merging what several committees imported and
linking a samordningsnummer to the personnummer it became (docs/analysis-store.md), and nothing
that identifies anyone. `person_key` is the id of the register's canonical `Person`, so the
pseudonym is one lookup away for the few outputs that name a person.

One query gathers each person's facts into one row (lists for permits, settlements and
placements), and the rows arrive in chunks: memory stays flat however large the register.
"""

import datetime as dt
from collections.abc import Iterator

import duckdb

from helhetsbild.economy.compensation import (
    Expected,
    PersonFacts,
    Tally,
    Window,
    expected_for,
    month_start,
)
from helhetsbild.economy.rules import RuleBook

CHUNK = 10_000

_QUERY = """
WITH grounds AS (
    SELECT person_key, list(DISTINCT ground) AS grounds
    FROM permits
    GROUP BY person_key
),
residence AS (
    SELECT
        person_key,
        list(settlement_date ORDER BY settlement_date) AS settled,
        list(moved_out_date ORDER BY settlement_date) AS moved
    FROM settlements
    GROUP BY person_key
),
placement_days AS (
    SELECT person_key, start_date, coalesce(end_date, info.reference_date) AS end_date
    FROM episodes
    CROSS JOIN build_info AS info
    WHERE kind = 'placement' AND coalesce(end_date, info.reference_date) >= start_date
),
placements AS (
    SELECT
        person_key,
        list(start_date ORDER BY start_date) AS starts,
        list(end_date ORDER BY start_date) AS ends,
        min(start_date) AS first_day,
        max(end_date) AS last_day
    FROM placement_days
    GROUP BY person_key
)
SELECT
    persons.person_key,
    persons.birth_date,
    persons.settlement_date,
    persons.settlement_form,
    grounds.grounds,
    persons.unaccompanied,
    residence.settled,
    residence.moved,
    placements.starts,
    placements.ends
FROM persons
LEFT JOIN grounds USING (person_key)
LEFT JOIN residence USING (person_key)
LEFT JOIN placements USING (person_key)
WHERE {condition}
ORDER BY persons.person_key
"""


def person_facts(
    connection: duckdb.DuckDBPyConnection,
    book: RuleBook,
    months: Window,
    person_key: int | None = None,
) -> Iterator[list[PersonFacts]]:
    """Chunks of the facts of every person who may have expected compensation in `months`
    (or of the one person), in key order."""
    condition, parameters = _condition(book, months, person_key)
    result = connection.execute(_QUERY.format(condition=condition), parameters)
    while chunk := result.fetchmany(CHUNK):
        yield [_facts(row) for row in chunk]


def expected_in_store(
    connection: duckdb.DuckDBPyConnection,
    book: RuleBook,
    months: Window,
    person_key: int | None = None,
) -> Iterator[list[tuple[int, list[Expected]]]]:
    """Chunks of (person key, rows) for the persons with expected compensation in `months`."""
    for chunk in person_facts(connection, book, months, person_key):
        found = [(person.key, expected_for(person, book, months)) for person in chunk]
        yield [(key, rows) for key, rows in found if rows]


def tally_in_store(connection: duckdb.DuckDBPyConnection, book: RuleBook, months: Window) -> Tally:
    """The expected compensation of everyone, summed per type and month."""
    tally = Tally()
    for chunk in expected_in_store(connection, book, months):
        for _key, rows in chunk:
            tally.add(rows)
    return tally


def _condition(book: RuleBook, months: Window, person_key: int | None) -> tuple[str, list[object]]:
    """Leave out, in the database, persons who cannot have rows in the window: received too
    long before it or after it, and placed only outside it. The rules decide the rest."""
    if person_key is not None:
        return "persons.person_key = ?", [person_key]
    first_day, last_day = (dt.date.fromordinal(day) for day in months.days())
    received_from = dt.date.min
    if months.first is not None:
        # The longest period of any computed type: its last part is paid that many months after
        # the month of reception; a one-off amount falls in the month after it.
        longest = max((kind.period_months or 1 for kind in book if kind.computed), default=1)
        received_from = month_start(months.first - longest)
    return (
        "(persons.settlement_date BETWEEN ? AND ?)"
        " OR (placements.first_day <= ? AND placements.last_day >= ?)",
        [received_from, last_day, last_day, first_day],
    )


NO_GROUNDS: frozenset[str] = frozenset()


def _facts(row: tuple) -> PersonFacts:  # type: ignore[type-arg]
    """Positional and without checks: this runs once per person, a million times nationally."""
    key, birth, received, form, grounds, unaccompanied, settled, moved, starts, ends = row
    return PersonFacts(
        key,
        birth,
        received,
        form,
        frozenset(grounds) if grounds else NO_GROUNDS,
        unaccompanied,
        tuple(zip(settled, moved, strict=False)) if settled else (),
        tuple(zip(starts, ends, strict=False)) if starts else (),
    )
