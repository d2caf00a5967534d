-- id = "mottagna"
-- title = "Mottagna nyanlända"
-- definition = """Antal personer som bosatte sig i kommunen för första gången under året
-- (folkbokföringsdatum), efter anvisning eller genom egen bosättning. Uppdelningen på
-- mottagandeform visar hur många som anvisades."""
-- unit = "count"
-- direction = "none"
-- theme = "Mottagande"
-- period = "Året för den första bosättningen i kommunen"
-- kolada = "N01986"
-- key = true
SELECT person_key, settlement_year AS period, settlement_date AS measured_on
FROM persons
WHERE settlement_date IS NOT NULL
