"""Read the structure of an audit report from its text: title, auditor, date, the audit questions
or control objectives with their assessments, and the recommendations.

Pure functions on text. The rules are written against the common vocabulary and layout of Swedish
municipal audit reports ("Rekommendationer", "Vi rekommenderar", "bör", "Revisionsfrågor",
"Kontrollmål", "Bedömning", "uppfyllt"), never against the wording of one report, because the text
comes from reports nobody here has seen, often extracted from PDF: with page numbers and running
headers, words hyphenated at line ends, lines broken inside paragraphs and bullet glyphs lost.
So the text is first normalised (`paragraphs`), then read section by section, and what the report
says more than once (summary, chapter and end) is merged by similarity of content words.

The result is a proposal: a person reviews and corrects it before anything is saved.
"""

import datetime as dt
import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MET = "uppfyllt"
PARTLY_MET = "delvis uppfyllt"
NOT_MET = "ej uppfyllt"
ASSESSMENTS = (MET, PARTLY_MET, NOT_MET)


@dataclass(frozen=True)
class Question:
    text: str
    assessment: str | None


@dataclass(frozen=True)
class Proposal:
    title: str | None
    auditor: str | None
    date: dt.date | None
    questions: tuple[Question, ...]
    recommendations: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The shape of `helhetsbild audit import --format json`."""
        return {
            "title": self.title,
            "auditor": self.auditor,
            "date": self.date.isoformat() if self.date else None,
            "questions": [{"text": q.text, "assessment": q.assessment} for q in self.questions],
            "recommendations": list(self.recommendations),
        }


def extract(text: str) -> Proposal:
    lines = source_lines(text)
    blocks = paragraphs(lines)
    title = title_of(lines)
    return Proposal(
        title=title,
        auditor=auditor_of(text),
        date=date_of(lines, title),
        questions=tuple(questions_of(blocks)),
        recommendations=tuple(recommendations_of(blocks)),
    )


# --- Characters and markup ----------------------------------------------------------------------

_CHARACTERS = str.maketrans(
    {
        "\u00ad": "",  # soft hyphen
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\r": "\n",
    }
)
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_NO_SUPERSCRIPTS = str.maketrans("", "", _SUPERSCRIPTS)
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_FOOTNOTE_LINE = re.compile(rf"^\s*(?:<sup>\s*\d+\s*</sup>|[{_SUPERSCRIPTS}]+)")
_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_STAR_BULLET = re.compile(r"^(\s*)\*\s+")


@dataclass
class Line:
    text: str
    indent: int
    page: int
    heading: bool  # marked as a heading by the source (a Markdown '#', a Word heading style)
    blank_before: bool


def source_lines(text: str) -> list[Line]:
    """The non-empty lines of `text` without markup; a form feed separates pages."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).translate(_CHARACTERS)
    lines: list[Line] = []
    for page, page_text in enumerate(text.split("\f")):
        blank = True
        for raw in page_text.split("\n"):
            if _FOOTNOTE_LINE.match(raw):
                blank = True
                continue
            heading = bool(_HEADING_MARK.match(raw))
            body = _without_markup(_HEADING_MARK.sub("", raw))
            if not body.strip():
                blank = True
                continue
            indent = len(body) - len(body.lstrip())
            lines.append(Line(body.strip(" "), indent, page, heading, blank))
            blank = False
    return lines


def _without_markup(raw: str) -> str:
    text = _SUP.sub("", raw)
    text = _TAG.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _STAR_BULLET.sub(r"\1- ", text)
    text = text.replace("\\*", "").replace("*", "").replace("__", "")
    text = html.unescape(text)
    text = text.translate(_NO_SUPERSCRIPTS)
    cells = [re.sub(r"[ ]{2,}", " ", cell).rstrip() for cell in text.split("\t")]
    indent = len(text) - len(text.lstrip(" "))
    return " " * indent + "\t".join(cells).strip(" ")


