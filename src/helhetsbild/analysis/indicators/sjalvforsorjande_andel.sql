-- id = "sjalvforsorjande_andel"
-- title = "Självförsörjande nyanlända"
-- definition = """Andel av de nyanlända i åldern 20–64 år som är självförsörjande i december
-- (för innevarande år: referensmånaden): de arbetar eller
-- studerar och hushållet får inget försörjningsstöd den månaden."""
-- unit = "share"
-- direction = "up"
-- theme = "Självförsörjning"
-- period = "Kalenderår, mätt i december"
-- key = true
SELECT person_key, CAST(year(month) AS INTEGER) AS period, month AS measured_on, age,
    months_since_settlement, self_sufficient AS value
FROM person_months
CROSS JOIN build_info
WHERE (month(month) = 12 OR month = reference_month) AND age BETWEEN 20 AND 64
