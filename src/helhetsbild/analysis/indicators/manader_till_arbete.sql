-- id = "manader_till_arbete"
-- title = "Månader från bosättning till första arbete"
-- definition = """Median av antalet månader från den månad personen bosatte sig i kommunen till
-- den första månad hen arbetade här, för nyanlända i åldern 20–64 år som fick sitt första arbete
-- under året. Den som ännu inte har arbetat ingår inte."""
-- unit = "months"
-- aggregate = "median"
-- direction = "down"
-- theme = "Arbete och etablering"
-- period = "Året för det första arbetet"
SELECT person_key, period, measured_on, age, months_since_settlement,
    months_since_settlement AS value
FROM (
    SELECT
        person_key,
        CAST(year(min(month)) AS INTEGER) AS period,
        min(month) AS measured_on,
        arg_min(age, month) AS age,
        min(months_since_settlement) AS months_since_settlement
    FROM person_months
    WHERE employment
    GROUP BY person_key
)
WHERE age BETWEEN 20 AND 64