# --- Page furniture ------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|sid\.?|s\.|page)\s*)?[-–—(]?\s*\d{1,3}\s*[-–—)]?"
    r"(?:\s*(?:av|/|of|\()\s*\d{1,3}\s*\)?)?$",
    re.IGNORECASE,
)
_TOC_LINE = re.compile(r"(?:\.{3,}|…+|(?:\s\.){3,})\s*\d{1,3}\s*$|\t\s*\d{1,3}\s*$")
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?(?:\s+|$)")
_SECTION_WORDS = re.compile(
    r"^(?:\d[\d.]*\s+)?(?:bedömning|rekommendation|kontrollmål|revisionsfråg|iakttagelse|"
    r"kommentar|slutsats|sammanfattning|bakgrund|syfte|metod|inledning|avgränsning)",
    re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _running_lines(lines: list[Line]) -> set[int]:
    """The indexes of headers and footers: lines at the top or bottom of many pages, or short
    lines that recur apart from the text around them, as a running header does in text without
    page breaks."""
    found: set[int] = set()
    pages: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        pages.setdefault(line.page, []).append(index)
    if len(pages) >= 3:
        seen: Counter[str] = Counter()
        for indexes in pages.values():
            seen.update({_furniture_key(lines[i].text) for i in indexes[:3] + indexes[-3:]})
        needed = max(2, int(0.4 * len(pages)))
        for indexes in pages.values():
            edge = indexes[:3] + indexes[-3:]
            found |= {i for i in edge if seen[_furniture_key(lines[i].text)] >= needed}
    counts = Counter(_furniture_key(line.text) for line in lines if _could_be_header(line.text))
    recurring = {key for key, count in counts.items() if count >= 3 and len(key.split()) <= 12}
    # A line of a hard-wrapped paragraph that the report repeats word for word is no header.
    for index, line in enumerate(lines):
        if _furniture_key(line.text) not in recurring:
            continue
        neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
        after = lines[index + 1] if index + 1 < len(lines) else None
        if (
            line.blank_before
            or (after is not None and after.blank_before)
            or any(_furniture_key(n.text) in recurring for n in neighbours)
            or any(_PAGE_NUMBER.match(n.text) for n in neighbours)
        ):
            found.add(index)
    return found


_FUNCTION_WORDS = _words(
    "och eller samt att av för i på med som till om från den det en ett de inom kring vid "
    "mellan utan under över hur vad när där är har kan ska bör"
)


def _could_be_header(text: str) -> bool:
    """Not a line of a wrapped paragraph: a header neither starts in lower case nor stops
    inside a sentence."""
    if not text or text[0].islower() or text.endswith((".", "?", "!", ":", ";", ",", "-")):
        return False
    if _MARKER.match(text) or _SECTION_NUMBER.match(text) or _SECTION_WORDS.match(text):
        return False
    return text.rsplit(None, 1)[-1] not in _FUNCTION_WORDS


_FOOTNOTE = re.compile(r"^\d{1,2}\s+[A-ZÅÄÖ]\S*(?:\s+\S+){4,}")


def without_furniture(lines: list[Line]) -> list[Line]:
    """`lines` without page numbers, running headers and footers, tables of contents, and the
    footnotes just above a page break."""
    running = _running_lines(lines)
    furniture = [
        bool(_PAGE_NUMBER.match(line.text)) or bool(_TOC_LINE.search(line.text)) or i in running
        for i, line in enumerate(lines)
    ]
    for index, line in enumerate(lines):
        if _FOOTNOTE.match(line.text) and not furniture[index]:
            ahead = lines[index + 1 : index + 4]
            page_ends = any(following.page != line.page for following in ahead)
            if page_ends or any(furniture[index + 1 : index + 4]):
                furniture[index] = True
    return [line for line, drop in zip(lines, furniture, strict=True) if not drop]


# --- Paragraphs ----------------------------------------------------------------------------------

_GLYPHS = "-–—•◦▪▫■□●○❖▶►➢➤✓✔·"
_MARKER = re.compile(rf"^(?:(?:[{_GLYPHS}]|\(?\d{{1,2}}[.)](?![\d.])|[a-zåäö][.)])(?:\s+|$))+")
_CONJUNCTIONS = {"och", "eller", "samt", "respektive", "resp.", "som", "men", "till", "med"}
_ABBREVIATIONS = {
    "t.ex",
    "bl.a",
    "m.fl",
    "s.k",
    "m.m",
    "dvs",
    "d.v.s",
    "o.s.v",
    "osv",
    "ca",
    "jfr",
    "resp",
    "nr",
    "kap",
    "st",
    "fr.o.m",
    "t.o.m",
    "p.g.a",
    "pga",
    "inkl",
    "exkl",
    "ev",
    "f.d",
    "t.ex.",
}


@dataclass
class Block:
    """A paragraph, list item or heading after line breaks inside paragraphs are undone."""

    text: str
    marker: str  # "", "glyph", "number" or "letter"
    indent: int
    heading: bool
    last_line_length: int = 0
    source_heading: bool = False
    sentences: list[str] = field(default_factory=list)


def _marker_kind(marker: str) -> str:
    if not marker:
        return ""
    if re.search(r"\d", marker):
        return "number"
    if re.search(r"[a-zåäö]", marker):
        return "letter"
    return "glyph"


def split_marker(text: str) -> tuple[str, str]:
    """(marker kind, text without the list marker)."""
    match = _MARKER.match(text)
    if not match:
        return "", text
    return _marker_kind(match.group(0)), text[match.end() :].strip()


def _ends_sentence(text: str) -> bool:
    if not text.endswith((".", "!", "?")):
        return False
    if text.endswith("."):
        word = text.rsplit(None, 1)[-1].lower()
        return word.rstrip(".") not in _ABBREVIATIONS and word not in _ABBREVIATIONS
    return True


def _joined(previous: str, following: str) -> str:
    """`previous` and `following` as one text, undoing a hyphenation at the line break."""
    match = re.search(r"(\w)-$", previous)
    if match and following[:1].islower():
        first_word = following.split(None, 1)[0]
        if first_word in _CONJUNCTIONS:
            return f"{previous} {following}"
        if match.group(1).isupper() or match.group(1).isdigit():
            return previous + following
        return previous[:-1] + following
    return f"{previous} {following}"


def _line_width(lines: list[Line]) -> int:
    """The width of a hard-wrapped text's full lines, or 0 when paragraphs are single lines."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 25)
    if len(lengths) < 20:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    full = sum(1 for length in lengths if length >= 0.8 * width)
    return width if width <= 160 and full >= 0.4 * len(lengths) else 0


def _continues(previous: Block, line: Line, marker: str, body: str, width: int) -> bool:
    if marker or line.heading or previous.source_heading or "\t" in body or "\t" in previous.text:
        return False
    text = previous.text
    if text.endswith(":"):
        return False
    first = body[:1]
    if re.search(r"\w-$", text) and first.islower():
        return True
    if text.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS and not line.blank_before:
        return True  # a line ending in 'från', 'och', 'att' is not the end of anything
    if first.islower():
        return not _ends_sentence(text)
    if line.blank_before or not width or _heading_like(body):
        return False
    # A paragraph's last line is seldom full: after a full line, the paragraph goes on.
    if text.endswith("?"):
        return False  # a question on a line of its own is a heading, answered below it
    if text.endswith((".", "!", ";")):
        return previous.last_line_length >= 0.9 * width
    return previous.last_line_length >= 0.7 * width


def paragraphs(lines: list[Line]) -> list[Block]:
    """The report as blocks: page furniture gone, broken lines and hyphenations joined."""
    kept = without_furniture(lines)
    width = _line_width(kept)
    blocks: list[Block] = []
    for line in kept:
        kind, body = split_marker(line.text)
        if not body:
            continue
        if blocks and _continues(blocks[-1], line, kind, body, width):
            blocks[-1].text = _joined(blocks[-1].text, body)
            blocks[-1].last_line_length = len(line.text)
            continue
        blocks.append(
            Block(
                text=_inline_hyphens(body),
                marker=kind,
                indent=line.indent,
                heading=False,
                last_line_length=len(line.text),
                source_heading=line.heading,
            )
        )
    blocks = [part for block in blocks for part in _list_after_colon(block)]
    for block in blocks:
        block.text = _inline_hyphens(block.text)
        block.heading = block.source_heading or _looks_like_heading(block)
        block.sentences = sentences(block.text)
    return blocks


_COLON_LIST = re.compile(r":\s+(?=(?:\(?\d{1,2}[.)]|[•▶►❖■●–-])\s+\S)")
_COLON = re.compile(r":\s+(?=\S+\s+\S+\s+\S)")


def _list_after_colon(block: Block) -> list[Block]:
    """'… rekommenderar vi nämnden att: 1. Revidera … 2. Införa …' as an introduction and a list;
    so too when the items lost their numbers, if the introduction announces recommendations."""
    if block.marker or "\t" in block.text:
        return [block]
    match = _COLON_LIST.search(block.text)
    kind, rest = split_marker(block.text[match.end() :]) if match else ("", "")
    if not match or not kind:
        match = _COLON.search(block.text)
        intro = sentences(block.text[: match.start() + 1])[-1] if match else ""
        if not match or not _INTRO_CUE.search(intro):
            return [block]
        kind, rest = "", block.text[match.end() :]
    intro_block = Block(block.text[: match.start() + 1], "", block.indent, False)
    return [intro_block, Block(rest, kind, block.indent + 1, False)]


def _inline_hyphens(text: str) -> str:
    """'Base- ras' (a hyphenation kept when a table cell was flattened) back to 'Baseras'."""

    def repair(match: re.Match[str]) -> str:
        if match.group(2) in _CONJUNCTIONS:
            return match.group(0)
        return match.group(1) + match.group(2)

    return re.sub(r"\b([a-zåäöA-ZÅÄÖ][a-zåäö]+)- ([a-zåäö]{2,})\b", repair, text)


def _looks_like_heading(block: Block) -> bool:
    return block.marker != "glyph" and _heading_like(block.text)


def _heading_like(text: str) -> bool:
    if "\t" in text or len(text.split()) > 10 or text.endswith((".", ",", ";", ":", "!", "?")):
        return False
    if text.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS:
        return False  # 'Vi rekommenderar nämnden att', a sentence going on in a list
    return _SECTION_NUMBER.sub("", text)[:1].isupper()


_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"”'(]?[A-ZÅÄÖ0-9])")


def sentences(text: str) -> list[str]:
    """`text` cut at sentence ends, not after abbreviations such as 't.ex.'."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == "." and not _ends_sentence(text[start : match.start() + 1]):
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


# --- Similarity ---------------------------------------------------------------------------------

_STOPWORDS = _words(
    "att av för i på som till det de den ett en och eller samt med om från inom kring vid "
    "hos under över mellan efter utan så där här är har ha vara varit bli blir bör ska "
    "skall kan måste behöver vi vår våra deras dess sin sina sitt också även inte ej t ex "
    "bl a detta denna dessa man mer mest"
)


@functools.lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-zåäöéü0-9]+", text.lower())
    return frozenset(word for word in words if word not in _STOPWORDS and len(word) > 1)


