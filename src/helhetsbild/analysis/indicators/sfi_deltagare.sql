-- id = "sfi_deltagare"
-- title = "Nyanlända som läser sfi"
-- definition = """Antal nyanlända i kommunen som läste minst en sfi-kurs under minst en månad av
-- året."""
-- unit = "count"
-- direction = "none"
-- theme = "Språk och samhällsorientering"
-- period = "Kalenderår"
SELECT person_key, period, measured_on
FROM panel_years()
WHERE sfi
