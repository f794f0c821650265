"""A PDF's text layer as the rest of ingest reads a .txt: one paragraph per line, page furniture gone.

A PDF knows glyphs and where they sit, not paragraphs: a line ends where the column ends, every page
repeats a running header and a page number, and a sentence runs on over the page break. This module
reads each line with its position (pypdfium2, PDFium's text layer), drops the header, footer and page
number lines of every page, and joins the lines of a paragraph again:

- a line that stops short of the column's right edge ends its paragraph (a heading, a paragraph's last
  line), and so does a line followed by an indented line (the 2-character first-line indent of Chinese
  documents), by a wider gap than the line spacing, or by a numbered heading (一、 (一) 1. 第一章 …);
- a line that runs to the right edge goes on in the next line, even when it happens to end with 。, and
  so does one whose next line starts with a piece that would not have fitted after it ("195-255元");
  where the document marks no paragraph start by indent or gap, a line ending in 。；：！？ ends it.

Characters are kept as the PDF has them (full-width punctuation too); the pipeline normalises. Bad
input is an ``InputFileError``: not a PDF, damaged, password-protected, or without text (a scan).
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tracker.errors import InputFileError

#: More pages than any plan or summary has; at some 20 ms a page this bounds one file at half a minute.
MAX_PAGES = 1500
_OCR_HINT = "OCR it first, e.g. ocrmypdf -l chi_sim in.pdf out.pdf, or save its text as .txt"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = "。；：！？;:!?"
_HEADING_START = re.compile(
    r"^([一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、．]|\d+\.(?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部篇])"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–‒_·•\s]*\d+[-—–‒_·•\s]*"
    r"|第\s*(?:\d+|[一二三四五六七八九十百零〇]+)\s*页(?:\s*[,，/、]?\s*共\s*(?:\d+|[一二三四五六七八九十百零〇]+)\s*页)?"
    r"|共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+"
    r"|(?:page\s*)?\d+\s*(?:of\s*\d+)?)$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
#: Lines of a page that can be its running header or footer: so many from its top and from its bottom.
_EDGE_LINES = 3


@dataclass
class Line:
    """One line of a page as PDFium reads it, with its box in points (y grows upwards)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    em: float  # the width of one Chinese character here (0: none): the unit of indents and tolerances
    lead: float  # the width of its first unbreakable piece: what a line above could not fit
    page: int
    page_width: float = 0.0
    column: int = 0


def pdf_text(data: bytes, display_path: str) -> tuple[str, int]:
    """The PDF's text, one paragraph per line, and its number of pages.

    Raises:
        InputFileError: not a PDF, damaged or truncated, password-protected, more than ``MAX_PAGES``
            pages, or without a text layer (every page empty, or its text not Chinese).
    """
    pages = read_lines(data, display_path)
    body = without_furniture(pages)
    if not any(line.text.strip() for page in body for line in page):
        raise InputFileError(display_path, "PDF has no text layer (a scan?)", _OCR_HINT)
    text = "\n".join(paragraphs(body))
    if not _CJK.search(text):
        raise InputFileError(
            display_path,
            "PDF text layer holds no Chinese characters (its fonts may lack a Unicode map)",
            _OCR_HINT.replace("ocrmypdf", "ocrmypdf --force-ocr"),
        )
    return text, len(pages)


def read_lines(data: bytes, display_path: str) -> list[list[Line]]:
    """Every page's lines in the order of the PDF's text, generated spaces between Chinese dropped."""
    import pypdfium2  # a compiled library: loaded only when a PDF is read

    if b"%PDF" not in data[:1024]:
        raise _not_a_pdf(data, display_path)
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise _unreadable(error, display_path) from error
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise InputFileError(
                display_path,
                f"PDF has more than {MAX_PAGES:,} pages",
                "split the document or give only its text",
            )
        pages = []
        for index in range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
            except pypdfium2.PdfiumError as error:
                raise InputFileError(
                    display_path,
                    f"PDF cannot be read (page {index + 1} is damaged)",
                    "export or download it again",
                ) from error
            try:
                pages.append(_page_lines(textpage, index, page.get_width()))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        document.close()


