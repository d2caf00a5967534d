-- id = "arbetsmarknadsinsats_deltagare"
-- title = "Deltagare i kommunens arbetsmarknadsinsatser"
-- definition = """Antal nyanlända som deltog i kartläggning, rusta eller matcha under minst en
-- månad av året."""
-- unit = "count"
-- direction = "none"
-- theme = "Arbete och etablering"
-- period = "Kalenderår"
SELECT person_key, period, measured_on
FROM panel_years()
WHERE labour_measure
