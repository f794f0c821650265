"""Statements as sparse vectors (content terms, character bigrams) and the pair sums of two sides.

A block is scored as two sides, its commitments and its achievements. Each side is held as *entries*,
one (row, key, value) per term or bigram of a statement, rows in order and, within a row, keys in the
order the statement first uses them (the order the per-pair reference sums them in). A pair's score
is a sum over the keys both statements hold, so it is computed by joining the entries of one side
with the other side's *postings* (its entries grouped by key) and summing each pair's products into a
dense (rows x rows) matrix with one ``np.bincount``: the work is proportional to the key matches, not
to the vocabulary, and nothing loops over pairs in Python.

Terms are keyed by an id of one vocabulary per fitted corpus (:class:`TermIndex`, which caches each
text's ids and weights: a statement is scored in several blocks); bigrams by their two code points,
so they need no vocabulary at all and a side's bigrams come from one pass over its joined text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tracker.match.terms import content_terms, named_items

#: A quoted or titled name weighs this many times its rarity.
NAMED_BOOST = 2.0
_CODE_BITS = 22  # a code point + 1 fits in 22 bits (U+10FFFF < 2**21)


@dataclass(frozen=True)
class Entries:
    """The non-zero entries of some statements: ``row[i]`` holds ``key[i]`` with ``value[i]``."""

    rows: int
    row: np.ndarray
    key: np.ndarray
    value: np.ndarray

    def sums(self, values: np.ndarray | None = None) -> np.ndarray:
        """Each row's sum of ``values`` (default: its entries' values), added in entry order."""
        weights = self.value if values is None else values
        return np.bincount(self.row, weights=weights, minlength=self.rows)

    def norms(self) -> np.ndarray:
        """Each row's Euclidean norm, 1.0 for an empty row (so that dividing by it is harmless)."""
        norms = np.sqrt(self.sums(self.value**2))
        norms[norms == 0] = 1.0
        return norms


@dataclass(frozen=True)
class Postings:
    """A side's entries grouped by key: the entries holding ``keys[k]`` are
    ``order[start[k]:start[k] + count[k]]`` (``keys`` None: the keys are 0, 1, … themselves)."""

    keys: np.ndarray | None
    start: np.ndarray
    count: np.ndarray
    order: np.ndarray

    @classmethod
    def of(cls, entries: Entries) -> Postings:
        order = np.argsort(entries.key, kind="stable")
        ordered = entries.key[order]
        first = run_starts(ordered) if len(ordered) else np.zeros(0, dtype=np.int64)
        return cls(ordered[first], first, np.diff(first, append=len(ordered)), order)

    @classmethod
    def of_ids(cls, ids: np.ndarray, size: int) -> Postings:
        """Postings of entries keyed by small ids (0 <= id < ``size``), counted rather than searched."""
        count = np.bincount(ids, minlength=size)
        return cls(None, np.cumsum(count) - count, count, np.argsort(ids, kind="stable"))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the entries of each of ``keys`` start among ``order``, and how many there are."""
        if self.keys is None:
            return self.start[keys], self.count[keys]
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=np.int64)
        where = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return self.start[where], np.where(self.keys[where] == keys, self.count[where], 0)


def matches(keys: np.ndarray, postings: Postings) -> tuple[np.ndarray, np.ndarray]:
    """Every (left entry, right entry) with the same key: indices into ``keys`` and into the entries
    ``postings`` was made from; left entries in order, each with its right entries in order."""
    start, counts = postings.find(keys)
    left = np.repeat(np.arange(len(keys)), counts)
    within = np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
    return left, postings.order[np.repeat(start, counts) + within]


@dataclass(frozen=True)
class Join:
    """The key matches of a left side's entries against a right side's: for match ``m``, left entry
    ``left[m]`` and right entry ``right[m]``, and their pair's cell in a (left rows x right rows) matrix."""

    left: np.ndarray
    right: np.ndarray
    cell: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def of(cls, left: Entries, right: Entries, postings: Postings | None = None) -> Join:
        """The matches of ``left`` against ``right`` (grouped by key already: ``postings``)."""
        li, ri = matches(left.key, Postings.of(right) if postings is None else postings)
        cell = left.row[li] * right.rows + right.row[ri]
        return cls(li, ri, cell, (left.rows, right.rows))

    def sum(self, products: np.ndarray) -> np.ndarray:
        """The dense matrix of each pair's sum of ``products`` (one per match), in match order."""
        size = self.shape[0] * self.shape[1]
        return np.bincount(self.cell, weights=products, minlength=size).reshape(self.shape)


