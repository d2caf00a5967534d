-- id = "sfi_avbrott"
-- title = "Avbrutit sfi"
-- definition = """Andel av dem som avslutade minst en sfi-kurs under året som avbröt någon av
-- de kurserna. Studievägen är den senast avslutade kursens."""
-- unit = "share"
-- direction = "down"
-- theme = "Språk och samhällsorientering"
-- period = "Året då kursen avslutades"
-- breakdowns = ["studieväg"]
SELECT
    person_key,
    CAST(year(end_date) AS INTEGER) AS period,
    max(end_date) AS measured_on,
    arg_max(study_path, end_date) AS study_path,
    bool_or(grade = 'dropped_out') AS value
FROM sfi_courses
WHERE end_date IS NOT NULL AND grade IS NOT NULL
GROUP BY person_key, year(end_date)