def containment(a: str, b: str) -> float:
    """How much of the smaller text's content words the other holds (0..1)."""
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def dice(a: str, b: str) -> float:
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


@dataclass
class _Found:
    text: str
    position: int  # where in the report: the order of the result
    assessment: str | None = None


def _clusters(found: list[_Found], threshold: float) -> list[list[_Found]]:
    """Group what says the same thing; a text that spans two groups is several items run
    together, and the items themselves are kept instead."""
    groups: list[list[_Found]] = []
    for item in sorted(found, key=lambda f: (len(content_words(f.text)), f.position)):
        matching = [
            g for g in groups if any(containment(item.text, m.text) >= threshold for m in g)
        ]
        if len(matching) > 1:
            continue
        if matching:
            matching[0].append(item)
        else:
            groups.append([item])
    return sorted(groups, key=lambda g: min(m.position for m in g))


def _representative(group: list[_Found]) -> str:
    counts = Counter(" ".join(m.text.lower().split()) for m in group)
    return max(group, key=lambda m: (counts[" ".join(m.text.lower().split())], len(m.text))).text


# --- Recommendations -----------------------------------------------------------------------------

_REC_WORD = re.compile(r"rekommend", re.IGNORECASE)
# The header row of a committee's answer table, flattened: not a heading of recommendations.
_ANSWER_TABLE = re.compile(r"åtgärd|ansvarig|tidsplan|status", re.IGNORECASE)
_INTRO_CUE = re.compile(r"rekommend|\bbör\b|följande förslag", re.IGNORECASE)
_WE_RECOMMEND = re.compile(
    r"\b(?:vi|revisorerna|revisionen|kommunrevisionen|stadsrevisionen)\s+(?:\w+\s+)?"
    r"rekommenderar\b|\brekommenderar\s+(?:vi|revisorerna|revisionen)\b|"
    r"\brekommenderas\b|\bvår(?:a)?\s+rekommendation(?:er)?\s+är\b",
    re.IGNORECASE,
)
_STRONG_CUE = re.compile(r"\bbör\b|\bbehöver\b|rekommender|^att\s", re.IGNORECASE)
_FIELD_LABEL = re.compile(r"^[A-ZÅÄÖ][\wåäö]*(?: [\wåäö]+)?\s?:\s")
_CONTINUATION = _words(
    "detta dessa denna där därmed därigenom därför vilket syftet exempelvis bland här då "
    "eftersom dock men samt särskilt det den"
)
_NOT_VERBS = _words(
    "detta denna dessa hela alla andra flera många samma sina våra dina era nya stora olika "
    "vissa enda bra ja ena alltså inga bägge båda sådana egna enskilda övriga"
)
_SHORT_VERBS = _words("se ta gå få nå stå ge dra slå bli tillse göra låta")
_LEAD_WORDS = _words(
    "tillsammans vidare även också fortsatt fortsätta löpande regelbundet snarast särskilt "
    "aktivt tydligare gemensamt årligen därefter"
)


