"""Keeping Python's cyclic garbage collector off the review's data while the app runs.

At 100,000 commitments the rows, their index and the history are a few hundred thousand objects, and
every full collection walks all of them: 0.3 to 1.8 s each on the shared 2-core VM (timed with
``gc.callbacks``), 14 of them while the rows and the history were read and one every few dozen keys
afterwards, each a key that waited for it.

So automatic collection waits while a worker reads them (:func:`reading`), and what a whole reading
produced is then moved out of the collector's view (``gc.freeze``), and once more when the screens have
drawn it (:func:`settled`). Objects are still freed by
reference counting as they always are (the rows hold no reference cycles); only a cycle among the
objects frozen would wait for :func:`released`, when the app ends. One agency's history, read again
after each decision, is not frozen: the widgets of that moment would be, and a review of thousands of
decisions would keep the cycles of every screen drawn since.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_readers = 0  # workers inside reading()
_resume = False  # whether collection was on when the first of them came in


@contextmanager
def reading(*, settle: bool = False) -> Iterator[None]:
    """No automatic collection until the last worker reading leaves (workers may overlap); ``settle``:
    then what the process holds (what was read, now referenced by the message carrying it) is left
    out of every collection from here on."""
    global _readers, _resume
    with _lock:
        if _readers == 0:
            _resume = gc.isenabled()
            gc.disable()
        _readers += 1
    try:
        yield
    finally:
        with _lock:
            _readers -= 1
            if settle:
                gc.freeze()
            if _readers == 0 and _resume:
                gc.enable()


def settled() -> None:
    """What the process holds now is left out of every collection from here on (the screens drew what
    was read: their cells, a few thousand objects more than the rows)."""
    gc.freeze()


def released() -> None:
    """Everything frozen is looked at again by the collector (the app is ending)."""
    gc.unfreeze()
