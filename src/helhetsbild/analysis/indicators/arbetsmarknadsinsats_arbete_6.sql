-- id = "arbetsmarknadsinsats_arbete_6"
-- title = "I arbete eller studier sex månader efter kommunens arbetsmarknadsinsats"
-- definition = """Andel av dem som avslutade kartläggning, rusta eller matcha under året (utan
-- att gå vidare till ett nytt sådant steg dagen efter) som arbetade eller studerade sex månader
-- senare. Personer vars sex månader inte har gått ut vid referensdatumet räknas inte än."""
-- unit = "share"
-- direction = "up"
-- theme = "Arbete och etablering"
-- period = "Året då personen avslutade insatsen"
SELECT person_key, period, measured_on, value
FROM status_after_leaving(['mapping', 'preparing', 'matching'], INTERVAL 6 MONTH)