def _is_infinitive(word: str) -> bool:
    word = word.lower().strip(",.;:")
    if word in _SHORT_VERBS:
        return True
    return len(word) >= 3 and word.endswith("a") and word not in _NOT_VERBS


def looks_like_recommendation(sentence: str) -> bool:
    """An imperative or infinitive phrase ('Tydliggöra ...', 'Att se över ...', 'Tillsammans med
    X utveckla ...') or a sentence that says what someone should do ('Kommunstyrelsen bör ...')."""
    if _STRONG_CUE.search(sentence):
        return True
    words = sentence.split()
    if not words:
        return False
    if _is_infinitive(words[0]):
        return True
    return words[0].lower() in _LEAD_WORDS and any(_is_infinitive(w) for w in words[1:5])


def _clean_item(text: str) -> str:
    text = split_marker(text.strip())[1]
    text = re.sub(r"\s+", " ", text).strip(" \t")
    text = re.sub(r"[,;]?\s*\b(?:samt|och|eller)$", "", text).rstrip(" ,;")
    if text and not text.endswith((".", "!", "?", ":")):
        text += "."
    return text[:1].upper() + text[1:]


def _item_pieces(text: str) -> list[str]:
    """One list item's text cut where items were run together: at sentence ends, at bullet
    glyphs inside the line, at numbers after a full stop, and before a capitalised 'Att'."""
    text = re.sub(
        rf"\s+[{_GLYPHS.replace('-', '').replace('–', '').replace('—', '')}]\s+", "\n", text
    )
    text = re.sub(r"(?<=[.;:!?])\s+\(?\d{1,2}[.)]\s+(?=[A-ZÅÄÖ])", "\n", text)
    text = re.sub(r"(?<=[a-zåäö,])\s+(?=Att\s)", "\n", text)
    text = re.sub(r"(?<=[a-zåäö)]{3}\.)\s+(?=[a-zåäö]{2,}\s)", "\n", text)
    pieces: list[str] = []
    for part in text.split("\n"):
        for sentence in sentences(part):
            first = sentence.split(None, 1)[0].lower().strip(",.") if sentence.split() else ""
            if pieces and first in _CONTINUATION and not _STRONG_CUE.search(sentence):
                pieces[-1] = f"{pieces[-1]} {sentence}"
            else:
                pieces.append(sentence)
    return pieces


def _usable(text: str) -> bool:
    words = text.split()
    return 4 <= len(words) <= 150 and not text.endswith("?") and not _FIELD_LABEL.match(text)


def _closes_zone(block: Block) -> bool:
    """Signatures, dates and the next heading end a list: short lines without a full stop."""
    if block.text[:1].islower():
        return False
    return len(block.text.split()) <= 4 and not block.text.endswith((".", "!", "?"))


@dataclass
class _Zone:
    kind: str  # "intro": opened by a sentence ending in ':'; "heading": by a heading
    marked: bool | None = None
    unmarked_run: int = 0
    stem: Block | None = None
    items: list[tuple[int, str]] = field(default_factory=list)
    # Sentences of a section's prose that read like recommendations; dropped if the section
    # then gives its recommendations as a list.
    prose: list[tuple[int, str]] = field(default_factory=list)

    def add(self, position: int, text: str) -> None:
        """One list item, cut where items were run together; after its first piece, only what
        reads as a recommendation (not the comment a committee's answer puts after it)."""
        pieces = _item_pieces(text)
        self.items += [
            (position, piece)
            for index, piece in enumerate(pieces)
            if index == 0 or looks_like_recommendation(piece)
        ]


def _is_sub_item(stem: Block, block: Block) -> bool:
    if block.indent > stem.indent or block.marker == "letter":
        return True
    if not block.marker:
        return block.text[:1].islower()
    return stem.marker == "number" and block.marker == "glyph"


