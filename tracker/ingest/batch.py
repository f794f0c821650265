"""Parsing many files, keeping errors as values: one bad file never stops a folder.

Files are collected from the paths given, named as they will be shown (relative to a base folder),
and parsed one by one or, from ``PARALLEL_FROM`` files on, in one process per core. Each file yields
its parsed document or the error that stopped it; saving them is :func:`tracker.store.documents.load_paths`.
Extraction itself lives in ``tracker.ingest.pipeline``.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import InputFileError, TrackerError, UsageError
from tracker.ingest.parsed import KINDS, ParsedDocument

if TYPE_CHECKING:
    from tracker.ingest.skipped import Skipped

ParseFn = Callable[..., ParsedDocument]
#: What becomes of each parsed document where it was parsed (``tracker.store.prepared.prepare``: its rows).
FinishFn = Callable[[ParsedDocument], object]
CollectFn = Callable[[list[str]], "tuple[list[Path], list[InputFileError], list[Skipped]]"]


def display_path(path: Path, base: Path | None = None) -> str:
    """How a file is named in the database and in reports: relative to ``base`` (default: the current
    folder) with forward slashes when it lies inside it, else absolute."""
    base = (base or Path.cwd()).resolve()
    resolved = path.resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return resolved.as_posix()


@dataclass
class Batch:
    """The files and pages of one ingest run: those that cannot be read at all, the files of folders
    passed over with their reason, and the rest, parsed lazily (the files, then the web pages)."""

    errors: list[InputFileError] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # as shown, in order
    parsed: Iterable[object] = ()  # one per name, in order: a (finished) ParsedDocument or a TrackerError
    skipped: list[Skipped] = field(default_factory=list)
    base: Path | None = None  # what the names are relative to

    def shown(self, path: Path) -> str:
        """A skipped file's name as the other files are named (relative to the base, printable); a link
        is named itself, not what it points at (a broken link points nowhere)."""
        folder = display_path(path.parent, self.base)
        return _printable(path.name if folder == "." else f"{folder.rstrip('/')}/{path.name}")


def parse_paths(
    paths: Sequence[str],
    *,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
    base: Path | None = None,
    timeout: float | None = None,
    parse: ParseFn | None = None,
    collect: CollectFn | None = None,
    finish: FinishFn | None = None,
) -> Batch:
    """Collect the files of ``paths`` (files, folders or web addresses) and parse them, in order, as they
    are consumed: the files first, then the pages (fetched one by one, each named by its address).

    Args:
        agency, period, kind: overrides passed to extraction for single-kind files.
        base: folder that displayed paths are relative to (default: the current folder).
        timeout: seconds a fetch waits to connect and for each piece of a page (default: web.py's).
        parse, collect: stand-ins for ``tracker.ingest.pipeline.parse_file`` / ``collect_files``.
        finish: applied to each parsed document where it was parsed (in the worker process, when there
            is one), so that what comes back is what the caller needs of it; a module-level function.

    Raises:
        UsageError: ``kind`` is not plan, summary or auto. Errors about single files are returned in
            the batch instead.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", "use plan, summary or auto")
    if parse is None or collect is None:
        from tracker.ingest import pipeline

        parse = parse or pipeline.parse_file
        collect = collect or pipeline.collect_files

    urls, local, address_errors = _split_addresses(paths)
    files, path_errors, skipped = collect(local) if local else ([], [], [])
    files, name_errors = _with_usable_names(files, base)
    shown = [display_path(file, base) for file in files]
    options = {"agency": agency, "period": period, "kind": kind}
    parsed: Iterable[object]
    if parse is pipeline_parse() and len(files) >= PARALLEL_FROM:
        parsed = _parse_in_parallel(files, shown, options, finish)
    else:
        parsed = (
            _finished(finish, _parse_one(parse, file, name, options))
            for file, name in zip(files, shown, strict=True)
        )
    if urls:
        parsed = itertools.chain(
            parsed, (_finished(finish, page) for page in _fetch_each(urls, options, timeout))
        )
    errors = [*address_errors, *path_errors, *name_errors]
    return Batch(errors, [*shown, *urls], parsed, skipped, base)


def _split_addresses(paths: Sequence[str]) -> tuple[list[str], list[str], list[InputFileError]]:
    """The web addresses, the paths, and an error for each address of another scheme (``ftp://``)."""
    from tracker.ingest.web import is_url, looks_like_url, shown_url

    urls, local, errors = [], [], []
    for raw in paths:
        if is_url(raw):
            urls.append(raw)
        elif looks_like_url(raw):
            errors.append(
                InputFileError(
                    shown_url(raw), "not a web address tracker fetches", "give an http:// or https:// address"
                )
            )
        else:
            local.append(raw)
    return urls, local, errors


def _fetch_each(
    urls: Sequence[str], options: dict[str, Any], timeout: float | None
) -> Iterator[ParsedDocument | TrackerError]:
    """Fetch and parse each page in turn (in this process: the time is the network's, not the CPU's)."""
    from tracker.ingest import pipeline

    extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    for url in urls:
        try:
            yield pipeline.parse_url(url, display_path=url, **options, **extra)
        except TrackerError as error:
            yield error


def _with_usable_names(files: list[Path], base: Path | None) -> tuple[list[Path], list[InputFileError]]:
    """Split off files whose names cannot be stored or printed: a name that is not UTF-8 (Python keeps
    the stray bytes as lone surrogates, which no database takes) or that holds control characters (an
    ESC sequence would reach the terminal). Each becomes an error value, named with U+FFFD for them."""
    good: list[Path] = []
    errors: list[InputFileError] = []
    for file in files:
        shown = display_path(file, base)
        readable = _printable(shown)
        if readable == shown:
            good.append(file)
        elif _CONTROL_CHARS.search(shown):
            errors.append(InputFileError(readable, "file name holds control characters", "rename the file"))
        else:
            errors.append(InputFileError(readable, "file name is not valid UTF-8", "rename the file"))
    return good, errors


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(name: str) -> str:
    """A file name as it can be stored and printed: stray non-UTF-8 bytes and control characters as U+FFFD."""
    return _CONTROL_CHARS.sub("\ufffd", name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


# Parsing is CPU-bound and independent per file: from this many files on, it runs in one process per
# core (each pays about 1.4 s once, for jieba's part-of-speech table) while the main process saves the
# documents, in order, in groups (tracker.store.documents).
PARALLEL_FROM = 8


def pipeline_parse() -> ParseFn:
    from tracker.ingest import pipeline

    return pipeline.parse_file


def _parse_one(
    parse: ParseFn, file: Path, shown: str, options: dict[str, Any]
) -> ParsedDocument | TrackerError:
    """Parse one file; a failure is returned as a value, so one bad file does not stop the rest."""
    try:
        return parse(file, display_path=shown, **options)
    except TrackerError as error:
        return error
    except OSError as error:
        return InputFileError(shown, f"cannot read: {error.strerror or error}")


def _finished(finish: FinishFn | None, result: ParsedDocument | TrackerError) -> object:
    return finish(result) if finish is not None and isinstance(result, ParsedDocument) else result


#: Files a worker parses per job (one round trip for several), and jobs queued per worker ahead of the
#: one being consumed: what waits in memory is bounded by them, not by the number of files.
FILES_PER_JOB = 4
JOBS_AHEAD = 4

_Job = tuple[Path, str, dict[str, Any], FinishFn | None]


@dataclass(frozen=True)
class _Failed:
    """A file's error as it travels back from a worker: three strings always pickle, an exception
    object may not."""

    path: str
    problem: str
    hint: str | None


def _parse_for_pool(jobs: list[_Job]) -> list[object]:
    """Worker side: parse and finish a few files, each error as a :class:`_Failed`."""
    results: list[object] = []
    for file, shown, options, finish in jobs:
        result = _parse_one(pipeline_parse(), file, shown, options)
        if isinstance(result, InputFileError):
            results.append(_Failed(result.path, result.problem, result.hint))
        elif isinstance(result, TrackerError):
            results.append(_Failed(shown, result.message, result.hint))
        else:
            results.append(_finished(finish, result))
    return results


def _parse_in_parallel(
    files: Sequence[Path], shown: Sequence[str], options: dict[str, Any], finish: FinishFn | None
) -> Iterator[object]:
    """Parse in a pool of worker processes, yielding results in file order as they are consumed; the
    workers die with this process (see :func:`_die_with_parent`)."""
    workers = min(os.cpu_count() or 1, 4)
    files_jobs = [(file, name, options, finish) for file, name in zip(files, shown, strict=True)]
    jobs = iter([files_jobs[i : i + FILES_PER_JOB] for i in range(0, len(files_jobs), FILES_PER_JOB)])
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),))
    queued: deque[Future[list[object]]] = deque()
    try:
        queued.extend(
            pool.submit(_parse_for_pool, job) for job in itertools.islice(jobs, workers * JOBS_AHEAD)
        )
        while queued:
            results = queued.popleft().result()
            queued.extend(pool.submit(_parse_for_pool, job) for job in itertools.islice(jobs, 1))
            for item in results:
                yield (
                    InputFileError(item.path, item.problem, item.hint) if isinstance(item, _Failed) else item
                )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# prctl(2) option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1
#: How often a worker without prctl checks that the process that started it is still there.
PARENT_POLL_SECONDS = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Pool initializer: the worker ends when the ingest that started it does.

    A worker waits on a pipe its siblings also hold open, so an ingest killed outright (``kill -9``,
    the OOM killer) used to leave its workers asleep forever, each holding the parsers' memory. On
    Linux the kernel kills the worker with its parent; elsewhere (or if prctl is refused) a daemon
    thread notices the parent is gone, by the parent pid changing, within ``PARENT_POLL_SECONDS``.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no usable libc: the watcher covers it
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _exit_when_orphaned(parent_pid: int) -> None:
    """Poll the parent pid; once the worker has been re-parented, leave at once (no cleanup is owed:
    a parse writes nothing, and the results had nowhere to go)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
