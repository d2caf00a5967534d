"""The extractor on the five seed reports (hand-labelled in tests/plans/seeds/*.json), on the same
reports damaged the way PDF extraction damages text, and on small cases of its own rules."""

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document

from helhetsbild.plans.documents import docx_text, pdf_text
from helhetsbild.plans.extract import (
    MET,
    NOT_MET,
    PARTLY_MET,
    assessment_from_prose,
    assessment_in,
    extract,
    paragraphs,
    source_lines,
)
from tests.plans.scoring import (
    PERTURBATIONS,
    Tally,
    plain,
    report_pdf,
    seed_label,
    seed_names,
    seed_text,
)

# The figures the extractor must hold on the seed set and on every damaged copy of it
# (docs/audits.md reports what it reaches).
RECALL = 0.95
PRECISION = 0.95
QUESTION_RECALL = 0.9
ASSESSMENT_ACCURACY = 0.9


def tally(damage=lambda text: text) -> Tally:  # type: ignore[no-untyped-def]
    total = Tally()
    for name in seed_names():
        total.add(extract(damage(seed_text(name))), seed_label(name))
    return total


def assert_scores(total: Tally) -> None:
    assert total.recall >= RECALL, total.summary()
    assert total.precision >= PRECISION, total.summary()
    assert total.question_recall >= QUESTION_RECALL, total.summary()
    assert total.question_precision >= QUESTION_RECALL, total.summary()
    assert total.assessment_accuracy >= ASSESSMENT_ACCURACY, total.summary()


def test_the_seed_set_is_labelled_by_hand() -> None:
    names = seed_names()
    assert len(names) == 5
    labels = [seed_label(name) for name in names]
    assert sum(len(label["recommendations"]) for label in labels) == 23
    assert sum(len(label["questions"]) for label in labels) == 23


def test_recommendations_questions_and_assessments_on_the_seed_reports() -> None:
    total = tally()
    assert_scores(total)
    assert total.titles_right == total.auditors_right == total.dates_right == 5


@pytest.mark.parametrize("damage", PERTURBATIONS, ids=list(PERTURBATIONS))
def test_the_scores_hold_on_text_damaged_as_pdf_extraction_damages_it(damage: str) -> None:
    assert_scores(tally(PERTURBATIONS[damage]))


def test_each_recommendation_comes_once_though_the_report_repeats_it() -> None:
    """Knivsta's bundle gives each recommendation four times (summary, chapter 4, the board's
    table and the social committee's list), once in other words."""
    proposal = extract(seed_text("001_knivsta"))
    assert len(proposal.recommendations) == 6
    assert proposal.recommendations[1].startswith("Fortsätta arbetet med att tydliggöra roll-")


