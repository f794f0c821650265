"""Keeping the corpus statistics (how rare each content term is) up to date, a document at a time.

The term scorer weights a term by the share of all statements that hold it (``CorpusStats``). Counting
that over every statement costs a segmentation of the whole database; instead each document's share is
counted when the document is new or changed and recorded as a difference (:mod:`tracker.store.corpus`),
so that matching after an ingest counts only the documents it saved. The numbers are exact either way:
they are sums of whole counts, and a test checks them against a count of every statement.

:func:`update` counts what changed; :func:`recount` counts every document again and corrects any
share or sum that differs (``tracker match`` without filters). Both queue the agency-years whose
documents changed (:mod:`tracker.store.queue`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from tracker.match.scorers import CorpusStats
from tracker.match.terms import content_terms
from tracker.store import corpus
from tracker.store.corpus import Count
from tracker.store.engine import read_session, write_session

#: Documents counted per read and recorded per transaction.
BATCH = 200

#: Counts a batch of document ids (in this process or in workers): see :func:`count_documents`.
Counter_ = Callable[[Iterable[list[str]]], Iterator[list[Count]]]


@dataclass
class Update:
    """What an update of the statistics found and did."""

    counted: int = 0  # documents counted
    recorded: int = 0  # of which the share changed
    blocks: int = 0  # agency-years queued


def count_documents(engine: Engine, ids: Sequence[str]) -> list[Count]:
    """The shares of these documents, from their statements as stored now (their version is read first,
    so a document saved meanwhile shows as changed and is counted again by the next update)."""
    with read_session(engine) as session:
        versions = corpus.document_versions(session, ids)
        texts = corpus.statement_texts(session, list(versions))
    counts = []
    for doc_id, version in versions.items():
        terms: Counter[str] = Counter()
        for text in texts[doc_id]:
            terms.update(set(content_terms(text)))
        counts.append(Count(doc_id, version, len(texts[doc_id]), dict(terms)))
    return counts


def counted_serially(engine: Engine) -> Counter_:
    """A counter of batches that runs in this process."""

    def count(batches: Iterable[list[str]]) -> Iterator[list[Count]]:
        for batch in batches:
            yield count_documents(engine, batch)

    return count


def update(engine: Engine, count: Counter_ | None = None) -> Update:
    """Count the documents that are new or changed since they were counted, take off the shares of those
    removed, and queue the agency-years they touch."""
    with read_session(engine) as session:
        current = corpus.document_versions(session)
        counted = corpus.counted_versions(session)
    changed = sorted(doc_id for doc_id, version in current.items() if counted.get(doc_id) != version)
    gone = sorted(counted.keys() - current.keys())
    return _record(engine, changed, gone, count or counted_serially(engine))


def recount(engine: Engine, count: Counter_ | None = None) -> tuple[Update, CorpusStats]:
    """Count every document again, correct the shares and sums that differ, and give the statistics
    summed from the counts themselves (what a run fits its scorer with)."""
    with read_session(engine) as session:
        current = sorted(corpus.document_versions(session))
        counted = corpus.counted_versions(session)
    gone = sorted(counted.keys() - set(current))
    total = CorpusStats()
    versions: dict[str, corpus.Version] = {}
    result = _record(engine, current, gone, count or counted_serially(engine), total, versions)
    with write_session(engine) as session:
        corpus.replace_sums(session, total.frequency, versions)
    return result, total


def statistics(engine: Engine) -> CorpusStats:
    """The recorded statistics, as the scorer takes them."""
    with read_session(engine) as session:
        documents, frequency = corpus.statistics(session)
    return CorpusStats(documents=documents, frequency=Counter(frequency))


def _record(
    engine: Engine,
    ids: Sequence[str],
    gone: Sequence[str],
    count: Counter_,
    total: CorpusStats | None = None,
    versions: dict[str, corpus.Version] | None = None,
) -> Update:
    """Count ``ids`` batch by batch and record each batch in a transaction of its own; with ``total``,
    also sum the counts into it (and their versions into ``versions``)."""
    result = Update()
    batches = [list(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH)]
    for counts in count(batches):
        result.counted += len(counts)
        for c in counts:
            if total is not None:
                total.documents += c.statements
                total.frequency.update(c.terms)
            if versions is not None:
                versions[c.document_id] = c.version
        with write_session(engine) as session:
            recorded = corpus.record_counts(session, counts)
        result.recorded += recorded.changed
        result.blocks += len(recorded.blocks)
    if gone:
        with write_session(engine) as session:
            recorded = corpus.record_counts(session, [], gone)
        result.recorded += recorded.changed
        result.blocks += len(recorded.blocks)
    return result
