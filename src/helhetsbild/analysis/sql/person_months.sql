-- The person-month panel: one row per newcomer and calendar month in which they lived in the
-- municipality for at least one day, from the month of their first settlement to the month they
-- moved out (inclusive), or the reference month while they still live here. docs/analysis-store.md
-- defines every column.
--
-- Built in stages in the build's scratch database, so that each stage is one pass that DuckDB can
-- spill to disk. Inside, a month is a number (year * 12 + month - 1) and the activities of a
-- month are bits of one integer: both far cheaper to generate, group and join than dates and a
-- dozen flags.

CREATE TEMP MACRO month_number(day) AS CAST(year(day) * 12 + month(day) - 1 AS INTEGER);

CREATE TEMP MACRO activity_bit(kind) AS CASE kind
    WHEN 'establishment_programme' THEN 1
    WHEN 'sfi' THEN 2
    WHEN 'civic_orientation' THEN 4
    WHEN 'mapping' THEN 8
    WHEN 'preparing' THEN 16
    WHEN 'matching' THEN 32
    WHEN 'internship' THEN 64
    WHEN 'employment' THEN 128
    WHEN 'studies' THEN 256
    WHEN 'placement' THEN 512
    WHEN 'firsthand_lease' THEN 1024
    WHEN 'secondhand_lease' THEN 2048
END;

CREATE TEMP MACRO has(bits, kind) AS (bits & activity_bit(kind)) <> 0;

-- Stage 1: each month the person lived here, with the household and the person's own activities
-- and leases. An episode or sfi course marks every month it covers at least one day of; one
-- still open runs to the reference date. A month covered by several settlement spells is one
-- row, in the household of the latest spell that names one.
CREATE TABLE scratch.person_month_facts AS
WITH reference AS (
    SELECT reference_date, month_number(reference_date) AS last_month FROM build_info
),
spells AS (
    SELECT
        person_key,
        settlement_date,
        household_key,
        0 AS bit,
        month_number(settlement_date) AS first_month,
        least(month_number(coalesce(moved_out_date, reference_date)), last_month) AS last_month
    FROM settlements
    CROSS JOIN reference
    UNION ALL
    SELECT
        person_key,
        NULL,
        NULL,
        activity_bit(kind),
        month_number(start_date),
        least(month_number(coalesce(end_date, reference_date)), last_month)
    FROM (
        SELECT person_key, kind, start_date, end_date FROM episodes
        UNION ALL
        SELECT person_key, 'sfi', start_date, end_date FROM sfi_courses
    ) AS activities
    CROSS JOIN reference
),
months AS (
    SELECT
        person_key,
        settlement_date,
        household_key,
        bit,
        unnest(range(first_month, last_month + 1)) AS month_number
    FROM spells
)
SELECT
    person_key,
    CAST(month_number AS INTEGER) AS month_number,
    max_by(household_key, settlement_date) AS household_key,
    bit_or(bit) AS activity_bits
FROM months
GROUP BY ALL
HAVING count(settlement_date) > 0;

-- Stage 2: a lease is usually registered on one adult; it houses the whole household that month.
CREATE TABLE scratch.household_leases AS
SELECT
    household_key,
    month_number,
    bit_or(activity_bits & (activity_bit('firsthand_lease') | activity_bit('secondhand_lease')))
        AS lease_bits
FROM scratch.person_month_facts
WHERE has(activity_bits, 'firsthand_lease') OR has(activity_bits, 'secondhand_lease')
GROUP BY household_key, month_number;

-- Stage 3: a household's assistance counts for every member living in it that month, and for the
-- applicant; a payment counts once for a person who is both.
CREATE TABLE scratch.assistance_months AS
SELECT household_key, month_number(month) AS month_number, amount, applicant_key
FROM assistance;

CREATE TABLE scratch.assistance_to_applicants_elsewhere AS
SELECT facts.person_key, facts.month_number, sum(paid.amount) AS amount
FROM scratch.person_month_facts AS facts
JOIN scratch.assistance_months AS paid
    ON paid.applicant_key = facts.person_key AND paid.month_number = facts.month_number
WHERE paid.household_key IS DISTINCT FROM facts.household_key
GROUP BY facts.person_key, facts.month_number;

-- Stage 4: the panel.
CREATE TABLE person_months AS
WITH combined AS (
    SELECT
        facts.person_key,
        make_date(facts.month_number // 12, facts.month_number % 12 + 1, 1) AS month,
        facts.month_number - month_number(persons.settlement_date) AS months_since_settlement,
        persons.birth_date,
        facts.household_key,
        facts.activity_bits | coalesce(leases.lease_bits, 0) AS bits,
        CAST(coalesce(paid.amount, 0) + coalesce(elsewhere.amount, 0) AS DECIMAL(14, 2))
            AS assistance_amount
    FROM scratch.person_month_facts AS facts
    JOIN persons USING (person_key)
    LEFT JOIN scratch.household_leases AS leases
        ON leases.household_key = facts.household_key
        AND leases.month_number = facts.month_number
    LEFT JOIN scratch.assistance_months AS paid
        ON paid.household_key = facts.household_key
        AND paid.month_number = facts.month_number
    LEFT JOIN scratch.assistance_to_applicants_elsewhere AS elsewhere
        ON elsewhere.person_key = facts.person_key
        AND elsewhere.month_number = facts.month_number
),
flags AS (
    SELECT
        person_key,
        month,
        months_since_settlement,
        CAST(date_sub('year', birth_date, month) AS INTEGER) AS age,
        household_key,
        has(bits, 'establishment_programme') AS establishment_programme,
        has(bits, 'sfi') AS sfi,
        has(bits, 'civic_orientation') AS civic_orientation,
        has(bits, 'mapping') AS mapping,
        has(bits, 'preparing') AS preparing,
        has(bits, 'matching') AS matching,
        has(bits, 'internship') AS internship,
        has(bits, 'employment') AS employment,
        has(bits, 'studies') AS studies,
        has(bits, 'placement') AS placement,
        assistance_amount > 0 AS social_assistance,
        assistance_amount,
        CASE
            WHEN has(bits, 'firsthand_lease') THEN 'firsthand_lease'
            WHEN has(bits, 'secondhand_lease') THEN 'secondhand_lease'
            ELSE 'none'
        END AS housing
    FROM combined
)
SELECT
    *,
    -- The priority: work and studies (the outcomes), then the step closest to work, the
    -- programme, the municipal steps from the last to the first, language, civic orientation,
    -- and a care placement last.
    CASE
        WHEN employment THEN 'employment'
        WHEN studies THEN 'studies'
        WHEN internship THEN 'internship'
        WHEN establishment_programme THEN 'establishment_programme'
        WHEN matching THEN 'matching'
        WHEN preparing THEN 'preparing'
        WHEN mapping THEN 'mapping'
        WHEN sfi THEN 'sfi'
        WHEN civic_orientation THEN 'civic_orientation'
        WHEN placement THEN 'placement'
        ELSE 'none'
    END AS main_activity,
    (employment OR studies) AND NOT social_assistance AS self_sufficient
FROM flags;
