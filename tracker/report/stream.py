"""What every renderer reads: a report's header and its rows one at a time, from the database
(:class:`tracker.report.rows.StoredReport`) or from a report dict already built (:class:`InMemoryReport`).

A report of 100,000 commitments is about 2 GB as one dict; a renderer that takes its rows one by one
and writes each as it comes needs the memory of a row, whatever the size of the database. The sections
a document puts before the rows (counts, charts) are written last: the rows go to a temporary file
(:class:`Spool`) while they are counted, and the document is put together from the spools at the end.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol

import orjson

from tracker.textnorm import shown

#: Every character :func:`tracker.textnorm.clean_field` or :func:`tracker.textnorm.shown` changes or
#: starts a sequence they remove (ESC and the C1 introducers are control characters): a string
#: without any is its own cleaned and shown form, and need not go through either.
_CHANGED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def formed(value: Any, form: Callable[[str], str]) -> Any:
    """``value`` (JSON-like) with ``form`` applied to every string value in it, as
    :func:`tracker.textnorm.each_string` does, but only to those it would change. Keys are the report's
    field names, never text of a document, and are left as they are."""
    if isinstance(value, str):
        return form(value) if _CHANGED.search(value) else value
    if isinstance(value, dict):
        return {k: formed(v, form) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [formed(item, form) for item in value]
    return value


#: The same characters as they stand in orjson's output: escaped (C0 controls, ``\\b`` ``\\f`` ``\\r``;
#: a literal backslash before b, f or r matches too, which only costs the slow way) or as UTF-8.
_CHANGED_JSON = re.compile(
    rb"\\u00[01][0-9a-f]|\\[bfr]|\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xaa-\xae]"
    rb"|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf"
)


def formed_row(row: dict[str, Any], form: Callable[[str], str]) -> dict[str, Any]:
    """:func:`formed` of a report row. Nearly every row has nothing to change, and that is found in one
    pass in C over its JSON (a lone surrogate, which JSON cannot hold, takes the slow way too)."""
    try:
        text = orjson.dumps(row)
    except TypeError:
        return formed(row, form)
    return formed(row, form) if _CHANGED_JSON.search(text) else row


def text_formed(value: str, form: Callable[[str], str]) -> str:
    """:func:`formed` of one string."""
    return form(value) if _CHANGED.search(value) else value


class Report(Protocol):
    """A report as the renderers read it: every string already in the form they show
    (:func:`tracker.textnorm.shown`), the rows in document order, each iterable more than once."""

    generated_at: str
    filters: dict[str, Any]

    def commitments(self) -> Iterable[dict[str, Any]]: ...

    def achievements(self) -> Iterable[dict[str, Any]]: ...

    def orphaned_decisions(self) -> list[dict[str, Any]]: ...

    def dropped(self) -> Iterable[dict[str, Any]]: ...

    def agreement(self) -> dict[str, Any] | None: ...


class InMemoryReport:
    """A report dict (:func:`tracker.report.json_report.build_report`) read as a :class:`Report`: each
    row is shown (:func:`formed` with ``form``) as it is taken."""

    def __init__(self, report: dict[str, Any], form: Callable[[str], str] = shown) -> None:
        self._report = report
        self._form = form
        self.generated_at: str = formed(report["generated_at"], form)
        self.filters: dict[str, Any] = formed(report.get("filters", {}), form)

    def commitments(self) -> Iterator[dict[str, Any]]:
        return (formed(c, self._form) for c in self._report.get("commitments", []))

    def achievements(self) -> Iterator[dict[str, Any]]:
        return (formed(a, self._form) for a in self._report.get("achievements", []))

    def orphaned_decisions(self) -> list[dict[str, Any]]:
        return [formed(d, self._form) for d in self._report.get("orphaned_decisions", [])]

    def dropped(self) -> Iterator[dict[str, Any]]:
        return (formed(d, self._form) for d in self._report.get("dropped", []))

    def agreement(self) -> dict[str, Any] | None:
        return formed(self._report.get("agreement"), self._form)  # type: ignore[no-any-return]


#: Stands for a commitment's number in a spooled block until the document is put together (the
#: numbers run across topics in the order the topics first appear, known only at the end). A NUL
#: cannot be in shown text: :func:`tracker.textnorm.shown` removes every control character.
NUMBER = "\x00"
_NUMBER = re.compile(NUMBER)
#: Characters copied at a time from a spool to the output.
_BLOCK = 1 << 20


class Spool:
    """Text written to a temporary file now and copied to the output later, in the order the output
    needs it; the file is deleted when the spool is closed."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self.empty = True

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115  # closed by close()
        self._file.write(text)
        self.empty = self.empty and not text

    def copy_to(self, out: IO[str], numbers: Iterator[int] | None = None) -> None:
        """Write what was spooled to ``out``; with ``numbers``, each :data:`NUMBER` becomes the next."""
        if self._file is None:
            return
        self._file.seek(0)
        if numbers is None:
            shutil.copyfileobj(self._file, out, _BLOCK)
            return
        while block := self._file.read(_BLOCK):
            out.write(_NUMBER.sub(lambda _m: str(next(numbers)), block))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class Spools:
    """One :class:`Spool` per key (a topic), in the order the keys first came, closed together."""

    def __init__(self) -> None:
        self.by_key: dict[Any, Spool] = {}

    def __getitem__(self, key: Any) -> Spool:
        spool = self.by_key.get(key)
        if spool is None:
            spool = self.by_key[key] = Spool()
        return spool

    def close(self) -> None:
        for spool in self.by_key.values():
            spool.close()

    def __enter__(self) -> Spools:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
