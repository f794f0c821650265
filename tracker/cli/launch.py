"""Opening the review: plain ``tracker`` (and ``tracker tui``) on the user's database, ``tracker demo``
on a database of its own; the demo never goes into a database that holds anyone's documents.

Plain ``tracker`` on a database with no document builds the demo into it only inside the project's
checkout (its seeds/ beside its pyproject.toml), where that is what a developer expects; anywhere else
it says in two lines how to try the demo or start, and creates nothing. ``tracker demo`` builds (or
reopens) ``tracker-demo.db`` and refuses a file that holds other documents.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource
from rich.console import Console
from sqlalchemy.engine import Engine

from tracker.cli.plumbing import Settings, open_engine, reviewer_option
from tracker.cli.running import echo_errors, load_with_progress, match_with_progress
from tracker.demo import DEMO_DB
from tracker.errors import TrackerError
from tracker.store.engine import (
    database_label,
    database_url,
    make_engine,
    read_session,
    sqlite_path,
    write_session,
)
from tracker.store.queries import list_documents


def open_review(ctx: click.Context, *, reviewer: str, blind: bool) -> None:
    """Open the database in the review UI (the status table when not in a terminal)."""
    url = ctx.ensure_object(Settings).db
    path = sqlite_path(url)
    if (path is not None and not path.exists()) or _is_empty(url):
        from tracker.demo.build import is_checkout, seeds_folder

        if not is_checkout(Path.cwd()):
            _say_how_to_start(path.as_posix() if path is not None else database_label(url))
            ctx.exit(0)
        engine = open_engine(ctx)
        console = Console(highlight=False, soft_wrap=True)
        console.print(
            f"Building {database_label(url)} as the demo (tracker demo keeps it in a file of its own) …",
            markup=False,
        )
        exit_code = _build(engine, console, seeds_folder())
    else:
        engine = open_engine(ctx)
        exit_code = 0
    _show(ctx, engine, url, reviewer=reviewer, blind=blind, exit_code=exit_code)


def _is_empty(url: str) -> bool:
    """Whether the database holds no document (a server database that cannot be reached is not empty:
    opening it reports why)."""
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return not list_documents(session)
    finally:
        engine.dispose()


def _say_how_to_start(where: str) -> None:
    click.echo(f"尚无文档 no documents in {where} yet (nothing was created here).")
    click.echo(
        f"试用 try it: tracker demo (builds {DEMO_DB} from example documents) · "
        "开始 start: tracker ingest FILE... then tracker"
    )


@click.command()
@click.option(
    "--db",
    "db",
    metavar="FILE",
    help=f"The demo's database (default {DEMO_DB}; 'tracker --db FILE demo' names it too). A file that "
    "holds other documents is refused.",
)
@reviewer_option
@click.option("--blind", is_flag=True, help="Hide scores and the matcher's suggestions (b toggles).")
@click.pass_context
def demo(ctx: click.Context, db: str | None, reviewer: str, blind: bool) -> None:
    """Try tracker on example documents, in a database of their own, then open the review on it.

    Builds tracker-demo.db (or --db FILE) from the five real documents in the checkout's seeds/ and an
    illustrative 2024 summary for 佛山市民政局 that this project wrote (示例: its figures are made up),
    matches them and adds a few reviewer decisions marked as examples (by 示例审核员), so statuses other
    than 待核查 appear. Run again, it reopens the same file; your decisions in it stay. A database that
    holds other documents is refused. Piped or redirected, it prints the status table instead.

    \b
    Examples:
      tracker demo
      tracker demo --db /tmp/try.db --reviewer li
      tracker demo | less
    """
    from tracker.demo.build import other_documents, seeds_folder

    url = database_url(db or _named_database(ctx) or DEMO_DB)
    seeds = seeds_folder()
    engine = make_engine(url)
    with read_session(engine) as session:
        others = other_documents(session, seeds)
    if others:
        listed = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        raise TrackerError(
            f"{database_label(url)} holds other documents ({listed}); the demo goes into a database of its own",
            f"run 'tracker demo' for {DEMO_DB}, or give another --db FILE",
        )
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"示例 demo: {database_label(url)} …", markup=False)
    exit_code = _build(engine, console, seeds)
    _show(ctx, engine, url, reviewer=reviewer, blind=blind, exit_code=exit_code)


def _named_database(ctx: click.Context) -> str | None:
    """``tracker --db FILE demo``: the database named on the command line (not $TRACKER_DB nor the
    default, which name the user's own database)."""
    parent = ctx.parent
    if parent is None or parent.get_parameter_source("db") != ParameterSource.COMMANDLINE:
        return None
    return parent.params.get("db")


def _build(engine: Engine, console: Console, seeds: Path) -> int:
    """Load the demo's documents (unchanged ones cost nothing), match when anything changed, take the
    example decisions not taken yet; returns the exit code of the load."""
    from tracker.demo.build import EXAMPLE_REVIEWER, add_examples, sources, up_to_date
    from tracker.match.results import DEFAULT_SCORER

    exit_code, changed = 0, False
    with read_session(engine) as session:
        loaded = up_to_date(session, seeds)
    for folder, base in [] if loaded else sources(seeds):
        result = load_with_progress(engine, [str(folder)], console, base=base, quiet=True)
        echo_errors(result)
        exit_code = max(exit_code, result.exit_code)
        changed = changed or any(o.saved and o.saved.outcome != "unchanged" for o in result.saved)
    if changed:
        match_with_progress(engine, console, DEFAULT_SCORER)
    with write_session(engine) as session:
        examples = add_examples(session)
    if examples:
        console.print(
            f"示例 examples: {examples} reviewer decisions by {EXAMPLE_REVIEWER}, marked 示例 in their notes "
            "(not real reviews)",
            markup=False,
        )
    return exit_code


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _show(
    ctx: click.Context, engine: Engine, url: str, *, reviewer: str, blind: bool, exit_code: int
) -> None:
    if _interactive():
        from tracker.tui.app import TrackerApp  # Textual loads only when the UI opens

        TrackerApp(engine, reviewer=reviewer, blind=blind, database=database_label(url)).run()
        ctx.exit(exit_code)
    from tracker.report.formats import stored_report
    from tracker.report.table import write_table

    with read_session(engine) as session:
        write_table(stored_report(session, "table"), Console(highlight=False, soft_wrap=True))
    ctx.exit(exit_code)