def _not_a_pdf(data: bytes, display_path: str) -> InputFileError:
    from tracker.ingest.reading import decode_bytes  # reading dispatches here: imported late

    try:
        text, _ = decode_bytes(data, display_path)
    except InputFileError:
        text = ""
    hint = "it is plain text: rename it to .txt" if _CJK.search(text) else "export the document as PDF again"
    return InputFileError(display_path, "not a PDF file (no %PDF header)", hint)


def _unreadable(error: Any, display_path: str) -> InputFileError:
    import pypdfium2.raw as pdfium

    code = getattr(error, "err_code", None)
    if code == pdfium.FPDF_ERR_PASSWORD:
        return InputFileError(
            display_path,
            "PDF is password-protected",
            "remove the password, e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf, or save its text as .txt",
        )
    if code == pdfium.FPDF_ERR_SECURITY:
        return InputFileError(
            display_path,
            "PDF is encrypted with an unsupported method",
            "save an unencrypted copy or its text as .txt",
        )
    return InputFileError(
        display_path, "PDF cannot be read (damaged or truncated)", "export or download it again"
    )


def _page_lines(textpage: Any, page: int, width: float) -> list[Line]:
    """The lines of one page: PDFium's characters cut at the line breaks it generates."""
    import pypdfium2.raw as pdfium

    handle = textpage.raw
    box = pdfium.FS_RECTF()
    lines: list[Line] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def close_line() -> None:
        text = _GENERATED_SPACE.sub(" ", "".join(chars)).replace(_GENERATED, "").strip()
        if text:
            visible = [b for c, b in zip(chars, boxes, strict=True) if not c.isspace() and c != _GENERATED]
            widths = [b[1] - b[0] for c, b in zip(chars, boxes, strict=True) if _CJK.match(c)]
            em = statistics.median(widths) if widths else 0.0  # no Chinese: the document's em, later
            lines.append(
                Line(
                    text=text,
                    lead=_lead(chars, boxes),
                    left=min(b[0] for b in visible),
                    right=max(b[1] for b in visible),
                    bottom=statistics.median(b[2] for b in visible),
                    top=statistics.median(b[3] for b in visible),
                    em=em,
                    page=page,
                    page_width=width,
                )
            )
        chars.clear()
        boxes.clear()

    for index in range(pdfium.FPDFText_CountChars(handle)):
        code = pdfium.FPDFText_GetUnicode(handle, index)
        char = chr(code) if 0 < code < 0x110000 else "\ufffd"
        if char in "\r\n":
            close_line()
            continue
        hyphen = code == 2  # PDFium's mark for a line ending in "-", the break after it left out
        if hyphen:
            char = "-"
        if char.isspace():
            char = _GENERATED if pdfium.FPDFText_IsGenerated(handle, index) == 1 else " "
        pdfium.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(box))
        chars.append(char)
        boxes.append((box.left, box.right, box.bottom, box.top))
        if hyphen:
            close_line()
    close_line()
    return lines


_NO_LINE_START = set("，。、；：？！”’）》」』】〕,.;:?!)]}%")
_NO_LINE_END = set("“‘（《「『【〔([{")


def _lead(chars: list[str], boxes: list[tuple[float, float, float, float]]) -> float:
    """The width of the line's first piece that cannot be broken: a run of ASCII letters and digits
    ("195-255"), else one character, with the punctuation that may not end a line before it and the
    punctuation that may not start one after it ("“6+2+N”")."""
    start = next((i for i, c in enumerate(chars) if not c.isspace() and c != _GENERATED), 0)
    end = start
    while end < len(chars) - 1 and chars[end] in _NO_LINE_END:
        end += 1
    end += 1
    if chars[end - 1].isascii():
        while (
            end < len(chars)
            and chars[end].isascii()
            and not chars[end].isspace()
            and chars[end] != _GENERATED
        ):
            end += 1
    while end < len(chars) and chars[end] in _NO_LINE_START:
        end += 1
    return boxes[end - 1][1] - boxes[start][0]