def _feed(zone: _Zone, position: int, block: Block, previous: Block | None) -> bool:
    """Take `block` into the list `zone` collects; False when the block ends the list."""
    if _closes_zone(block) and (zone.items or zone.kind == "intro"):
        return False
    if zone.stem is not None:
        if _is_sub_item(zone.stem, block):
            stem = _clean_item(zone.stem.text)
            zone.items += [(position, f"{stem} {piece}") for piece in _item_pieces(block.text)]
            return True
        zone.stem = None
    if zone.marked is None and zone.kind == "intro":
        zone.marked = bool(block.marker)
    starts_lower = block.text[:1].islower()
    broken_off = (
        previous is not None
        and previous.text[-1:].isalnum()
        and previous.text.rsplit(None, 1)[-1] not in {"samt", "och", "eller"}
    )
    if starts_lower and zone.items and broken_off:
        last_position, last = zone.items.pop()
        zone.add(last_position, _joined(last, block.text))
        return True
    if block.text.endswith(":") and (block.marker or zone.marked is False):
        zone.stem = block
        return True
    if zone.marked and not block.marker:
        zone.unmarked_run += 1
        return zone.unmarked_run < 3
    zone.unmarked_run = 0
    if _FIELD_LABEL.match(block.text):
        return True  # 'Åtgärd: …', 'Tidsplan: …' in a committee's answer under each item
    if block.marker or (zone.kind == "intro" and zone.marked is False):
        if zone.marked is False and not any(looks_like_recommendation(s) for s in block.sentences):
            return False
        zone.add(position, block.text)
        return True
    zone.prose += [
        (position, sentence)
        for sentence in block.sentences
        if _stated_recommendation(sentence)
        or (looks_like_recommendation(sentence) and not _WE_RECOMMEND.search(sentence))
    ]
    return True


def _stated_recommendation(sentence: str) -> bool:
    """'Vi rekommenderar att kommunstyrelsen …': a recommendation in a sentence of its own, not
    the introduction of a list."""
    match = _WE_RECOMMEND.search(sentence)
    if not match or sentence.endswith(":"):
        return False
    rest = sentence[match.end() :]
    return len(rest.split()) >= 5 and not re.search(r"\bföljande\b", sentence, re.IGNORECASE)


def _table_cells(block: Block) -> list[str]:
    return [cell.strip() for cell in block.text.split("\t")]


def _recommendation_candidates(blocks: list[Block]) -> Iterator[_Found]:
    zone: _Zone | None = None
    table_column: int | None = None
    previous: Block | None = None
    for position, block in enumerate(blocks):
        if zone is not None and (block.heading and not block.marker):
            yield from _flush(zone)
            zone = None
        if "\t" in block.text:
            cells = _table_cells(block)
            header = [
                i for i, c in enumerate(cells) if re.fullmatch(r"rekommendation(er)?", c, re.I)
            ]
            if header:
                table_column = header[0]
            elif table_column is not None and table_column < len(cells) and cells[table_column]:
                yield _Found(cells[table_column], position)
            previous = block
            continue
        table_column = None
        last = block.sentences[-1] if block.sentences else ""
        if block.heading and not block.marker:
            opens = _REC_WORD.search(block.text) and not _ANSWER_TABLE.search(block.text)
            zone = _Zone("heading") if opens else None
        elif not block.marker and _introduces_list(last) and _INTRO_CUE.search(last):
            if zone is not None:
                zone.prose = []
                yield from _flush(zone)
            zone = _Zone("intro")
        # A block the open zone takes (`_feed` adds it to the zone) needs nothing more.
        elif zone is None or not _feed(zone, position, block, previous):
            if zone is not None:
                yield from _flush(zone)
                zone = None
            for sentence in block.sentences:
                if _stated_recommendation(sentence):
                    yield _Found(sentence, position)
        previous = block
    if zone is not None:
        yield from _flush(zone)


def _introduces_list(sentence: str) -> bool:
    return sentence.endswith(":") or bool(re.search(r"\batt$", sentence))


def _flush(zone: _Zone) -> Iterator[_Found]:
    for position, text in zone.items + zone.prose:
        yield _Found(text, position)
    zone.items, zone.prose = [], []


def recommendations_of(blocks: list[Block]) -> list[str]:
    candidates = list(_recommendation_candidates(blocks)) or list(_should_sentences(blocks))
    found = [
        _Found(_clean_item(c.text), order)
        for order, c in enumerate(candidates)
        if _usable(_clean_item(c.text))
    ]
    return [_representative(group) for group in _clusters(found, threshold=0.8)]


_JUDGEMENT_HEADING = re.compile(r"bedömning|slutsats|sammanfattning|kommentar", re.IGNORECASE)
_SHOULD = re.compile(
    r"\b(?:nämnden|styrelsen|kommunstyrelsen|\w+nämnden|kommunen|förvaltningen)\s+bör\b|"
    r"\bbör\s+(?:nämnden|styrelsen|kommunstyrelsen|\w+nämnden|kommunen|förvaltningen)\b",
    re.IGNORECASE,
)


def _should_sentences(blocks: list[Block]) -> Iterator[_Found]:
    """A report without a list of recommendations says what should be done in its judgements:
    'Kommunstyrelsen bör …' under an assessment or conclusion heading."""
    judging = False
    for position, block in enumerate(blocks):
        if block.heading and not block.marker:
            judging = bool(_JUDGEMENT_HEADING.search(block.text))
            continue
        if judging:
            yield from (_Found(s, position) for s in block.sentences if _SHOULD.search(s))


# --- Questions and assessments ------------------------------------------------------------------

