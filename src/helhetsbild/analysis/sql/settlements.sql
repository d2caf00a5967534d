-- One row per person and settlement date (deduplicated as in permits.sql; an optional column
-- takes the latest value that is not missing, so one committee's blank does not hide another's
-- fact).
CREATE TABLE settlements AS
SELECT
    raw.person_key,
    raw.settlement_date,
    max_by(raw.settlement_form, raw.written) AS settlement_form,
    max_by(households.household_key, raw.written)
        FILTER (WHERE households.household_key IS NOT NULL) AS household_key,
    max_by(raw.moved_out_date, raw.written)
        FILTER (WHERE raw.moved_out_date IS NOT NULL) AS moved_out_date
FROM raw_settlements AS raw
LEFT JOIN households USING (household)
GROUP BY raw.person_key, raw.settlement_date;
