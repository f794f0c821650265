"""What every ``tracker`` command shares: one-line errors, the database option, the reviewer option,
progress bars and writing output to a file or stdout."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine

from tracker.errors import TrackerError
from tracker.store.engine import make_engine, sqlite_path

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ErrorLine(click.ClickException):
    """A failure shown as the single line ``tracker: <message>``."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(" ".join(message.split()))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        click.echo(f"tracker: {self.format_message()}", err=True)


class TrackerGroup(click.Group):
    """A click group that turns TrackerError and click usage errors into one-line messages."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
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


def open_engine(ctx: click.Context, *, must_exist: bool = False) -> Engine:
    url = ctx.ensure_object(Settings).db
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise TrackerError(
            f"database {path} does not exist", "run 'tracker ingest PATH' or plain 'tracker' first"
        )
    return make_engine(url)


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


def emit_bytes(data: bytes, output: Path | None) -> None:
    """Write a document format byte for byte (the CSV's BOM and CRLF reach the file or pipe as made)."""
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise TrackerError(f"cannot write {output}: {error.strerror or error}") from error


def login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


reviewer_option = click.option(
    "--reviewer",
    default=login_name,
    show_default="login name",
    metavar="NAME",
    help="Who takes the decision, stored with it.",
)


def emit_text(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise TrackerError(f"cannot write {output}: {error.strerror or error}") from error