_QUESTION_CUE = re.compile(
    r"revisionsfråg|kontrollmål|granskningsfråg|delfråg|följande frågor|frågeställning",
    re.IGNORECASE,
)
_NUMBERED_QUESTION = re.compile(
    r"^(?:kontrollmål|revisionsfråga|granskningsfråga|delfråga)\s*(?:\d{1,2}[a-z]?)?\s*"
    r"(?:[:.–—-]\s*|\s+(?=[A-ZÅÄÖ]))(?P<text>.{10,})",
    re.IGNORECASE,
)
_INLINE_QUESTION = re.compile(
    r"följande (?:revisionsfråga|granskningsfråga|fråga)n?\s*:\s*(?P<text>[A-ZÅÄÖ][^?]{10,}\?)",
    re.IGNORECASE,
)
_ONLY_ASSESSMENT = re.compile(
    r"^(?:bedömning\s*:?\s*)?(?:(?:ej|inte|delvis|i huvudsak)\s+)?uppfyll(?:t|d|da)\.?$",
    re.IGNORECASE,
)
_TRAILING_ASSESSMENT = re.compile(
    r"^(?P<text>.+\?)\s+(?P<assessment>(?:(?:ej|inte|delvis|i huvudsak)\s+)?uppfyll(?:t|d|da))\.?$",
    re.IGNORECASE,
)
_SUB_QUESTION_START = _words(
    "i med inom mellan för av vid hos från till utifrån avseende när gällande"
)
_AUDITOR_VOICE = re.compile(
    r"\b(?:vi|vår|våra|revisorerna|revisionen)\b|kontrollmål|revisionsfråg|^bedömning",
    re.IGNORECASE,
)


def assessment_in(sentence: str) -> str | None:
    """The assessment a sentence states in the scale's own words, if it does."""
    s = sentence.lower()
    verb = r"(?:(?:är|vara|varit|blivit|har\s+blivit)\s+)?"
    if re.search(rf"\b(?:inte|ej)\s+{verb}helt\s+uppfyll(?:t|d|da|s)\b", s):
        return PARTLY_MET
    if re.search(
        rf"\b(?:ej|inte|icke)\s+{verb}uppfyll(?:t|d|da|s)\b|\buppfylls\s+(?:inte|ej)\b", s
    ):
        return NOT_MET
    if re.search(
        r"\bdelvis\s+uppfyll(?:t|d|da|s)\b|\buppfylls\s+delvis\b|till viss del uppfyll", s
    ):
        return PARTLY_MET
    if re.search(r"\buppfyll(?:t|d|da|s)\b", s):
        return MET
    return None


def assessment_from_prose(sentence: str) -> str:
    """What an auditor's judgement in ordinary words amounts to on the three-step scale. The
    main clause decides: a reservation after 'men' or 'dock' does not turn 'i huvudsak' into
    'ej uppfyllt'."""
    explicit = assessment_in(sentence)
    if explicit:
        return explicit
    s = re.split(r",?\s+(?:men|dock|samtidigt)\s", sentence.lower(), maxsplit=1)[0]
    if re.search(
        r"\bdelvis\b|till viss del|till stor del|inte (?:helt|fullt ut|fullständigt)|"
        r"i begränsad (?:omfattning|utsträckning)|\bbristfällig",
        s,
    ):
        return PARTLY_MET
    if re.search(
        r"\b(?:i huvudsak|i allt väsentligt|huvudsakligen)\b(?!\s+(?:\w+\s+)?(?:inte|ej)\b)", s
    ):
        return MET
    if re.search(r"\b(?:inte|ej|icke|saknas|saknar|brister|otillräcklig)\b", s):
        return NOT_MET
    return MET


@dataclass
class _Occurrence:
    text: str
    position: int
    standalone: bool
    assessment: str | None = None


def _starts_like_sub_question(text: str) -> bool:
    first = text.split(None, 1)[0].lower() if text.split() else ""
    return text[:1].islower() or (first in _SUB_QUESTION_START and len(text.split()) <= 14)


def _question_occurrences(blocks: list[Block]) -> list[_Occurrence]:
    found: list[_Occurrence] = []
    in_zone = False
    zone_has_questions = False
    control_objectives = False
    for position, block in enumerate(blocks):
        text = block.text
        if block.heading and not block.marker and not text.endswith("?"):
            in_zone = bool(_QUESTION_CUE.search(text))
            control_objectives = "kontrollmål" in text.lower()
            zone_has_questions = False
            continue
        last = block.sentences[-1] if block.sentences else ""
        if not block.marker and last.endswith(":") and _QUESTION_CUE.search(last):
            in_zone, zone_has_questions = True, False
            control_objectives = "kontrollmål" in last.lower()
            found.extend(_inline_questions(block, position))
            continue
        if "\t" in text:
            found.extend(_table_questions(block, position))
            continue
        numbered = [m for m in re.split(r"(?=\b(?:Kontrollmål|Revisionsfråga)\s+\d)", text) if m]
        if any(_NUMBERED_QUESTION.match(part) for part in numbered):
            for part in numbered:
                match = _NUMBERED_QUESTION.match(part.strip())
                if match:
                    found.append(_Occurrence(_tidy(match.group("text")), position, not in_zone))
            zone_has_questions = zone_has_questions or in_zone
            continue
        trailing = _TRAILING_ASSESSMENT.match(text)
        if trailing:
            assessment = assessment_in(trailing.group("assessment"))
            found.append(_Occurrence(_tidy(trailing.group("text")), position, False, assessment))
            continue
        if _ONLY_ASSESSMENT.match(text) and found and found[-1].position == position - 1:
            found[-1].assessment = assessment_in(text)
            continue
        if in_zone:
            if text.endswith("?") or (control_objectives and block.marker):
                _add_zone_question(found, block, position)
                zone_has_questions = True
                continue
            if text.endswith(":") and zone_has_questions:
                found[-1].text = f"{found[-1].text.rstrip('?')} {text}".strip()
                continue
            if (
                zone_has_questions
                and not block.marker
                and _closes_zone(block)
                or zone_has_questions
                and not block.marker
                and not _starts_like_sub_question(text)
            ):
                in_zone = False
        found.extend(_inline_questions(block, position))
        if _standalone_question(blocks, position):
            found.append(_Occurrence(_tidy(text), position, True))
    return found


