"""Cutting Chinese text into sentences and clauses without breaking quotes, titles or brackets."""

from __future__ import annotations

import re
from functools import lru_cache

_OPEN = "“‘《(（[【「『〈"
_CLOSE = "”’》)）]】」』〉"
SENTENCE_ENDS = "。！？!?;；"
CLAUSE_BREAKS = ",，"


def split_at(text: str, breaks: str) -> list[str]:
    """Split at any character of ``breaks`` that is outside quotes and brackets; keep no separators."""
    pieces: list[str] = []
    depth = 0
    start = 0
    # Only quotes, brackets and breaks change anything: the scan jumps from one to the next.
    for found in _marks(breaks).finditer(text):
        index, char = found.start(), found.group()
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
            # A quoted passage that ends its own sentence ("…清单。”高宏伟说") ends ours too.
            if depth == 0 and index > 0 and text[index - 1] in breaks and "。" in breaks:
                pieces.append(text[start : index + 1])
                start = index + 1
        elif char == '"':
            depth = depth + 1 if depth == 0 else depth - 1
        elif depth == 0:  # a break
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


@lru_cache(maxsize=16)
def _marks(breaks: str) -> re.Pattern[str]:
    """The characters :func:`split_at` acts on, for one set of breaks."""
    return re.compile("[" + re.escape(_OPEN + _CLOSE + '"' + breaks) + "]")


FULL_STOPS = "。！？!?"


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, cut at 。！？ and ; (each clause of a ;-list is rated on its own)."""
    return [s.strip(" :：") for s in split_at(text, SENTENCE_ENDS) if s.strip(" :：")]


def sentences_with_stops(text: str) -> list[tuple[str, int]]:
    """Like :func:`sentences`, each with the number of the full-stopped sentence (。！？) it belongs to:
    the pieces of a ;-list share one, as they share one subject."""
    result: list[tuple[str, int]] = []
    for number, full in enumerate(split_at(text, FULL_STOPS)):
        result.extend((piece, number) for piece in sentences(full))
    return result


def clauses(sentence: str) -> list[str]:
    return split_at(sentence, CLAUSE_BREAKS)


# Enumerations inside a paragraph: 一是…二是…, 一方面…另一方面…, 首先…其次…
_ENUMERATOR = re.compile(
    r"(?:(?<=^)|(?<=[。;；]))\s*"
    r"(?:[一二三四五六七八九十]+是|一方面|另一方面|再一方面|首先|其次|再次|最后|此外)[,，:：]?\s*(?:是)?"
)


def enumerated_items(paragraph: str) -> list[tuple[bool, str]]:
    """Split a paragraph before each enumerator; the flag says whether the piece began with one."""
    items: list[tuple[bool, str]] = []
    last = 0
    last_enumerated = False
    for match in _ENUMERATOR.finditer(paragraph):
        if match.start() == match.end():
            continue
        if match.start() > last:
            items.append((last_enumerated, paragraph[last : match.start()]))
        last = match.end()
        last_enumerated = True
    items.append((last_enumerated, paragraph[last:]))
    return [(flag, text.strip()) for flag, text in items if text.strip()]
