-- One row per person, kind and start date (deduplicated as in settlements.sql). The free-text
-- detail of an episode is not carried over: it could name anyone.
CREATE TABLE episodes AS
SELECT
    person_key,
    kind,
    start_date,
    max_by(end_date, written) FILTER (WHERE end_date IS NOT NULL) AS end_date
FROM raw_episodes
GROUP BY person_key, kind, start_date;