def _add_zone_question(found: list[_Occurrence], block: Block, position: int) -> None:
    pieces = [block.text] if block.marker else _question_pieces(block.text)
    for piece in pieces:
        previous = found[-1] if found else None
        if (
            previous
            and previous.position >= position - 3
            and (_starts_like_sub_question(piece) or previous.text.endswith(":"))
        ):
            previous.text = f"{previous.text} {_tidy(piece)}"
            previous.position = position
        else:
            found.append(_Occurrence(_tidy(piece), position, False))


def _question_pieces(text: str) -> list[str]:
    """An unmarked paragraph of questions run together, one question each."""
    pieces: list[str] = []
    for sentence in sentences(text):
        if pieces and not pieces[-1].endswith("?"):
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
    return pieces


def _inline_questions(block: Block, position: int) -> list[_Occurrence]:
    return [
        _Occurrence(_tidy(m.group("text")), position, True)
        for m in _INLINE_QUESTION.finditer(block.text)
    ]


def _table_questions(block: Block, position: int) -> list[_Occurrence]:
    cells = [c for c in _table_cells(block) if c]
    if len(cells) >= 2 and _ONLY_ASSESSMENT.match(cells[-1]) and len(cells[0].split()) >= 4:
        return [_Occurrence(_tidy(cells[0]), position, False, assessment_in(cells[-1]))]
    return []


def _standalone_question(blocks: list[Block], position: int) -> bool:
    """A question on its own line, answered by the auditor's judgement right after it: the
    'question, then assessment' layout of many summaries."""
    block = blocks[position]
    text = block.text
    if block.marker or not text.endswith("?") or len(text.split()) < 4:
        return False
    if not all(s.endswith("?") for s in block.sentences):
        return False
    following = blocks[position + 1 : position + 3]
    return any("bedöm" in b.text.lower() and not b.text.endswith("?") for b in following)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", split_marker(text.strip())[1]).strip(" -–—:")
    return text[:1].upper() + text[1:]


def _assess(blocks: list[Block], occurrences: list[_Occurrence]) -> None:
    """Give each question that stands alone the auditor's assessment that follows it: the first
    one in the scale's words before the next question, else a judgement in prose right after."""
    positions = sorted({o.position for o in occurrences})
    for occurrence in occurrences:
        if occurrence.assessment or not occurrence.standalone:
            continue
        later = [p for p in positions if p > occurrence.position]
        end = min(later[0] if later else len(blocks), occurrence.position + 80)
        prose: str | None = None
        for position in range(occurrence.position + 1, end):
            block = blocks[position]
            if block.heading and _REC_WORD.search(block.text):
                break
            for sentence in block.sentences:
                explicit = assessment_in(sentence)
                if explicit and (
                    _AUDITOR_VOICE.search(sentence) or _ONLY_ASSESSMENT.match(sentence)
                ):
                    occurrence.assessment = explicit
                    break
                if (
                    prose is None
                    and position <= occurrence.position + 3
                    and "bedöm" in sentence.lower()
                    and _AUDITOR_VOICE.search(sentence)
                ):
                    prose = assessment_from_prose(sentence)
            if occurrence.assessment:
                break
        occurrence.assessment = occurrence.assessment or prose


def questions_of(blocks: list[Block]) -> list[Question]:
    occurrences = [o for o in _question_occurrences(blocks) if len(o.text.split()) >= 3]
    _assess(blocks, occurrences)
    found = [_Found(o.text, o.position, o.assessment) for o in occurrences]
    questions = []
    for group in _clusters(found, threshold=0.9):
        assessments = [
            m.assessment for m in sorted(group, key=lambda m: m.position) if m.assessment
        ]
        questions.append(Question(_representative(group), assessments[0] if assessments else None))
    return questions


# --- Title, auditor and date --------------------------------------------------------------------

