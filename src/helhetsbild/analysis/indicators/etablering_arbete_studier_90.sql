-- id = "etablering_arbete_studier_90"
-- title = "I arbete eller studier 90 dagar efter etableringsprogrammet"
-- definition = """Andel av dem som lämnade etableringsprogrammet under året som arbetade eller
-- studerade 90 dagar senare. Den som fortsätter i programmet dagen efter har inte lämnat det.
-- Personer vars 90 dagar inte har gått ut vid referensdatumet räknas inte än."""
-- unit = "share"
-- direction = "up"
-- theme = "Arbete och etablering"
-- period = "Året då personen lämnade programmet"
-- kolada = "N00973"
-- key = true
SELECT person_key, period, measured_on, value
FROM status_after_leaving(['establishment_programme'], INTERVAL 90 DAY)
