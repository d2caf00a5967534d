-- id = "forsorjningsstod_personer"
-- title = "Nyanlända i hushåll med försörjningsstöd"
-- definition = """Andel av de nyanlända som bodde i kommunen under året som tillhörde ett
-- hushåll som fick försörjningsstöd för minst en av årets månader. Barn räknas med sina
-- hushåll. Ålder och tid sedan bosättning mäts den sista månaden personen bodde här under året."""
-- unit = "share"
-- direction = "down"
-- theme = "Försörjningsstöd"
-- period = "Kalenderår"
-- key = true
SELECT person_key, period, measured_on, social_assistance AS value
FROM panel_years()
