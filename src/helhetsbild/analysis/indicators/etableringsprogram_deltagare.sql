-- id = "etableringsprogram_deltagare"
-- title = "Deltagare i etableringsprogrammet"
-- definition = """Antal nyanlända i kommunen som var inskrivna i Arbetsförmedlingens
-- etableringsprogram under minst en månad av året."""
-- unit = "count"
-- direction = "none"
-- theme = "Arbete och etablering"
-- period = "Kalenderår"
-- kolada = "N00960"
SELECT person_key, period, measured_on
FROM panel_years()
WHERE establishment_programme