def test_a_real_pdf_with_headers_footers_and_page_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A report set in a PDF (fpdf2: lines broken to the page width, a running header and a
    numbered footer on every page), read back with pypdf."""
    content = report_pdf(plain(seed_text("004_vanersborg")))
    text = pdf_text(content)
    assert "\f" in text and "Sida 2" in text
    total = Tally()
    total.add(extract(text), seed_label("004_vanersborg"))
    assert total.recall == 1 and total.precision == 1, total.summary()
    assert total.question_recall == 1, total.summary()


def test_a_word_document_with_headings_lists_and_a_table() -> None:
    document = Document()
    document.add_heading("Granskning av kommunens mottagande av nyanlända", level=0)
    document.add_paragraph("PwC, 2024-02-01")
    document.add_heading("Bedömning mot kontrollmål", level=1)
    table = document.add_table(rows=3, cols=2)
    for row, (objective, assessment) in zip(
        table.rows,
        [
            ("Kontrollmål", "Bedömning"),
            ("Finns det en plan för mottagandet?", "Delvis uppfyllt"),
            ("Följs planen upp av nämnden?", "Ej uppfyllt"),
        ],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = objective, assessment
    document.add_heading("Rekommendationer", level=1)
    document.add_paragraph("Vi rekommenderar kommunstyrelsen att:")
    document.add_paragraph("Revidera planen för mottagandet.", style="List Bullet")
    document.add_paragraph("Följa upp planen varje år.", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)

    proposal = extract(docx_text(buffer.getvalue()))

    assert proposal.title == "Granskning av kommunens mottagande av nyanlända"
    assert proposal.auditor == "PwC" and proposal.date == dt.date(2024, 2, 1)
    assert [(q.text, q.assessment) for q in proposal.questions] == [
        ("Finns det en plan för mottagandet?", PARTLY_MET),
        ("Följs planen upp av nämnden?", NOT_MET),
    ]
    assert proposal.recommendations == (
        "Revidera planen för mottagandet.",
        "Följa upp planen varje år.",
    )


# --- Small cases of the rules --------------------------------------------------------------------


def texts(text: str) -> list[str]:
    return [block.text for block in paragraphs(source_lines(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vi lämnar följande rekommen-\ndationer till nämnden.", "rekommendationer"),
        ("ansvaret för arbetsmarknads-\noch integrationsfrågor ligger", "arbetsmarknads- och"),
        ("kommunen behöver ett nytt IT-\nstöd för uppföljningen", "IT-stöd"),
        ("Finns en strategi? Base- ras strategin på analysen?", "Baseras"),
        ("arbetet med ändamålsenlighe-\n\n12\n\nten och effektiviteten", "ändamålsenligheten"),
    ],
)
def test_words_broken_at_line_ends_are_mended(text: str, expected: str) -> None:
    assert expected in " ".join(texts(text))


def test_page_numbers_headers_and_footnotes_at_a_page_break_are_removed() -> None:
    page = (
        "Exempelby kommun\nGranskning av bistånd\n\n{body}\n\n"
        "1 Se bilaga 2 för en förteckning över källorna\nSida {n} av 3\n"
    )
    text = "\f".join(
        page.format(body=body, n=n)
        for n, body in enumerate(
            ["Vi har granskat hur nämnden", "arbetar med bistånd till", "nyanlända hushåll."],
            start=1,
        )
    )
    assert texts(text) == [
        "Vi har granskat hur nämnden arbetar med bistånd till nyanlända hushåll."
    ]


@pytest.mark.parametrize("glyph", ["•", "–", "-", "*", "▪", "❖", "1.", "a)", "(1)"])
def test_every_common_list_marker_makes_an_item(glyph: str) -> None:
    text = f"Vi rekommenderar nämnden att:\n{glyph} se över rutinerna för återsökning.\n"
    assert extract(text).recommendations == ("Se över rutinerna för återsökning.",)


def test_items_run_together_on_one_line_are_split_where_each_ends() -> None:
    text = (
        "Rekommendationer\n"
        "Vi rekommenderar kommunstyrelsen att: Tydliggöra ansvaret för uppföljningen. "
        "Följa upp planen för mottagandet årligen. Att se över samverkan med Arbetsförmedlingen"
    )
    assert extract(text).recommendations == (
        "Tydliggöra ansvaret för uppföljningen.",
        "Följa upp planen för mottagandet årligen.",
        "Att se över samverkan med Arbetsförmedlingen.",
    )


def test_items_without_bullets_are_told_apart_by_their_sentences() -> None:
    text = (
        "Utifrån granskningen rekommenderar vi socialnämnden att:\n"
        "upprätta skriftliga rutiner för återsökning av ersättning\n"
        "från Migrationsverket.\n"
        "säkerställa att återsökningen följs upp två gånger per år.\n"
        "Datum som ovan\n"
    )
    assert extract(text).recommendations == (
        "Upprätta skriftliga rutiner för återsökning av ersättning från Migrationsverket.",
        "Säkerställa att återsökningen följs upp två gånger per år.",
    )


def test_sub_items_carry_the_sentence_that_introduces_them() -> None:
    text = (
        "Vi lämnar följande rekommendationer:\n"
        "1. Nämnden bör se över reglementet.\n"
        "2. Vidare bör nämnden i den nya planen:\n"
        "  - definiera sina mål,\n"
        "  - följa upp målen årligen.\n"
    )
    assert extract(text).recommendations == (
        "Nämnden bör se över reglementet.",
        "Vidare bör nämnden i den nya planen: definiera sina mål.",
        "Vidare bör nämnden i den nya planen: följa upp målen årligen.",
    )


def test_a_list_of_recommendations_outranks_the_should_sentences_around_it() -> None:
    text = (
        "Slutsats och rekommendationer\n\n"
        "Vi bedömer att styrelsen bör utveckla sin uppföljning.\n\n"
        "Utifrån vår bedömning rekommenderar vi styrelsen att:\n\n"
        "- Tydliggöra ansvaret för integrationsarbetet.\n"
    )
    assert extract(text).recommendations == ("Tydliggöra ansvaret för integrationsarbetet.",)


def test_a_recommendation_stated_in_a_sentence_of_its_own_is_found() -> None:
    text = (
        "Sammanfattande bedömning\n\n"
        "Vi rekommenderar att nämnden inför en årlig uppföljning av planen."
    )
    assert extract(text).recommendations == (
        "Vi rekommenderar att nämnden inför en årlig uppföljning av planen.",
    )


def test_without_a_list_the_should_sentences_of_the_judgements_are_proposed() -> None:
    text = (
        "2.3 Bedömning\n\n"
        "Vi bedömer att rutinerna brister. Socialnämnden bör upprätta skriftliga rutiner.\n\n"
        "3.1 Iakttagelser\n\n"
        "Nämnden bör enligt reglementet följa upp verksamheten.\n"
    )
    assert extract(text).recommendations == ("Socialnämnden bör upprätta skriftliga rutiner.",)


def test_control_objectives_take_the_assessment_of_their_section() -> None:
    text = (
        "3.1 Styrning\n\n"
        "Kontrollmål 1: Finns det en aktuell plan för integrationsarbetet?\n\n"
        "3.1.1 Iakttagelser\n\n"
        "I verksamhetsberättelsen bedöms målet som uppfyllt.\n\n"
        "3.1.2 Bedömning\n\n"
        "Vi bedömer kontrollmålet som delvis uppfyllt.\n\n"
        "3.2 Uppföljning\n\n"
        "Kontrollmål 2: Följs planen upp?\n\n"
        "Bedömning: Ej uppfyllt\n"
    )
    assert [(q.text, q.assessment) for q in extract(text).questions] == [
        ("Finns det en aktuell plan för integrationsarbetet?", PARTLY_MET),
        ("Följs planen upp?", NOT_MET),
    ]


def test_questions_in_a_list_get_no_assessment_from_the_prose_after_it() -> None:
    text = (
        "Granskningen ska besvara följande revisionsfrågor:\n"
        "- Finns det en tydlig ansvarsfördelning?\n"
        "- Sker en uppföljning av insatserna?\n"
        "  - Inom kommunen?\n"
        "Vår bedömning är att uppföljningen inte är tillräcklig.\n"
    )
    assert [(q.text, q.assessment) for q in extract(text).questions] == [
        ("Finns det en tydlig ansvarsfördelning?", None),
        ("Sker en uppföljning av insatserna? Inom kommunen?", None),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Vi bedömer kontrollmålet som uppfyllt.", MET),
        ("Kontrollmålet bedöms vara delvis uppfyllt.", PARTLY_MET),
        ("Vi bedömer att kontrollmålet inte är uppfyllt.", NOT_MET),
        ("Kontrollmålet bedöms som ej uppfyllt.", NOT_MET),
        ("Kontrollmålet är inte helt uppfyllt.", PARTLY_MET),
        ("Kontrollmålet uppfylls delvis.", PARTLY_MET),
        ("I huvudsak uppfyllt", MET),
        ("Vi bedömer att det finns en fungerande samverkan.", None),
    ],
)
def test_the_scales_own_words(sentence: str, expected: str | None) -> None:
    assert assessment_in(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Vi bedömer att det i huvudsak finns en fungerande samverkan, men att underlag saknas.",
            MET,
        ),
        ("Vår bedömning är att det delvis finns en ändamålsenlig styrning.", PARTLY_MET),
        ("Vår bedömning är att planen till stor del har genomförts.", PARTLY_MET),
        (
            "Vår samlade bedömning är att nämnden inte säkerställer en ändamålsenlig analys.",
            NOT_MET,
        ),
        ("Vi bedömer att det saknas rutiner för återsökning.", NOT_MET),
        ("Vi bedömer att det finns en stor vilja och goda förutsättningar.", MET),
    ],
)
def test_an_assessment_in_prose(sentence: str, expected: str) -> None:
    assert assessment_from_prose(sentence) == expected


@pytest.mark.parametrize(
    ("cover", "title", "auditor", "date"),
    [
        (
            "Region Exempel\nRevisionsrapport\nUppföljande granskning av\nkommunens återsökning\n"
            "Grant Thornton\n2023-04-12\n",
            "Uppföljande granskning av kommunens återsökning",
            "Grant Thornton",
            dt.date(2023, 4, 12),
        ),
        (
            "Karlshamns kommun\n\nFörstudie av integrationsarbetet\n\nText.\n\n"
            "Karlshamn den 22 mars 2019\n\nLars Eriksson\nEY\n",
            "Förstudie av integrationsarbetet",
            "EY",
            dt.date(2019, 3, 22),
        ),
        (
            "Tjänsteskrivelse\nDatum\n2019-03-18\nDiarienummer\nKS-2019/64\n\n"
            "Revisionsrapport - Granskning av mottagandet\n\n...\n\n2018-11-13\n\n"
            "Charlotte Erdtman\nProjektledare\n",
            "Granskning av mottagandet",
            None,
            dt.date(2018, 11, 13),
        ),
        (
            "Stadsrevisionen\nGranskning av bistånd\nDatum: 1 juni 2022\n",
            "Granskning av bistånd",
            "Stadsrevisionen",
            dt.date(2022, 6, 1),
        ),
    ],
)
def test_title_auditor_and_date_of_a_cover(
    cover: str, title: str, auditor: str | None, date: dt.date
) -> None:
    proposal = extract(cover)
    assert (proposal.title, proposal.auditor, proposal.date) == (title, auditor, date)


def test_the_json_shape_of_a_proposal() -> None:
    record = extract(seed_text("002_umea")).as_json()
    assert list(record) == ["title", "auditor", "date", "questions", "recommendations"]
    assert record["date"] == "2018-06-13"
    assert record["questions"] == []
    assert isinstance(record["recommendations"], list)


# --- Reports in other firms' styles (tests/plans/styles), written for these tests ----------------

STYLES = Path(__file__).parent / "styles"


def style(name: str) -> str:
    return (STYLES / f"{name}.txt").read_text(encoding="utf-8")


def test_a_report_with_numbered_questions_and_assessment_lines() -> None:
    proposal = extract(style("grant_thornton"))
    assert (
        proposal.title
        == "Uppföljande granskning av kommunens arbete med återsökning av statsbidrag"
    )
    assert (proposal.auditor, proposal.date) == ("Grant Thornton", dt.date(2023, 4, 12))
    assert [(q.text, q.assessment) for q in proposal.questions] == [
        ("Finns det rutiner för återsökning av ersättning från Migrationsverket?", PARTLY_MET),
        ("Följs återsökningen upp av nämnden?", NOT_MET),
        ("Finns det en tydlig ansvarsfördelning för återsökningen?", MET),
    ]
    assert proposal.recommendations == (
        "Upprätta skriftliga rutiner för återsökning av samtliga ersättningstyper.",
        "Säkerställa att återsökningen följs upp minst två gånger per år.",
        "Utbilda berörda handläggare i regelverket för statlig ersättning.",
    )


def test_a_report_with_a_control_objective_table_and_should_paragraphs() -> None:
    proposal = extract(style("deloitte"))
    assert (proposal.auditor, proposal.date) == ("Deloitte", dt.date(2021, 10, 12))
    assert [(q.text, q.assessment) for q in proposal.questions] == [
        ("Det finns en aktuell integrationsplan.", NOT_MET),
        ("Planen följs upp årligen.", PARTLY_MET),
        ("Ansvaret för samordning är tydligt.", MET),
    ]
    assert proposal.recommendations == (
        "Kommunstyrelsen bör revidera integrationsplanen och fastställa mätbara mål.",
        "Kommunstyrelsen bör säkerställa att uppföljningen innehåller en analys av resultaten.",
        "Vi rekommenderar även att kommunstyrelsen redovisar resultaten könsuppdelat.",
    )


def test_a_report_that_numbers_its_recommendations_on_the_line_that_introduces_them() -> None:
    proposal = extract(style("ey"))
    assert (proposal.title, proposal.auditor) == ("Granskning av ekonomiskt bistånd", "EY")
    assert proposal.date == dt.date(2024, 5, 3)
    assert [(q.text, q.assessment) for q in proposal.questions] == [
        ("Sker handläggningen enligt gällande riktlinjer?", MET),
        ("Har nämnden en tillräcklig intern kontroll?", NOT_MET),
    ]
    assert proposal.recommendations == (
        "Revidera riktlinjerna för ekonomiskt bistånd.",
        "Införa stickprovskontroller av utbetalningar.",
        "Följa upp handläggningstiderna kvartalsvis.",
    )
