"""Answers about texts, kept for one unit of work and forgotten before the next.

Reading one document asks the same questions of the same text several times: the years and tense of
every sentence (for the document's reference year, its default kind, the usual year of each kind, then
sentence by sentence), the tidied form of a clause (before and after clauses are joined). A function
marked :func:`per_document` keeps its answers until :func:`forget`, which ``pipeline.parse_raw`` calls
before every document: memory stays that of one document, and no answer is carried from one file to the
next.

Matching asks the same of an agency's statements: their content terms, for each block, for the history
across years, for the explanations. A function marked :func:`per_agency` keeps its answers until
:func:`forget_agency`, which a matching run calls after each agency: a statement's text belongs to its
agency, so what is kept stays that of one agency, not of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import _lru_cache_wrapper, lru_cache
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

#: Answers kept per function at most (a document of 2 MB has about 60,000 sentences and clauses).
SIZE = 1 << 16
#: Answers kept per function for one agency (the largest of 10,000 synthetic documents holds about
#: 12,000 statements).
AGENCY_SIZE = 1 << 18

_KEPT: list[_lru_cache_wrapper[object]] = []
_AGENCY: list[_lru_cache_wrapper[object]] = []


def per_document(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function`` (of one text, without side effects) with its answers kept for the document being read."""
    cached = lru_cache(maxsize=SIZE)(function)
    _KEPT.append(cached)  # type: ignore[arg-type]
    return cached


def per_agency(function: Callable[[K], T]) -> Callable[[K], T]:
    """``function`` (of one text or tuple of terms, without side effects) with its answers kept for
    the agency being matched."""
    cached = lru_cache(maxsize=AGENCY_SIZE)(function)
    _AGENCY.append(cached)  # type: ignore[arg-type]
    return cached


def forget() -> None:
    """Forget every answer kept for the previous document."""
    for cached in _KEPT:
        cached.cache_clear()


def forget_agency() -> None:
    """Forget every answer kept for the agency matched last."""
    for cached in _AGENCY:
        cached.cache_clear()
