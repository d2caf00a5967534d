-- Table macros that several indicators share, so that each definition is written once. The
-- build creates them in the store with its tables, so every connection that reads it has them.
-- docs/indicators.md describes what each returns.

-- The panel rows of everyone in their `months`-th month since settlement, measured then.
CREATE MACRO panel_at(months) AS TABLE
SELECT
    *,
    CAST(year(month) AS INTEGER) AS period,
    month AS measured_on
FROM person_months
WHERE months_since_settlement = months;

-- One row per person and calendar year they lived here, with the last month of that year they
-- did (where age and time in the municipality are measured) and whether any month of the year
-- had each property.
CREATE MACRO panel_years() AS TABLE
SELECT
    person_key,
    CAST(year(month) AS INTEGER) AS period,
    max(month) AS measured_on,
    bool_or(social_assistance) AS social_assistance,
    bool_or(establishment_programme) AS establishment_programme,
    bool_or(sfi) AS sfi,
    bool_or(mapping OR preparing OR matching) AS labour_measure,
    max_by(self_sufficient, month) AS self_sufficient_last_month
FROM person_months
GROUP BY person_key, year(month);

-- Everyone who left a step of the kinds `kinds` (episode kinds), with whether they worked or
-- studied `wait` later. Leaving is the end of an episode not continued by another episode of
-- those kinds starting by the next day; the latest such end per person and year counts. Only
-- those whose `wait` has passed by the reference date are included.
CREATE MACRO status_after_leaving(kinds, wait) AS TABLE
WITH steps AS (
    SELECT person_key, start_date, end_date
    FROM episodes
    WHERE list_contains(kinds, kind)
),
ends AS (
    SELECT ended.person_key, max(ended.end_date) AS left_on
    FROM steps AS ended
    WHERE ended.end_date IS NOT NULL
      AND NOT EXISTS (
          SELECT 1
          FROM steps AS next
          WHERE next.person_key = ended.person_key
            AND next.start_date <= ended.end_date + 1
            AND coalesce(next.end_date, DATE '9999-12-31') > ended.end_date
      )
    GROUP BY ended.person_key, year(ended.end_date)
),
measured AS (
    SELECT person_key, left_on, CAST(left_on + wait AS DATE) AS measured_on
    FROM ends
)
SELECT
    measured.person_key,
    CAST(year(measured.left_on) AS INTEGER) AS period,
    measured.measured_on,
    EXISTS (
        SELECT 1
        FROM episodes AS outcome
        WHERE outcome.person_key = measured.person_key
          AND outcome.kind IN ('employment', 'studies')
          AND outcome.start_date <= measured.measured_on
          AND coalesce(outcome.end_date, info.reference_date) >= measured.measured_on
    ) AS value
FROM measured
CROSS JOIN build_info AS info
WHERE measured.measured_on <= info.reference_date;

-- One row per household and calendar year with social assistance, through the person who
-- applied for its latest payment that year (whose sex and target groups the breakdowns use).
CREATE MACRO assisted_households() AS TABLE
SELECT
    max_by(applicant_key, month) AS person_key,
    CAST(year(month) AS INTEGER) AS period,
    max(month) AS measured_on,
    sum(amount) AS amount
FROM assistance
GROUP BY household_key, year(month);
