-- id = "forsorjningsstod_belopp"
-- title = "Försörjningsstöd per hushåll"
-- definition = """Genomsnittligt belopp i kronor som ett hushåll med försörjningsstöd fick under
-- året, summerat över årets månader. Uppdelningarna avser den som sökte hushållets senaste
-- utbetalning under året, mätt den månaden."""
-- unit = "amount"
-- direction = "down"
-- theme = "Försörjningsstöd"
-- period = "Kalenderår"
SELECT person_key, period, measured_on, amount AS value
FROM assisted_households()
