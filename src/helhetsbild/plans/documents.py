"""The text of an audit report in a text, PDF or Word file, for `extract`.

PDF pages are separated by a form feed, so that the extractor can tell running headers and page
numbers by where they stand on each page. Word headings keep a Markdown '#', list paragraphs a
'- ' with their level as indentation, and table rows their cells between tabs: the same signs the
extractor reads in plain text.
"""

import io
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

SUFFIXES = (".txt", ".md", ".pdf", ".docx")


class UnreadableDocument(Exception):
    """The file is not one of the kinds read here, or is damaged; the message is Swedish."""


def document_text(content: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".pdf":
            return pdf_text(content)
        if suffix == ".docx":
            return docx_text(content)
        if suffix in (".txt", ".md", ""):
            return plain_text(content)
    except UnreadableDocument:
        raise
    except Exception as error:  # a damaged file raises whatever its parser raises
        raise UnreadableDocument(
            _("Filen %(name)s gick inte att läsa: %(error)s") % {"name": name, "error": error}
        ) from error
    raise UnreadableDocument(
        _("Filer av typen %(suffix)s kan inte läsas. Använd text, PDF eller Word (.docx).")
        % {"suffix": suffix}
    )


def plain_text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(_("Textfilen har en okänd teckenkodning."))


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() or "" for page in reader.pages]
    if not any(page.strip() for page in pages):
        raise UnreadableDocument(
            _(
                "PDF-filen innehåller ingen text (kanske en inskannad bild). Den behöver tolkas "
                "med textigenkänning (OCR) först."
            )
        )
    return "\f".join(pages)


def docx_text(content: bytes) -> str:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(content))
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph_line(Paragraph(element, document)))
        elif tag == "tbl":
            for row in Table(element, document).rows:
                lines.append("\t".join(" ".join(cell.text.split()) for cell in row.cells))
    return "\n".join(lines)


def _paragraph_line(paragraph: "Paragraph") -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if style.startswith(("heading", "rubrik", "title")):
        digits = "".join(ch for ch in style if ch.isdigit()) or "1"
        return f"{'#' * min(int(digits), 6)} {text}"
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None or "list" in style or "lista" in style:
        depth = getattr(numbering, "ilvl", None)
        named = "".join(ch for ch in style if ch.isdigit())  # 'List Bullet 2' is the 2nd level
        level = int(depth.val) if depth is not None else max(0, int(named or 1) - 1)
        return f"{'  ' * level}- {text}"
    return text
