"""The seed set and its hand labels, the scores the extractor is held to, and the damage that PDF
extraction does to a text, applied on purpose.

Matching is one-to-one and greedy on the Dice coefficient of content words (the same words the
extractor compares), so a recommendation counts as found when it says the same thing, even with a
word or two different, but a fragment or a run-on of two does not.
"""

import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from helhetsbild.plans.extract import Proposal, dice

SEEDS = Path(__file__).parent / "seeds"
MATCH = 0.6


def seed_names() -> list[str]:
    return sorted(path.stem for path in SEEDS.glob("*.txt"))


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def seed_label(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))


def matches(predicted: list[str], labelled: list[str]) -> list[tuple[int, int]]:
    """Pairs (predicted index, label index), best first, each side used once."""
    pairs = sorted(
        (
            (dice(p, label), i, j)
            for i, p in enumerate(predicted)
            for j, label in enumerate(labelled)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_l: set[int] = set()
    result = []
    for score, i, j in pairs:
        if score < MATCH:
            break
        if i not in used_p and j not in used_l:
            used_p.add(i)
            used_l.add(j)
            result.append((i, j))
    return result


@dataclass
class Tally:
    """Counts over several documents, from which the figures are computed."""

    recommendations_found: int = 0
    recommendations_predicted: int = 0
    recommendations_labelled: int = 0
    questions_found: int = 0
    questions_predicted: int = 0
    questions_labelled: int = 0
    assessments_right: int = 0
    titles_right: int = 0
    auditors_right: int = 0
    dates_right: int = 0
    documents: int = 0

    def add(self, proposal: Proposal, label: dict) -> None:  # type: ignore[type-arg]
        recommendations = list(proposal.recommendations)
        found = matches(recommendations, label["recommendations"])
        self.recommendations_found += len(found)
        self.recommendations_predicted += len(recommendations)
        self.recommendations_labelled += len(label["recommendations"])
        questions = [q.text for q in proposal.questions]
        labelled = [q["text"] for q in label["questions"]]
        paired = matches(questions, labelled)
        self.questions_found += len(paired)
        self.questions_predicted += len(questions)
        self.questions_labelled += len(labelled)
        self.assessments_right += sum(
            1
            for i, j in paired
            if proposal.questions[i].assessment == label["questions"][j]["assessment"]
        )
        titles = [label["title"], *label["title_alternatives"]]
        self.titles_right += any(dice(proposal.title or "", t) >= 0.9 for t in titles)
        self.auditors_right += proposal.auditor == label["auditor"]
        dates = [label["date"], *label["date_alternatives"]]
        self.dates_right += (proposal.date.isoformat() if proposal.date else None) in dates
        self.documents += 1

    @property
    def recall(self) -> float:
        return self.recommendations_found / self.recommendations_labelled

    @property
    def precision(self) -> float:
        return self.recommendations_found / max(1, self.recommendations_predicted)

    @property
    def question_recall(self) -> float:
        return self.questions_found / max(1, self.questions_labelled)

    @property
    def question_precision(self) -> float:
        return self.questions_found / max(1, self.questions_predicted)

    @property
    def assessment_accuracy(self) -> float:
        """Right assessments (a question the label leaves unassessed must be left so) over all
        labelled questions: a question not found counts as wrong."""
        return self.assessments_right / max(1, self.questions_labelled)

    def summary(self) -> str:
        return (
            f"rekommendationer: recall {self.recall:.2f} ({self.recommendations_found}/"
            f"{self.recommendations_labelled}), precision {self.precision:.2f} "
            f"({self.recommendations_found}/{self.recommendations_predicted}); "
            f"frågor: recall {self.question_recall:.2f}, precision {self.question_precision:.2f}; "
            f"bedömningar rätt {self.assessment_accuracy:.2f} ({self.assessments_right}/"
            f"{self.questions_labelled}); titel {self.titles_right}/{self.documents}, "
            f"granskare {self.auditors_right}/{self.documents}, datum {self.dates_right}/"
            f"{self.documents}"
        )


# --- What PDF extraction does to a text ----------------------------------------------------------

_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*+|^#+\s*|\\")
_GLYPH = re.compile(r"^(\s*)(?:[-–—•❖▶*]\s+)+")


def plain(text: str) -> str:
    """Markdown and HTML gone, as in text taken out of a PDF: headings become short lines."""
    return "\n".join(_MARKUP.sub("", line) for line in text.split("\n"))


def strip_bullets(text: str) -> str:
    """Bullet glyphs lost; numbers kept."""
    return "\n".join(_GLYPH.sub(r"\1", line) for line in text.split("\n"))


def run_together(text: str) -> str:
    """Consecutive bullet items joined into one line, their glyphs gone."""
    out: list[str] = []
    for line in text.split("\n"):
        item = _GLYPH.match(line)
        if item and out and _GLYPH.match(out[-1]) is None and out[-1].startswith("\x00"):
            out[-1] += " " + _GLYPH.sub("", line).strip()
        elif item:
            out.append("\x00" + _GLYPH.sub("", line).strip())
        elif line.strip() or not out or not out[-1].startswith("\x00"):
            out.append(line)
    return "\n".join(line.lstrip("\x00") for line in out)


def wrap(text: str, width: int = 80) -> str:
    """Hard line breaks inside paragraphs, every long word at a line end hyphenated, and blank
    lines between paragraphs gone, as pypdf gives a page."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        out.extend(_hyphenated(paragraph.strip(), width))
    return "\n".join(out)


def _hyphenated(paragraph: str, width: int) -> list[str]:
    lines = textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False)
    result: list[str] = []
    carry = ""
    for index, line in enumerate(lines):
        line = f"{carry} {line}".strip() if carry else line
        carry = ""
        words = line.split(" ")
        last = words[-1]
        if index + 1 < len(lines) and len(last) >= 10 and re.fullmatch(r"[a-zåäö]+", last):
            cut = len(last) // 2
            words[-1] = last[:cut] + "-"
            carry = last[cut:]
        result.append(" ".join(words))
    if carry:
        result.append(carry)
    return result


def paginate(text: str, municipality: str = "Exempelby kommun", every: int = 45) -> str:
    """A page number, a running header with the report's name and a footer on every page."""
    lines = text.split("\n")
    out: list[str] = []
    for page, start in enumerate(range(0, len(lines), every), start=1):
        out += [municipality, "Granskningsrapport 2024", ""]
        out += lines[start : start + every]
        out += ["", f"Sida {page} av {len(lines) // every + 1}", str(page), ""]
    return "\n".join(out)


PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "utan formatering": plain,
    "utan punktmarkeringar": lambda t: strip_bullets(plain(t)),
    "punkter på en rad": lambda t: run_together(plain(t)),
    "radbrytningar och avstavning": lambda t: wrap(plain(t)),
    "sidnummer och sidhuvuden": lambda t: paginate(plain(t)),
    "allt på en gång": lambda t: paginate(wrap(strip_bullets(plain(t)))),
}


def report_pdf(text: str) -> bytes:
    class Report(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=8)
            self.cell(0, 5, "Exempelby kommun - Granskning", align="R")
            self.ln(8)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", size=8)
            self.cell(0, 5, f"Sida {self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for paragraph in text.split("\n"):
        if paragraph.strip():
            pdf.multi_cell(0, 5, _latin(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The PDF core fonts hold Latin-1: Swedish letters yes, dashes and bullets no."""
    swaps = {"–": "-", "—": "-", "❖": "-", "▶": "-", "•": "-", "’": "'", "”": '"', "“": '"'}
    return "".join(swaps.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")
