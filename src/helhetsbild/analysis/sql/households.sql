-- Staging (temporary): the source systems' household ids, each replaced by a number. A household
-- id may be a case number or even an applicant's personnummer in the source system, so it never
-- enters the store. Numbers follow the smallest person key seen in the household; they are stable
-- only within one build.
CREATE TEMP TABLE households AS
SELECT
    household,
    row_number() OVER (ORDER BY min(person_key), household) AS household_key
FROM (
    SELECT household, person_key FROM raw_settlements WHERE household IS NOT NULL
    UNION ALL
    SELECT household, person_key FROM raw_assistance
) AS mentioned
GROUP BY household;
