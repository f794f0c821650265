"""Chinese PDFs made with reportlab, as a word processor would print them: paragraphs wrapped at the
page width with the Chinese line-breaking rules, a first-line indent, a running header and a page
number on every page, one or two columns. Used by the PDF tests and by ``benchmarks/pdf_extract.py``.

STSong-Light is one of the CID fonts every PDF reader knows, so no font file is needed: the PDF holds
character codes of the Adobe-GB1 collection (UniGB-UCS2-H) and no embedded font, the hardest case for
an extractor (it must know the CMap). ``font=`` names a TrueType file to embed a subset instead, the way
Word and WPS export.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

CID_FONT = "STSong-Light"
MARGIN = 25 * mm


def font_name(font: str) -> str:
    """Register ``font`` (a CID font name, or a .ttf/.ttc path) once; its name for reportlab. The 14
    standard fonts (Helvetica …) need no registering and have no Chinese."""
    if font in pdfmetrics.standardFonts:
        return font
    if font.endswith((".ttf", ".ttc")):
        name = Path(font).stem
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, font, subfontIndex=0))
        return name
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def make_pdf(
    path: Path,
    paragraphs: Sequence[str],
    *,
    header: str | None = None,
    page_number: str | None = "- {n} -",
    columns: int = 1,
    font: str = CID_FONT,
    size: float = 12,
    indent: float = 2,
    justify: bool = False,
    space_after: float = 0,
    password: str | None = None,
    owner_password: str | None = None,
) -> int:
    """Write ``paragraphs`` (one string each, as the lines of a .txt) as a PDF; the number of pages.

    An empty paragraph (a blank line of the .txt) is a line's height of space, as a picture or a gap
    between paragraphs leaves on a page.

    ``indent`` is the first line's indent in characters, ``space_after`` the space after a paragraph in
    lines; ``justify`` spreads every line but a paragraph's last to the full width, as Word does.
    ``page_number`` is formatted with ``n`` (this page) and ``total`` (pages in all) and centred in the
    footer; ``header`` is drawn above the text on every page. ``password`` encrypts the file for
    opening, ``owner_password`` alone restricts only printing and copying (the file opens as is).
    """
    name = font_name(font)
    style = ParagraphStyle(
        "body",
        fontName=name,
        fontSize=size,
        leading=size * 1.6,
        firstLineIndent=indent * size,
        spaceAfter=space_after * size * 1.6,
        alignment=TA_JUSTIFY if justify else TA_LEFT,
        wordWrap="CJK",
    )

    def flowables() -> list[Flowable]:
        return [
            Paragraph(escape(text.strip()), style) if text.strip() else Spacer(1, style.leading)
            for text in paragraphs
        ]

    def build(total: int) -> int:
        pages = 0

        def furniture(canvas: Canvas, document: BaseDocTemplate) -> None:
            nonlocal pages
            pages = document.page
            canvas.setFont(name, size * 0.75)
            width, height = A4
            if header:
                canvas.drawCentredString(width / 2, height - MARGIN + 8 * mm, header)
                canvas.line(MARGIN, height - MARGIN + 6 * mm, width - MARGIN, height - MARGIN + 6 * mm)
            if page_number:
                canvas.drawCentredString(
                    width / 2, MARGIN - 12 * mm, page_number.format(n=pages, total=total)
                )

        encrypt = None
        if password is not None or owner_password is not None:
            encrypt = StandardEncryption(password or "", owner_password or password, strength=128)
        document = BaseDocTemplate(str(path), pagesize=A4, encrypt=encrypt, title="", author="")
        gap = 8 * mm
        width = (A4[0] - 2 * MARGIN - gap * (columns - 1)) / columns
        frames = [
            Frame(MARGIN + i * (width + gap), MARGIN, width, A4[1] - 2 * MARGIN, id=f"c{i}")
            for i in range(columns)
        ]
        document.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=furniture)])
        document.build(flowables())
        return pages

    total = build(0)
    if page_number and "{total}" in page_number:
        build(total)  # a second pass knows the number of pages
    return total


def pdf_bytes(paragraphs: Sequence[str], **layout: object) -> bytes:
    """The bytes of ``make_pdf(path, paragraphs, **layout)``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.pdf"
        make_pdf(path, paragraphs, **layout)  # type: ignore[arg-type]
        return path.read_bytes()


def make_scanned_pdf(path: Path, pages: int = 2) -> None:
    """A PDF as a scanner makes it: every page a picture (here shapes and an inline image), no text."""
    from PIL import Image

    picture = Image.new("L", (200, 60), 255)
    picture.paste(0, (20, 20, 180, 40))
    canvas = Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        canvas.drawInlineImage(picture, MARGIN, MARGIN, 100 * mm, 30 * mm)
        for row in range(30):
            canvas.rect(MARGIN, A4[1] - MARGIN - row * 8 * mm, 150 * mm, 4 * mm, fill=1, stroke=0)
        canvas.showPage()
    canvas.save()


def make_blank_pdf(path: Path, pages: int = 3) -> None:
    """A PDF whose pages hold nothing at all."""
    canvas = Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        canvas.showPage()
    canvas.save()
