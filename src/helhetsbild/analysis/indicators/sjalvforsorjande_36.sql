-- id = "sjalvforsorjande_36"
-- title = "Självförsörjande 36 månader efter bosättning"
-- definition = """Andel av de nyanlända i åldern 20–64 år som bor i kommunen 36 månader efter
-- den månad de bosatte sig här och som då är självförsörjande: de arbetar eller studerar under
-- månaden och hushållet får inget försörjningsstöd för den."""
-- unit = "share"
-- direction = "up"
-- theme = "Självförsörjning"
-- period = "Året då personen har bott 36 månader i kommunen"
SELECT person_key, period, measured_on, age, months_since_settlement, self_sufficient AS value
FROM panel_at(36)
WHERE age BETWEEN 20 AND 64
