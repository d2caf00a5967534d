-- One row per person, study path, course and start date (deduplicated as in settlements.sql).
CREATE TABLE sfi_courses AS
SELECT
    person_key,
    study_path,
    course,
    start_date,
    max_by(end_date, written) FILTER (WHERE end_date IS NOT NULL) AS end_date,
    max_by(grade, written) FILTER (WHERE grade IS NOT NULL) AS grade
FROM raw_sfi_courses
GROUP BY person_key, study_path, course, start_date;
