"""What every ``tracker`` command shares: one-line errors, the database option, the reviewer option,
progress bars and writing output to a file or stdout."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.errors import TrackerError, UsageError
from tracker.match.pool import Shard
from tracker.statuses import YEARS, parse_status, status_choices
from tracker.store.engine import make_engine, sqlite_path
from tracker.store.queries import known_agencies, known_periods
from tracker.textnorm import clean_field, shown

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Every ``--period`` takes a year in this range.
YEAR = click.IntRange(*YEARS)


class IsoDate(click.ParamType):
    """A day written YYYY-MM-DD, in the years ``--period`` takes."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            day = dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a date; write it YYYY-MM-DD (e.g. 2021-06-30)", param, ctx)
        if not YEARS[0] <= day.year <= YEARS[1]:
            self.fail(f"{text!r} is not in the years {YEARS[0]}-{YEARS[1]}", param, ctx)
        return day


DATE = IsoDate()


class StatusName(click.ParamType):
    """A status typed by its identifier or its Chinese label (``fulfilled`` or ``已兑现``): the one way
    every command reads a status a person types."""

    name = "status"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        status = parse_status(str(value))
        if status is None:
            self.fail(f"{str(value)!r} is not a status; use one of {status_choices()}", param, ctx)
        return status


STATUS = StatusName()


class ShardSpec(click.ParamType):
    """``K/N``: shard K of N (``tracker match --shard``)."""

    name = "shard"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Shard:
        if isinstance(value, Shard):
            return value
        try:
            return Shard.parse(str(value))
        except UsageError as error:
            self.fail(error.hint or error.message, param, ctx)


SHARD = ShardSpec()


_SURROGATE = re.compile("[\ud800-\udfff]")


class ErrorLine(click.ClickException):
    """A failure shown as the single line ``tracker: <message>``."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(" ".join(message.split()))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        click.echo(f"tracker: {shown(self.format_message())}", err=True)


class TrackerGroup(click.Group):
    """A click group that turns TrackerError and click usage errors into one-line messages."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        for number, arg in enumerate(args, start=1):
            if _SURROGATE.search(arg):  # bytes that are not UTF-8 reach Python as lone surrogates
                shown_arg = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise ErrorLine(f"argument {number} ({shown_arg!r}) is not valid UTF-8 (type it in UTF-8)", 2)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            raise usage_line(error) from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as error:
            raise ErrorLine(str(error), error.exit_code) from error
        except ErrorLine:
            raise
        except click.UsageError as error:
            raise usage_line(error) from error


def usage_line(error: click.UsageError) -> ErrorLine:
    where = error.ctx.command_path if error.ctx is not None else "tracker"
    return ErrorLine(f"{error.format_message()} (see '{where} --help')", error.exit_code)


@dataclass
class Settings:
    """Options of the group that every command reads."""

    db: str
    #: ``tracker --reviewer NAME``: who reviews in the UI, and every command's default ``--reviewer``
    reviewer: str | None = None


def open_engine(ctx: click.Context, *, must_exist: bool = False) -> Engine:
    url = ctx.ensure_object(Settings).db
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise TrackerError(
            f"database {path} does not exist", "run 'tracker ingest PATH' or plain 'tracker' first"
        )
    return make_engine(url)


def check_filters(session: Session, agency: str | None, period: int | None) -> None:
    """Refuse an ``--agency`` or ``--period`` that no stored statement has, naming those there are, so
    a misspelt name is a usage error instead of an empty report.

    Raises:
        UsageError: the agency or the period is not in the database (exit code 2).
    """
    for name, value, known in (
        ("agency", agency, known_agencies(session) if agency is not None else []),
        ("period", period, known_periods(session) if period is not None else []),
    ):
        if value is None or value in known:
            continue
        if not known:
            raise UsageError(
                f"unknown {name} {value!r}", "the database holds no document yet; run 'tracker ingest PATH'"
            )
        raise UsageError(f"unknown {name} {value!r}", "use one of " + ", ".join(str(k) for k in known))


