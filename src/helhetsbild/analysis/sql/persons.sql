-- One row per person: everyone any record is about, so that every key in the other tables is
-- here (facts unknown to the register are NULL). The personal facts take, column by column, the
-- latest value that is not missing (as in settlements.sql). Settlement form and date come from
-- the first settlement in the municipality; moving out and household from the latest one; the
-- permit is the latest decision.
CREATE TABLE persons AS
WITH facts AS (
    SELECT
        person_key,
        max_by(sex, written) AS sex,
        max_by(birth_date, written) AS birth_date,
        max_by(education_level, written)
            FILTER (WHERE education_level IS NOT NULL) AS education_level,
        max_by(unaccompanied, written) FILTER (WHERE unaccompanied IS NOT NULL) AS unaccompanied
    FROM raw_person_records
    GROUP BY person_key
),
permits_by_recency AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY person_key ORDER BY decision_date DESC) AS recency
    FROM permits
),
settlements_in_order AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY person_key ORDER BY settlement_date) AS sequence,
        row_number() OVER (PARTITION BY person_key ORDER BY settlement_date DESC) AS recency
    FROM settlements
),
everyone AS (
    SELECT person_key FROM facts
    UNION SELECT person_key FROM permits
    UNION SELECT person_key FROM settlements
    UNION SELECT person_key FROM episodes
    UNION SELECT person_key FROM sfi_courses
    UNION SELECT applicant_key FROM assistance
)
SELECT
    everyone.person_key,
    facts.sex,
    facts.birth_date,
    facts.education_level,
    facts.unaccompanied,
    latest_permit.ground AS permit_ground,
    latest_permit.permit_type,
    first_settlement.settlement_form,
    first_settlement.settlement_date,
    CAST(year(first_settlement.settlement_date) AS INTEGER) AS settlement_year,
    latest_settlement.moved_out_date,
    latest_settlement.household_key
FROM everyone
LEFT JOIN facts USING (person_key)
LEFT JOIN permits_by_recency AS latest_permit
    ON latest_permit.person_key = everyone.person_key AND latest_permit.recency = 1
LEFT JOIN settlements_in_order AS first_settlement
    ON first_settlement.person_key = everyone.person_key AND first_settlement.sequence = 1
LEFT JOIN settlements_in_order AS latest_settlement
    ON latest_settlement.person_key = everyone.person_key AND latest_settlement.recency = 1;
