"""Stable identifiers: the same statement gets the same id on every machine and on every re-ingest.

Scheme (one for all tables, so an id says what it names):

* commitment  ``c-`` + first 16 hex digits of sha256(``"{agency}|{period}|{normalized}"``)
* achievement ``a-`` + the same digest over the same three fields
* document    ``d-`` + first 16 hex digits of sha256(path as displayed, e.g. ``seeds/003_….txt``)
* part        ``p-`` + first 16 hex digits of sha256(``"{document_id}|{index}"``), index = order in the file

Commitment and achievement ids depend only on what was said, by whom, for which year, so reviewer
decisions (stored by id) survive a document being re-ingested, moved, or re-extracted with the same
normalisation. The prefix keeps a plan sentence and an identical summary sentence apart.
"""

from __future__ import annotations

import hashlib

DIGITS = 16


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGITS]


def statement_key(agency: str, period: int, normalized: str) -> str:
    """The text hashed for a statement id; exposed so tests and tools can show what an id covers."""
    return f"{agency}|{period}|{normalized}"


def commitment_id(agency: str, period: int, normalized: str) -> str:
    """Id of a commitment of ``agency`` for ``period`` whose normalised text is ``normalized``."""
    return "c-" + _digest(statement_key(agency, period, normalized))


def achievement_id(agency: str, period: int, normalized: str) -> str:
    """Id of an achievement statement; same inputs as :func:`commitment_id`, different prefix."""
    return "a-" + _digest(statement_key(agency, period, normalized))


def document_id(path: str) -> str:
    """Id of a document, from its displayed path: re-ingesting a changed file replaces it in place."""
    return "d-" + _digest(path)


def part_id(document: str, index: int) -> str:
    """Id of the ``index``-th part (counting from 0) of a document."""
    return "p-" + _digest(f"{document}|{index}")
