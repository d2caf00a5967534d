-- Staging (temporary): each identity that became another one, a samordningsnummer that became a
-- personnummer, mapped to the identity in use now. Successors are followed as far as they go, at
-- most ten links, as the register does. Identities without a successor are their own key.
CREATE TEMP TABLE person_keys AS
WITH RECURSIVE chain (person_id, person_key, links) AS (
    SELECT id, successor_id, 1
    FROM raw_identities
    UNION ALL
    SELECT chain.person_id, onward.successor_id, chain.links + 1
    FROM chain
    JOIN raw_identities AS onward ON onward.id = chain.person_key
    WHERE chain.links < 10
)
SELECT person_id, max_by(person_key, links) AS person_key
FROM chain
GROUP BY person_id;
