-- id = "samhallsorientering_12"
-- title = "Genomfört samhällsorientering inom 12 månader"
-- definition = """Andel av de nyanlända som var 18–64 år när de bosatte sig i kommunen som
-- avslutade samhällsorientering inom 12 månader från folkbokföringsdatumet. Personen räknas det
-- år då de 12 månaderna gick ut."""
-- unit = "share"
-- direction = "up"
-- theme = "Språk och samhällsorientering"
-- period = "Året då 12 månader har gått sedan bosättningen"
WITH measured AS (
    SELECT
        person_key,
        settlement_date,
        CAST(settlement_date + INTERVAL 12 MONTH AS DATE) AS measured_on
    FROM persons
    WHERE date_sub('year', birth_date, settlement_date) BETWEEN 18 AND 64
)
SELECT
    measured.person_key,
    CAST(year(measured.measured_on) AS INTEGER) AS period,
    measured.measured_on,
    EXISTS (
        SELECT 1
        FROM episodes AS course
        WHERE course.person_key = measured.person_key
          AND course.kind = 'civic_orientation'
          AND course.end_date IS NOT NULL
          AND course.end_date <= measured.measured_on
          AND course.end_date >= measured.settlement_date
    ) AS value
FROM measured
CROSS JOIN build_info AS info
WHERE measured.measured_on <= info.reference_date
