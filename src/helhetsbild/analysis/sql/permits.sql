-- One row per person and decision date. The same decision held by several committees, or under
-- a samordningsnummer and the personnummer it became, is one row: each column takes the value of
-- the record written last (by import batch, then record id).
CREATE TABLE permits AS
SELECT
    person_key,
    decision_date,
    max_by(permit_type, written) AS permit_type,
    max_by(ground, written) AS ground
FROM raw_permits
GROUP BY person_key, decision_date;
