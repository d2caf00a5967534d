-- id = "forsorjningsstod_hushall"
-- title = "Hushåll med försörjningsstöd"
-- definition = """Antal hushåll som fick försörjningsstöd för minst en månad under året.
-- Uppdelningarna avser den som sökte hushållets senaste utbetalning under året, mätt den
-- månaden."""
-- unit = "count"
-- direction = "down"
-- theme = "Försörjningsstöd"
-- period = "Kalenderår"
SELECT person_key, period, measured_on
FROM assisted_households()