class TermIndex:
    """The content terms of texts as ids of one vocabulary, weighted by their rarity in the fitted
    corpus (its IDF, doubled for a quoted or titled name), each text computed once."""

    def __init__(self, idf: Callable[[str], float]) -> None:
        self.idf = idf
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self._idf: list[float] = []
        self._texts: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def term_id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
            self._idf.append(self.idf(term))
        return found

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's term ids and weights, each term once, in the order the text first uses it."""
        cached = self._texts.get(text)
        if cached is None:
            named = set(named_items(text))
            terms = dict.fromkeys(content_terms(text))
            ids = [self.term_id(t) for t in terms]
            weights = [
                self._idf[i] * (NAMED_BOOST if t in named else 1.0) for i, t in zip(ids, terms, strict=True)
            ]
            cached = self._texts[text] = (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64))
        return cached

    def weights(self, text: str) -> dict[str, float]:
        """The text's terms and weights as a mapping (the form the per-pair code reads)."""
        ids, weights = self.vector(text)
        return dict(zip([self.terms[i] for i in ids.tolist()], weights.tolist(), strict=True))

    def entries(self, texts: Sequence[str]) -> Entries:
        cached = self._texts.get
        vectors = [cached(t) or self.vector(t) for t in texts]
        lengths = np.fromiter((len(ids) for ids, _w in vectors), dtype=np.int64, count=len(vectors))
        if not lengths.sum():
            empty = np.zeros(0, dtype=np.int64)
            return Entries(len(texts), empty, empty, np.zeros(0))
        return Entries(
            len(texts),
            np.repeat(np.arange(len(texts)), lengths),
            np.concatenate([ids for ids, _w in vectors]),
            np.concatenate([w for _ids, w in vectors]),
        )


def bigram_entries(texts: Sequence[str]) -> Entries:
    """Each text's character bigrams with their counts (a text shorter than two characters is its own
    one gram), keyed by their code points, in the order the text first uses them."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer(("".join(texts) + "\0").encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
    grams = np.maximum(lengths - 1, 1)
    row = np.repeat(np.arange(len(texts)), grams)
    at = np.arange(int(grams.sum())) + np.repeat(
        np.cumsum(lengths) - lengths - np.cumsum(grams) + grams, grams
    )
    length = lengths[row]
    key = np.where(length >= 1, codes[at], 0) << _CODE_BITS | np.where(length >= 2, codes[at + 1], 0)
    # the first time each row uses each gram, and how often it does
    if len(texts) < 1 << (62 - 2 * _CODE_BITS):
        combined = row << (2 * _CODE_BITS) | key
    else:  # too many rows to pack beside the codes: number the grams first
        distinct, ids = np.unique(key, return_inverse=True)
        combined = row * len(distinct) + ids
    order = np.argsort(combined, kind="stable")  # rows come in order: a merge sort is fastest
    ordered = combined[order]
    starts = run_starts(ordered)
    first = order[starts]
    counts = np.zeros(len(key))
    counts[first] = np.diff(starts, append=len(key))
    chosen = np.sort(first)
    return Entries(len(texts), row[chosen], key[chosen], counts[chosen])


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values (of every one of ``keys``) starts, in arrays sorted by them."""
    change = np.ones(len(keys[0]), dtype=bool)
    if len(change) > 1:
        change[1:] = keys[0][1:] != keys[0][:-1]
        for key in keys[1:]:
            change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def position_in_run(keys: np.ndarray) -> np.ndarray:
    """Each element's position within its run of equal values (``keys`` grouped)."""
    index = np.arange(len(keys))
    if not len(keys):
        return index
    first = np.zeros(len(keys), dtype=np.int64)
    starts = run_starts(keys)
    first[starts] = starts
    return index - np.maximum.accumulate(first)


def group_codes(keys: Iterable[Hashable]) -> np.ndarray:
    """A small integer per distinct key, in order of first appearance."""
    codes: dict[Hashable, int] = {}
    return np.fromiter((codes.setdefault(k, len(codes)) for k in keys), dtype=np.int64)
