"""Spreading a run's agencies over worker processes on this machine, and over shards across machines.

Matching is CPU work on one agency at a time (:mod:`tracker.match.run`), so ``--processes N`` forks N
workers that each take whole agencies, and ``--shard K/N`` gives a process the agencies a stable hash
puts in shard K of N: processes on several machines against one PostgreSQL server share the work
without talking to each other, and an agency's history stays with its agency.

Workers are forked (Linux) so they start with the parent's loaded dictionaries and fitted matcher;
where fork is unavailable they are spawned and get the same state pickled.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from tracker.errors import UsageError

T = TypeVar("T")
R = TypeVar("R")

#: Items given out beyond one per worker and not yet taken back by the caller: one waits, so that no
#: worker idles while its result is handed over, and at most ``processes + IN_RESERVE`` results are held.
IN_RESERVE = 1
_END = object()

#: Commitments to match from which ``--processes`` defaults to every core: below, starting the workers
#: costs more than they save (measured: README "Matching at scale").
PARALLEL_FROM = 5_000


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``: the agencies it owns."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``K/N`` as ``--shard`` takes it.

        Raises:
            UsageError: not two whole numbers with 1 <= K <= N.
        """
        index, _slash, count = text.partition("/")
        if not (index.strip().isdigit() and count.strip().isdigit()) or not 1 <= int(index) <= int(count):
            raise UsageError(
                f"--shard {text!r} is not K/N", "give the shard and the number of shards, e.g. 1/4"
            )
        return cls(int(index), int(count))

    def owns(self, agency: str) -> bool:
        return shard_of(agency, self.count) == self.index


def shard_of(agency: str, count: int) -> int:
    """The shard (1-based) of ``count`` an agency falls in, the same on every machine."""
    return int(hashlib.sha1(agency.encode("utf-8")).hexdigest()[:12], 16) % count + 1


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(requested: int | None, commitments: int, agencies: int) -> int:
    """How many processes to match with: as asked, else every core when there are at least
    :data:`PARALLEL_FROM` commitments to match, else one; never more than the ``agencies`` to match, since a
    worker takes whole agencies (an ingest that touched one agency matches it in this process)."""
    if requested is not None and requested < 1:
        raise UsageError(f"--processes {requested} is not a number of processes", "give 1 or more")
    wanted = requested if requested is not None else cores() if commitments >= PARALLEL_FROM else 1
    return max(1, min(wanted, agencies))


class Workers:
    """``processes`` worker processes, each set up once with ``setup(*state)`` (None: this process does
    the work itself, one item after the other)."""

    def __init__(self, processes: int, setup: Callable[..., None], state: tuple[Any, ...]) -> None:
        self.processes = processes
        self._pool: Any = None
        if processes > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = context.Pool(processes, initializer=setup, initargs=state)
        else:
            setup(*state)

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``function`` of each item, in the order they finish, with at most one item per worker and
        :data:`IN_RESERVE` more given out and not yet taken back: when the caller (writing each result) is
        slower than the workers, they wait for it instead of piling their results up in this process (an
        unbounded ``imap_unordered`` held 2.7 GB of unwritten agencies at 10,000 documents)."""
        if self._pool is None:
            return map(function, items)
        return self._bounded(function, iter(items))

    def _bounded(self, function: Callable[[T], R], items: Iterator[T]) -> Iterator[R]:
        finished: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        pending = 0

        def give_out() -> None:
            nonlocal pending
            item = next(items, _END)
            if item is _END:
                return
            self._pool.apply_async(
                function,
                (item,),
                callback=lambda result: finished.put((True, result)),
                error_callback=lambda error: finished.put((False, error)),
            )
            pending += 1

        for _ in range(self.processes + IN_RESERVE):
            give_out()
        while pending:
            ok, value = finished.get()
            pending -= 1
            if not ok:
                raise value
            give_out()
            yield value

    def close(self, *, failed: bool = False) -> None:
        """Let the workers finish and exit (``failed``: stop them at once)."""
        if self._pool is not None:
            if failed:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        self.close(failed=kind is not None)
