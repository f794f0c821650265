"""Answers about a document's sentences, kept while that document is read and forgotten before the next.

Reading one document asks the same questions of the same text several times: the years and tense of
every sentence (for the document's reference year, its default kind, the usual year of each kind, then
sentence by sentence), the tidied form of a clause (before and after clauses are joined). A function marked :func:`per_document` keeps its
answers until :func:`forget`, which ``pipeline.parse_raw`` calls before every document: memory stays that
of one document, and no answer is carried from one file to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, lru_cache
from typing import TypeVar

T = TypeVar("T")

#: Answers kept per function at most (a document of 2 MB has about 60,000 sentences and clauses).
SIZE = 1 << 16

_KEPT: list[_lru_cache_wrapper[object]] = []


def per_document(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function`` (of one text, without side effects) with its answers kept for the document being read."""
    cached = lru_cache(maxsize=SIZE)(function)
    _KEPT.append(cached)  # type: ignore[arg-type]
    return cached


def forget() -> None:
    """Forget every answer kept for the previous document."""
    for cached in _KEPT:
        cached.cache_clear()