_TITLE_START = re.compile(
    r"^(?:(?:uppföljande|fördjupad|grundläggande|förnyad|översiktlig)\s+)?"
    r"(?:granskning|förstudie|revisionsrapport)\b",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(
    r"^(?:revisionsrapport|rapport|kommunrevisionen|revisionen|missiv)\s*[:–—,-]\s*",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"^(?:innehåll|innehållsförteckning|sammanfattning|rapport|revisionsrapport|datum|bilaga|"
    r"tjänsteskrivelse|yttrande|protokoll|missivskrivelse|handläggare|diarienummer)\b",
    re.IGNORECASE,
)


def _title_text(text: str) -> str:
    text = _SECTION_NUMBER.sub("", text).strip()
    while _TITLE_PREFIX.match(text):
        text = _TITLE_PREFIX.sub("", text)
    inner = re.search(
        r"\b(?:(?:uppföljande|fördjupad|grundläggande|förnyad|översiktlig)\s+)?granskning av\b",
        text,
        re.IGNORECASE,
    )
    if inner and inner.start() > 0:
        text = text[inner.start() :]
    return text.strip(' -–—:"”')


def title_of(lines: list[Line]) -> str | None:
    """A 'Granskning av …' line near the start, preferably one repeated as a running header."""
    counts = Counter(_title_text(line.text).lower() for line in lines)
    best: tuple[float, int, str] | None = None
    for index, line in enumerate(lines):
        if index > 80 and not line.heading:
            continue
        text = _title_text(line.text)
        if index + 1 < len(lines) and lines[index + 1].text[:1].islower() and text[-1:] not in ".:":
            text = _joined(text, lines[index + 1].text)
        words = text.split()
        if not 2 <= len(words) <= 20 or text.endswith((".", ",", ";", ":", "?")):
            continue
        if _NOT_TITLE.match(text) or re.fullmatch(r"[\w\s]+s? kommun", text, re.IGNORECASE):
            continue
        if "\t" in text or _DATE_ANY.search(text) and len(words) <= 4:
            continue
        score = 0.0
        if _TITLE_START.match(text):
            score += 5
        elif re.search(r"granskning|förstudie", text, re.IGNORECASE):
            score += 2
        else:
            continue
        score += 2 if counts[text.lower()] >= 2 else 0
        score += 1 if line.heading else 0
        score += 1 if index < 40 else 0
        if best is None or score > best[0]:
            best = (score, index, text)
    return best[2] if best else None


_FIRMS = (
    ("KPMG", r"\bKPMG\b"),
    ("PwC", r"\bPwC\b|PricewaterhouseCoopers|\bÖhrlings\b"),
    ("EY", r"\bEY\b|Ernst\s*&\s*Young"),
    ("Deloitte", r"\bDeloitte\b"),
    ("Grant Thornton", r"\bGrant\s+Thornton\b"),
    ("BDO", r"\bBDO\b"),
    ("Forvis Mazars", r"\bMazars\b"),
    ("LR Revision", r"\bLR\s+Revision\b"),
)
_IN_HOUSE = re.compile(r"\b(Stadsrevisionen|Revisionskontoret|Kommunrevisionen|Regionrevisionen)\b")


def auditor_of(text: str) -> str | None:
    """The audit firm named most often, or the municipality's own audit office."""
    counts = {name: len(re.findall(pattern, text)) for name, pattern in _FIRMS}
    name, count = max(counts.items(), key=lambda item: item[1])
    if count:
        return name
    office = Counter(_IN_HOUSE.findall(text)).most_common(1)
    return office[0][0] if office else None


_MONTH_LIST = (
    "januari februari mars april maj juni juli augusti september oktober november december"
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_LIST.split(" "), start=1)}
_MONTH_NAMES = "|".join(_MONTHS)
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DATE_LONG = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_NAMES})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_MONTH = re.compile(rf"\b({_MONTH_NAMES})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_ANY = re.compile(rf"{_DATE_ISO.pattern}|{_DATE_LONG.pattern}|{_DATE_MONTH.pattern}", re.I)
_FIRM = re.compile("|".join(pattern for _name, pattern in _FIRMS))
# A signature block: the auditor's firm or title on a line of its own.
_SIGNATURE = re.compile(
    r"^(?:(?:certifierad\s+)?(?:kommunal\s+)?revisor|(?:verksamhets)?revisor|uppdragsledare|"
    r"projektledare|granskare|datum som ovan|(?:" + _FIRM.pattern + r"))",
    re.IGNORECASE,
)
_NOT_REPORT_DATE = re.compile(
    r"antag|protokoll|beslut|§|dnr|diarie|reglemente|senast|tjänsteskrivelse|yttrande|"
    r"sammanträde|inkom|status per",
    re.IGNORECASE,
)


# The heading of the committee's own papers bundled with a report (its answer, its minutes).
_COMMITTEE_PAPER = re.compile(
    r"^(?:tjänsteskrivelse|yttrande|diarienummer|handläggare|protokoll|sammanträdesdatum|"
    r"beslutsdatum|paragraf|§)\b",
    re.IGNORECASE,
)


def _dates_in(text: str) -> Iterator[tuple[dt.date, float]]:
    taken: list[tuple[int, int]] = []
    for match in _DATE_ISO.finditer(text):
        taken.append(match.span())
        yield from _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)), 0)
    for match in _DATE_LONG.finditer(text):
        taken.append(match.span())
        month = _MONTHS[match.group(2).lower()]
        yield from _valid(int(match.group(3)), month, int(match.group(1)), 0)
    for match in _DATE_MONTH.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            yield from _valid(int(match.group(2)), _MONTHS[match.group(1).lower()], 1, -1)


def _valid(year: int, month: int, day: int, bonus: float) -> Iterable[tuple[dt.date, float]]:
    try:
        return [(dt.date(year, month, day), bonus)]
    except ValueError:
        return []


def date_of(lines: list[Line], title: str | None) -> dt.date | None:
    """The report's date: the one beside the auditor's name or signature, in a 'Datum' line,
    repeated in the running header, or next to the title; not one in the committee's own papers
    bundled with the report."""
    texts = [line.text for line in lines]
    repeated = Counter(texts)
    titled = [i for i, text in enumerate(texts) if title and title in _title_text(text)]
    best: dict[dt.date, float] = {}
    seen: Counter[dt.date] = Counter()
    for index, text in enumerate(texts):
        for date, bonus in _dates_in(text):
            score = 1 + bonus
            nearby = texts[max(0, index - 4) : index + 5]
            if _FIRM.search(text) or any(
                _SIGNATURE.match(t) and len(t.split()) <= 5 for t in nearby
            ):
                score += 3
            if "datum" in text.lower() or (index and texts[index - 1].lower() == "datum"):
                score += 2
            if repeated[text] >= 2 and len(text.split()) <= 3:
                score += 2
            if any(abs(index - i) <= 3 for i in titled[:1]):
                score += 2
            if _NOT_REPORT_DATE.search(text) or "\t" in text:
                score -= 3
            if any(_COMMITTEE_PAPER.match(t) and t[:1].isupper() for t in nearby):
                score -= 3
            best[date] = max(best.get(date, score), score)
            seen[date] += 1
    if not best:
        return None
    return max(best, key=lambda date: (best[date] + 0.25 * min(seen[date], 4), date))
