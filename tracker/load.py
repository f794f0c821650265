"""Ingesting many files: parse each one and save it in its own transaction, keeping errors as values.

One bad file never stops a folder and never leaves half a document in the database; the caller gets
one outcome per file (with its parsed document, what saving did, or the error) and decides how to
print them. Extraction itself lives in ``tracker.ingest.pipeline``; this module only drives it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tracker.errors import InputFileError, TrackerError, UsageError
from tracker.ingest.parsed import KINDS, ParsedDocument
from tracker.store.engine import write_session
from tracker.store.repository import SaveResult, save_document

ParseFn = Callable[..., ParsedDocument]
CollectFn = Callable[[list[str]], tuple[list[Path], list[InputFileError]]]


@dataclass
class FileOutcome:
    """What happened to one input path: parsed and saved, or an error."""

    path: str
    parsed: ParsedDocument | None = None
    saved: SaveResult | None = None
    error: TrackerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LoadResult:
    """Every outcome of one ingest run, in input order (path errors first)."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def errors(self) -> list[TrackerError]:
        return [o.error for o in self.outcomes if o.error is not None]

    @property
    def saved(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.saved is not None]

    @property
    def exit_code(self) -> int:
        """0 when every file went in, else the largest exit code among the errors."""
        return max((e.exit_code for e in self.errors), default=0)


def display_path(path: Path, base: Path | None = None) -> str:
    """How a file is named in the database and in reports: relative to ``base`` (default: the current
    folder) with forward slashes when it lies inside it, else absolute."""
    base = (base or Path.cwd()).resolve()
    resolved = path.resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return resolved.as_posix()


def seeds_folder(cwd: Path | None = None) -> Path:
    """The demo documents: ``./seeds`` when present, else the ``seeds`` folder of this checkout.

    Raises:
        TrackerError: neither folder exists.
    """
    local = (cwd or Path.cwd()) / "seeds"
    if local.is_dir():
        return local
    bundled = Path(__file__).resolve().parent.parent / "seeds"
    if bundled.is_dir():
        return bundled
    raise TrackerError("no seeds folder found", f"looked in {local} and {bundled}; run tracker ingest PATH")


def load_paths(
    engine: Engine,
    paths: Sequence[str],
    *,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
    base: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    parse: ParseFn | None = None,
    collect: CollectFn | None = None,
) -> LoadResult:
    """Ingest ``paths`` (files or folders) into the database behind ``engine``.

    Args:
        agency, period, kind: overrides passed to extraction for single-kind files.
        base: folder that displayed paths are relative to (default: the current folder).
        on_start: called once with the number of files found, before the first is parsed.
        on_file: called after each file with its outcome (for progress bars and printing).
        parse, collect: stand-ins for ``tracker.ingest.pipeline.parse_file`` / ``collect_files``.

    Raises:
        UsageError: ``kind`` is not plan, summary or auto. Errors about single files are returned in
            the result instead.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", "use plan, summary or auto")
    if parse is None or collect is None:
        from tracker.ingest import pipeline

        parse = parse or pipeline.parse_file
        collect = collect or pipeline.collect_files

    files, path_errors = collect(list(paths))
    files, name_errors = _with_usable_names(files, base)
    result = LoadResult([FileOutcome(error.path, error=error) for error in [*path_errors, *name_errors]])
    if on_start is not None:
        on_start(len(files))
    shown = [display_path(file, base) for file in files]
    options = {"agency": agency, "period": period, "kind": kind}
    if parse is pipeline_parse() and len(files) >= PARALLEL_FROM:
        parsed = _parse_in_parallel(files, shown, options)
    else:
        parsed = (_parse_one(parse, file, name, options) for file, name in zip(files, shown, strict=True))
    for name, document in zip(shown, parsed, strict=True):
        outcome = _save_one(engine, name, document)
        result.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return result


def _with_usable_names(files: list[Path], base: Path | None) -> tuple[list[Path], list[InputFileError]]:
    """Split off files whose names cannot be stored or printed: a name that is not UTF-8 (Python keeps
    the stray bytes as lone surrogates, which no database takes) or that holds control characters (an
    ESC sequence would reach the terminal). Each becomes an error value, named with U+FFFD for them."""
    good: list[Path] = []
    errors: list[InputFileError] = []
    for file in files:
        shown = display_path(file, base)
        readable = _CONTROL_CHARS.sub(
            "\ufffd", shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        )
        if readable == shown:
            good.append(file)
        elif _CONTROL_CHARS.search(shown):
            errors.append(InputFileError(readable, "file name holds control characters", "rename the file"))
        else:
            errors.append(InputFileError(readable, "file name is not valid UTF-8", "rename the file"))
    return good, errors


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# Parsing is CPU-bound and independent per file: from this many files on, it runs in one process per
# core while the main process saves each document, in order, in its own transaction.
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


def _parse_for_pool(job: tuple[Path, str, dict[str, Any]]) -> ParsedDocument | tuple[str, str, str | None]:
    """Worker side: errors travel back as plain (path, problem, hint) tuples, which always pickle."""
    file, shown, options = job
    result = _parse_one(pipeline_parse(), file, shown, options)
    if isinstance(result, InputFileError):
        return (result.path, result.problem, result.hint)
    if isinstance(result, TrackerError):
        return (shown, result.message, result.hint)
    return result


def _parse_in_parallel(
    files: Sequence[Path], shown: Sequence[str], options: dict[str, Any]
) -> Iterator[ParsedDocument | TrackerError]:
    workers = min(os.cpu_count() or 1, 4)
    jobs = [(file, name, options) for file, name in zip(files, shown, strict=True)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for item in pool.map(_parse_for_pool, jobs, chunksize=4):
            yield InputFileError(*item) if isinstance(item, tuple) else item


def _save_one(engine: Engine, shown: str, parsed: ParsedDocument | TrackerError) -> FileOutcome:
    outcome = FileOutcome(shown)
    if isinstance(parsed, TrackerError):
        outcome.error = parsed
        return outcome
    outcome.parsed = parsed
    try:
        with write_session(engine) as session:
            outcome.saved = save_document(session, parsed)
    except TrackerError as error:
        outcome.error = error
    return outcome
