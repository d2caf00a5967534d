"""The text of a report file: text in either common encoding, PDF page by page, Word with its
headings, lists and tables; a file that cannot be read says why, in Swedish."""

import io

import pytest
from docx import Document
from fpdf import FPDF

from helhetsbild.plans.documents import UnreadableDocument, document_text
from tests.plans.scoring import report_pdf


def test_text_in_utf8_or_windows_1252() -> None:
    assert document_text("Åtgärd för nämnden".encode(), "a.txt") == "Åtgärd för nämnden"
    assert document_text("Åtgärd för nämnden".encode("cp1252"), "a.txt") == "Åtgärd för nämnden"


def test_a_pdf_page_by_page() -> None:
    text = document_text(report_pdf("Granskning av mottagandet\n" + "Text.\n" * 120), "r.pdf")
    pages = text.split("\f")
    assert len(pages) >= 2 and pages[0].startswith("Exempelby kommun")
    assert "Granskning av mottagandet" in pages[0] and "Sida 2" in pages[1]


def test_a_pdf_without_text_asks_for_ocr() -> None:
    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(UnreadableDocument, match="OCR"):
        document_text(bytes(pdf.output()), "skannad.pdf")


def test_a_word_document_keeps_headings_list_levels_and_table_cells() -> None:
    document = Document()
    document.add_heading("Rekommendationer", level=1)
    document.add_paragraph("Se över rutinerna.", style="List Bullet")
    document.add_paragraph("för återsökning", style="List Bullet 2")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Kontrollmål 1", "Uppfyllt"
    buffer = io.BytesIO()
    document.save(buffer)

    lines = document_text(buffer.getvalue(), "r.docx").split("\n")

    assert lines == [
        "# Rekommendationer",
        "- Se över rutinerna.",
        "  - för återsökning",
        "Kontrollmål 1\tUppfyllt",
    ]


@pytest.mark.parametrize(("content", "name"), [(b"...", "r.odt"), (b"not a pdf", "r.pdf")])
def test_what_cannot_be_read_is_refused_with_a_reason(content: bytes, name: str) -> None:
    with pytest.raises(UnreadableDocument):
        document_text(content, name)
