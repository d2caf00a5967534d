-- id = "forstahandskontrakt_48"
-- title = "Förstahandskontrakt 48 månader efter bosättning"
-- definition = """Andel av de vuxna nyanlända (18 år och äldre) som bor i kommunen 48 månader
-- efter den månad de bosatte sig här och som då bor i ett hushåll där någon har ett
-- förstahandskontrakt. Vuxna räknas i stället för hushåll, eftersom hushållets medlemmar kan ha
-- bosatt sig vid olika tidpunkter."""
-- unit = "share"
-- direction = "up"
-- theme = "Boende"
-- period = "Året då personen har bott 48 månader i kommunen"
SELECT person_key, period, measured_on, age, months_since_settlement,
    housing = 'firsthand_lease' AS value
FROM panel_at(48)
WHERE age >= 18
