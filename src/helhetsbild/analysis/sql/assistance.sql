-- One row per household and month (deduplicated as in permits.sql): the amount paid and the
-- applicant.
CREATE TABLE assistance AS
SELECT
    households.household_key,
    raw.month,
    max_by(raw.amount, raw.written) AS amount,
    max_by(raw.person_key, raw.written) AS applicant_key
FROM raw_assistance AS raw
JOIN households USING (household)
GROUP BY households.household_key, raw.month;
