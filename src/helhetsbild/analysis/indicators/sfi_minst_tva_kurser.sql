-- id = "sfi_minst_tva_kurser"
-- title = "Klarat minst två sfi-kurser inom två år"
-- definition = """Andel av dem som började sfi som fick godkänt betyg (A–E) på minst två olika
-- kurser som avslutades inom två år från den första kursens start. Personen räknas det år då de
-- två åren gick ut; studievägen är den första kursens."""
-- unit = "share"
-- direction = "up"
-- theme = "Språk och samhällsorientering"
-- period = "Året då två år har gått sedan den första sfi-kursen började"
-- kolada = "N18409"
-- breakdowns = ["studieväg"]
WITH first_course AS (
    SELECT
        person_key,
        min(start_date) AS started_on,
        arg_min(study_path, start_date) AS study_path
    FROM sfi_courses
    GROUP BY person_key
),
measured AS (
    SELECT person_key, study_path, CAST(started_on + INTERVAL 2 YEAR AS DATE) AS measured_on
    FROM first_course
)
SELECT
    measured.person_key,
    CAST(year(measured.measured_on) AS INTEGER) AS period,
    measured.measured_on,
    measured.study_path,
    (
        SELECT count(DISTINCT course.course)
        FROM sfi_courses AS course
        WHERE course.person_key = measured.person_key
          AND course.grade IN ('A', 'B', 'C', 'D', 'E')
          AND course.end_date <= measured.measured_on
    ) >= 2 AS value
FROM measured
CROSS JOIN build_info AS info
WHERE measured.measured_on <= info.reference_date