def progress_bar(console: Console, label: str) -> Progress:
    """The one progress bar style of long commands; it disappears when done."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def emit_bytes(data: bytes, output: Path | None, ctx: click.Context | None = None) -> None:
    """Write a document format byte for byte (the CSV's BOM and CRLF reach the file or pipe as made).

    A file is replaced atomically (:func:`write_atomically`); an output that is the database the
    command runs on (``ctx``) is refused; a closed or full standard output is an error, not silence.
    """
    if output is None:
        _write_stdout(data)
        return
    if ctx is not None:
        refuse_database_as_output(ctx, output)
    write_atomically(output, data)


def emit_text(text: str, output: Path | None, ctx: click.Context | None = None) -> None:
    """:func:`emit_bytes` of UTF-8 text."""
    emit_bytes(text.encode("utf-8"), output, ctx)


def require_stdout() -> None:
    """Refuse to run a command whose output would go nowhere (``tracker report >&-``).

    Raises:
        TrackerError: standard output is closed.
    """
    if sys.stdout is None:
        raise TrackerError("standard output is closed; nothing was written", "use -o FILE")


def _write_stdout(data: bytes) -> None:
    require_stdout()
    stream = sys.stdout
    try:
        stream.flush()
        if hasattr(stream, "buffer"):
            stream.buffer.write(data)
        else:
            stream.write(data.decode("utf-8"))
        stream.flush()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise TrackerError(f"cannot write to standard output: {reason}", "use -o FILE") from error


def refuse_database_as_output(ctx: click.Context, output: Path) -> None:
    """Refuse an output file that is the database itself (or its -wal, -shm or -journal file), however
    it is named: a relative path, ``..``, a symbolic or hard link.

    Raises:
        UsageError: ``output`` would overwrite the database.
    """
    settings = ctx.find_object(Settings)
    database = sqlite_path(settings.db) if settings is not None else None
    if database is None:
        return
    target = Path(os.path.realpath(output))
    main = Path(os.path.realpath(database))
    for suffix in ("", "-wal", "-shm", "-journal"):
        guarded = main.with_name(main.name + suffix)
        if target == guarded or (target.exists() and guarded.exists() and os.path.samefile(target, guarded)):
            raise UsageError(
                f"refusing to write {output}: it is the database {database}{suffix}", "choose another -o FILE"
            )


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` or leave it as it was: the bytes go to a temporary file beside it,
    are flushed to disk, then renamed over it (a full disk or a kill never leaves a truncated file).
    A symbolic link is written through, to the file it names.

    Raises:
        TrackerError: the file cannot be written (the message says why).
    """
    with atomic_file(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary stream that replaces ``path`` when the block ends without an error, and leaves it as
    it was otherwise (:func:`write_atomically`, written a piece at a time).

    Raises:
        TrackerError: the file cannot be written (the message says why).
    """
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise TrackerError(f"cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        _sync_folder(target.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise TrackerError(
            f"cannot write {path}: {error.strerror or error}", "nothing was changed"
        ) from error
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def output_bytes(output: Path | None, ctx: click.Context | None = None) -> Iterator[IO[bytes]]:
    """Where a document format is written a piece at a time, byte for byte: ``output`` (replaced
    atomically when everything is written; the database itself is refused) or standard output (a
    closed or full one is an error, not silence)."""
    if output is None:
        require_stdout()
        sink = _StdoutBytes(sys.stdout)
        sink.flush()
        yield sink  # type: ignore[misc]
        sink.flush()
        return
    if ctx is not None:
        refuse_database_as_output(ctx, output)
    with atomic_file(output) as stream:
        yield stream


@contextlib.contextmanager
def output_text(output: Path | None, ctx: click.Context | None = None) -> Iterator[IO[str]]:
    """:func:`output_bytes` as UTF-8 text, line ends written as they are (the CSV's CRLF stays)."""
    with output_bytes(output, ctx) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")  # type: ignore[arg-type]
        yield text
        text.flush()
        text.detach()


class _StdoutBytes(io.RawIOBase):
    """Standard output as a binary stream whose write errors say what to do."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            if hasattr(self._stream, "buffer"):
                self._stream.buffer.write(data)
            else:
                self._stream.write(bytes(data).decode("utf-8"))
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise TrackerError(f"cannot write to standard output: {reason}", "use -o FILE") from error
        return len(data)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise TrackerError(f"cannot write to standard output: {reason}", "use -o FILE") from error


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system lets a folder be opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def default_reviewer() -> str:
    """The group's ``--reviewer`` (``tracker --reviewer 张三 annotate …``), else the login name."""
    ctx = click.get_current_context(silent=True)
    settings = ctx.find_object(Settings) if ctx is not None else None
    return settings.reviewer if settings is not None and settings.reviewer else login_name()


def _reviewer_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The reviewer's name as stored: cleaned of control characters, and never empty (a decision
    nobody took cannot be undone by anybody, nor credited in a report)."""
    name = clean_field(value or "").strip()
    if not name:
        raise click.BadParameter(
            "the reviewer name is empty; give --reviewer NAME", param_hint="'--reviewer'"
        )
    return name


reviewer_option = click.option(
    "--reviewer",
    default=default_reviewer,
    show_default="tracker --reviewer, else the login name",
    metavar="NAME",
    callback=_reviewer_name,
    help="Who takes the decision, stored with it (not empty).",
)


#: ``--format table|json|md`` of the commands whose output is tables, JSON or Markdown.
text_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "md"]),
    default="table",
    show_default=True,
    help="Output format: terminal tables, JSON, or Markdown.",
)

#: ``--agency`` / ``--period`` of the commands that work on some commitments only.
agency_option = click.option("--agency", metavar="NAME", help="Only this issuing body's commitments.")
period_option = click.option("--period", type=YEAR, metavar="YEAR", help="Only commitments for this year.")