#: A space PDFium generated for a gap between two pieces of text, not one the PDF holds. It stays
#: between two ASCII characters (words apart); next to Chinese it is only spacing (justified text).
_GENERATED = "\x00"
_GENERATED_SPACE = re.compile(r"(?<=[\x21-\x7e])\x00+(?=[\x21-\x7e])")


def without_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """The pages without their page numbers and running headers and footers.

    Candidates are a page's top and bottom few lines. A page number is one by its form ("- 3 -",
    "第3页 共12页", "3/12", "3"); a header or footer is a line (digits aside) that sits at the same
    height on at least two pages and on two in five of them, so a title that repeats the running header
    lower on the first page stays.
    """
    edges = [_edge_lines(page) for page in pages]
    spots: Counter[tuple[str, int]] = Counter()
    for page_edges in edges:
        spots.update({(_key(line), round(line.top / 4)) for line in page_edges})
    needed = max(2, -(-2 * len(pages) // 5))
    repeated = {spot for spot, count in spots.items() if count >= needed}

    def furniture(line: Line) -> bool:
        if _PAGE_NUMBER.match(line.text.strip()):
            return True
        key, height = _key(line), round(line.top / 4)
        return any((key, h) in repeated for h in (height - 1, height, height + 1))

    return [
        [line for line in page if not (any(line is edge for edge in page_edges) and furniture(line))]
        for page, page_edges in zip(pages, edges, strict=True)
    ]


def _edge_lines(page: list[Line]) -> list[Line]:
    by_height = sorted(page, key=lambda line: -line.top)
    return by_height[:_EDGE_LINES] + by_height[_EDGE_LINES:][-_EDGE_LINES:]


def _key(line: Line) -> str:
    return _DIGITS.sub("#", _SPACES.sub("", line.text))


def paragraphs(pages: list[list[Line]]) -> list[str]:
    """The lines joined into paragraphs (see the module docstring for the rules)."""
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    ems = [line.em for line in lines if line.em > 0]
    em = statistics.median(ems) if ems else 10.0
    for line in lines:
        line.em = line.em or em
    columns = _columns(lines)
    indented = [_indented(line, columns) for line in lines]
    pitch = _line_pitch(lines)
    # How this document marks where a paragraph starts, seen after the lines that surely end one (short
    # lines): by an indent, by a wider gap, or (neither) by nothing but the punctuation ending the last.
    after_ends = [
        (indented[index + 1], _gap(line, following, pitch))
        for index, (line, following) in enumerate(zip(lines, lines[1:], strict=False))
        if not _full(line, following, columns)
    ]
    marks_indent = _mostly([by_indent for by_indent, _ in after_ends])
    marked = marks_indent or _mostly([by_gap for _, by_gap in after_ends])
    result: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        if current:
            previous = lines[index - 1]
            if _starts_paragraph(previous, line, columns, indented[index] and marks_indent, marked, pitch):
                result.append(current)
                result += [""] * _blank_lines(previous, line, pitch)
                current = ""
            elif (
                current[-1].isascii()
                and current[-1].isalnum()
                and line.text[0].isascii()
                and line.text[0].isalnum()
            ):
                current += " "  # two words of Latin script, broken at the space between them
        current += line.text
    result.append(current)
    return result


def _mostly(signs: list[bool]) -> bool:
    return sum(signs) >= 2 and sum(signs) >= len(signs) / 2


def _starts_paragraph(
    previous: Line,
    line: Line,
    columns: list[tuple[float, float]],
    indented: bool,
    marked: bool,
    pitch: float | None,
) -> bool:
    if indented or _gap(previous, line, pitch):
        return True
    if _HEADING_START.match(line.text) and previous.text[-1] in _SENTENCE_END:
        return True  # 一、 (一) 1. … after a sentence's end; after "二" of "二、三级医院" it goes on
    if not _full(previous, line, columns):
        return True
    # A full line goes on, unless nothing but its punctuation can tell where a paragraph ends.
    return not marked and previous.text[-1] in _SENTENCE_END


def _blank_lines(previous: Line, line: Line, pitch: float | None) -> int:
    """As many blank lines as the empty space between two paragraphs holds lines, at most three: a
    .txt's blank lines, which tell a photo's caption (alone after a gap) from the text around it."""
    if not _gap(previous, line, pitch) or pitch is None:
        return 0
    return min(3, round((previous.top - line.top) / pitch) - 1)


def _gap(previous: Line, line: Line, pitch: float | None) -> bool:
    """The line is further below the previous one, in the same column, than the line spacing."""
    same_column = previous.page == line.page and previous.column == line.column
    return bool(pitch and same_column and previous.top - line.top > 1.5 * pitch)


def _columns(lines: list[Line]) -> list[tuple[float, float]]:
    """The document's columns, left and right edge each, with every line's column set on the line.

    A column starts where many lines start (a tenth of them, at least three), three characters or more
    from a busier start, with the lines starting left of it ending before it: an indent is not a column,
    since the lines of its paragraph run past it. The right edge is where the column's long lines
    usually end (their upper quartile): a ragged right edge, and a 。 hanging into the margin, move it
    less than a maximum would; with fewer than three long lines, the right margin is taken as wide as
    the left. Lines are few on a last page, so columns are the document's, not a page's.
    """
    em = statistics.median(line.em for line in lines)
    starts = Counter(round(line.left) for line in lines)
    near = {x: sum(starts.get(x + d, 0) for d in (-1, 0, 1)) for x in starts}
    lefts: list[int] = []
    for x in sorted(near, key=lambda x: (-near[x], x)):
        if near[x] < max(3, len(lines) / 10):
            break
        if any(abs(x - y) <= 3 * em for y in lefts):
            continue
        before = [line for line in lines if line.left < x - em]
        if sum(line.right > x for line in before) > 0.2 * len(before):
            continue
        lefts.append(x)
    lefts = sorted(lefts) or [min(starts)]
    for line in lines:
        line.column = max([i for i, x in enumerate(lefts) if x - em <= line.left] or [0])
    edges = []
    for column, left in enumerate(lefts):
        limit = lefts[column + 1] if column + 1 < len(lefts) else float("inf")
        members = [line.right for line in lines if line.column == column and line.right <= limit]
        reach = max(members, default=left)
        long = sorted(right for right in members if right >= left + 0.6 * (reach - left))
        if len(long) >= 3:
            edges.append((float(left), long[(3 * len(long)) // 4]))
        else:  # too few lines to tell: margins as wide on the right as on the left
            width = max(line.page_width for line in lines)
            edges.append((float(left), min(limit, width - lefts[0]) if width else float("inf")))
    return edges


def _indented(line: Line, columns: list[tuple[float, float]]) -> bool:
    left, _ = columns[line.column]
    return line.left >= left + 0.8 * line.em


def _full(line: Line, following: Line, columns: list[tuple[float, float]]) -> bool:
    """The line reaches its column's right edge, give or take the character that Chinese
    line-breaking rules move to the next line (no 。 or ” may start one), or the next line's first
    piece would not have fitted in what is left ("195-255元" moves down whole)."""
    _, right = columns[line.column]
    return line.right >= right - 1.6 * line.em or line.right + following.lead > right


def _line_pitch(lines: list[Line]) -> float | None:
    """The usual distance from one line to the next in the same column (None: too few lines)."""
    steps = [
        a.top - b.top
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and a.column == b.column and 0 < a.top - b.top < 4 * a.em
    ]
    return statistics.median(steps) if len(steps) >= 3 else None
