"""From raw page text to the document's own paragraphs: web furniture, broken lines and repeats removed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.ingest.furniture import is_furniture_line
from tracker.textnorm import normalize

_SENTENCE_END = "。！？!?；;:：”」』)）】…"
_HEADING_START = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．\s]|第[一二三四五六七八九十]+)"
)


@dataclass
class Paragraph:
    """One paragraph of the document's own text, with how many times the document states it."""

    text: str
    count: int = 1
    isolated: bool = False


@dataclass
class CleanText:
    paragraphs: list[Paragraph]
    removed_lines: int
    repeated_paragraphs: int


def clean_text(text: str) -> CleanText:
    """Remove furniture lines, re-join lines broken mid-sentence, and fold repeated paragraphs."""
    lines = [unicodedata.normalize("NFKC", line).strip() for line in text.split("\n")]
    kept: list[tuple[str, int]] = []  # (line, blank lines before it)
    removed = 0
    blanks = 0
    for line in lines:
        if not line:
            blanks += 1
            continue
        if is_furniture_line(line):
            removed += 1
            continue
        kept.append((line, blanks))
        blanks = 0
    paragraphs = _rejoin_broken_lines(kept)
    removed += _drop_captions(paragraphs)
    folded, repeats = _fold_repeats(paragraphs)
    return CleanText(paragraphs=folded, removed_lines=removed, repeated_paragraphs=repeats)


def _rejoin_broken_lines(lines: list[tuple[str, int]]) -> list[Paragraph]:
    """Join a long line that stops mid-sentence with the next line (page-layout breaks)."""
    paragraphs: list[Paragraph] = []
    for line, blanks in lines:
        if paragraphs and _continues(paragraphs[-1].text, line):
            paragraphs[-1].text += line
            continue
        paragraphs.append(Paragraph(text=line, isolated=blanks >= 2))
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    if len(previous) < 40 or previous[-1] in _SENTENCE_END or previous[-1] in ",，、":
        return False
    return not _HEADING_START.match(line)


def _drop_captions(paragraphs: list[Paragraph]) -> int:
    """Photo captions: a short single sentence standing alone after a gap, in a page with such gaps."""
    dropped = 0
    for index in range(len(paragraphs) - 1, -1, -1):
        paragraph = paragraphs[index]
        text = paragraph.text
        single_sentence = text.count("。") <= 1 and text.endswith("。") and ";" not in text
        if (
            paragraph.isolated
            and single_sentence
            and len(text) <= 60
            and _is_caption_context(paragraphs, index)
        ):
            del paragraphs[index]
            dropped += 1
    return dropped


def _is_caption_context(paragraphs: list[Paragraph], index: int) -> bool:
    """A caption sits between longer passages, not inside a list of short headed items."""
    after = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
    return after is None or after.isolated or _HEADING_START.match(after.text) is not None


def _fold_repeats(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], int]:
    """Keep the first occurrence of every paragraph; later identical ones only raise its count."""
    seen: dict[str, Paragraph] = {}
    result: list[Paragraph] = []
    repeats = 0
    for paragraph in paragraphs:
        key = normalize(paragraph.text)
        if len(key) >= 8 and key in seen:
            seen[key].count += 1
            repeats += 1
            continue
        seen[key] = paragraph
        result.append(paragraph)
    return result, repeats
