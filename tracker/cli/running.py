"""Ingesting and matching as the commands show them: a progress bar while it runs, then one line per
file saved and one per run (``tracker ingest``, ``tracker match`` and the demo's build share them)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from sqlalchemy.engine import Engine

from tracker.cli.plumbing import progress_bar
from tracker.match.pool import Shard
from tracker.statuses import with_label
from tracker.textnorm import shown

if TYPE_CHECKING:
    from tracker.store.documents import FileOutcome, LoadResult


def match_with_progress(
    engine: Engine,
    console: Console,
    scorer: str,
    *,
    agency: str | None = None,
    period: int | None = None,
    learn: bool = True,
    processes: int | None = None,
    shard: Shard | None = None,
    changed: bool = False,
) -> None:
    progress = progress_bar(console, "matching")
    task: list[Any] = []

    def on_block(done: int, total: int) -> None:
        if not task and console.is_terminal:
            progress.start()
            task.append(progress.add_task("matching", total=total))
        if task:
            progress.update(task[0], completed=done)

    try:
        from tracker.review.matching import match_database  # numpy, jieba: loaded by the commands that match

        summary = match_database(
            engine,
            scorer=scorer,
            agency=agency,
            period=period,
            progress=on_block,
            learn=learn,
            processes=processes,
            shard=shard,
            changed=changed,
        )
    finally:
        if task:
            progress.stop()
    counts = ", ".join(f"{with_label(status)} {n}" for status, n in sorted(summary.statuses.items()))
    how = [f"{summary.processes} processes"] if summary.processes > 1 else []
    if shard is not None:
        how.append(f"shard {shard.index}/{shard.count}")
    if summary.changed:
        how.append("the agencies that changed")
    console.print(
        f"matched {summary.commitments} commitments in {summary.blocks} agency-years with {scorer}"
        + (f" ({', '.join(how)})" if how else "")
        + f": {summary.suggested} links suggested; {counts}",
        markup=False,
    )
    if summary.waiting:
        console.print(
            f"{summary.waiting} agency-years wait to be matched: their documents changed while this ran "
            "(the next 'tracker ingest' or 'tracker match' matches them)",
            markup=False,
        )
    if summary.learned:
        console.print(
            f"学习 learned: the link decision was fitted again on {summary.learned} reviewed pairs of this "
            "database (tracker match --no-learn: the shipped decision only)",
            markup=False,
        )


def load_with_progress(
    engine: Engine, paths: list[str], console: Console, *, quiet: bool = False, **options: Any
) -> LoadResult:
    """Run the load, with a progress bar when there is more than one file."""
    progress = progress_bar(console, "ingesting")
    task: list[Any] = []

    def on_start(total: int) -> None:
        if total > 1 and console.is_terminal:
            progress.start()
            task.append(progress.add_task("ingesting", total=total))

    def on_file(outcome: FileOutcome) -> None:
        if not quiet and outcome.ok:
            _print_outcome(console, outcome)
        if task:
            progress.advance(task[0])

    try:
        from tracker.store.documents import load_paths  # the parsers (jieba, OpenCC, BeautifulSoup) load here

        return load_paths(engine, paths, on_start=on_start, on_file=on_file, **options)
    finally:
        if task:
            progress.stop()


def _print_outcome(console: Console, outcome: FileOutcome) -> None:
    parsed, saved = outcome.parsed, outcome.saved
    if parsed is None or saved is None:
        return
    from tracker.ingest.web import is_url

    if saved.outcome == "unchanged":
        given = parsed.source_url is not None and not is_url(parsed.path)  # a file's --source-url
        linked = f"source {parsed.source_url}" if given else "nothing to do"
        console.print(shown(f"{parsed.path}: unchanged, {linked}"), markup=False)
        return
    if saved.outcome == "redated":
        when = parsed.date.isoformat() if parsed.date else "-"
        console.print(shown(f"{parsed.path}: unchanged, dated {when}"), markup=False)
        return
    moved = ""
    if parsed.source_url is not None and not is_url(parsed.path):
        moved = f"; source {parsed.source_url}"  # a file's --source-url
    elif parsed.source_url not in (None, parsed.path):
        moved = f"; read from {parsed.source_url}"
    console.print(
        shown(f"{parsed.path}  [{parsed.encoding}]  {parsed.agency}  ({saved.outcome}{moved})"), markup=False
    )
    for part in saved.parts:
        noun = "commitments" if part.kind == "plan" else "achievements"
        heading = f"  {part.heading}" if part.heading else ""
        console.print(
            shown(
                f"  {part.kind:<7} {part.period}  {part.agency}  {part.statements} {noun}{heading}"
                + _dated(part.kind, part.period, part.as_of)
            ),
            markup=False,
        )
    console.print(
        f"  repeated paragraphs removed: {parsed.repeated_paragraphs}, boilerplate lines removed: "
        f"{parsed.removed_lines}, merged repeats: {saved.merged}",
        markup=False,
    )
    for other, count in saved.already_stated.items():
        console.print(shown(f"  {count} already stated in {other}"), markup=False)


def _dated(kind: str, period: int, as_of: dt.date | None) -> str:
    """ "  as of 2021-06-26 (interim)" after a dated part, nothing after an undated one."""
    if as_of is None:
        return ""
    from tracker.match.pace import is_interim

    word = "as of" if kind == "summary" else "dated"
    interim = " (interim)" if kind == "summary" and is_interim(period, as_of) else ""
    return f"  {word} {as_of.isoformat()}{interim}"


def echo_errors(result: LoadResult) -> None:
    for error in result.errors:
        click.echo(f"tracker: {shown(' '.join(str(error).split()))}", err=True)
    for line in result.skipped_lines:
        click.echo(f"tracker: {shown(line)}", err=True)
