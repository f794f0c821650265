"""The ``tracker`` command: parse arguments, call one core function, print the result.

Every TrackerError and every usage error becomes one line on stderr (``tracker: …``) and a non-zero
exit code; nothing here knows how extraction, storage or reporting work.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    pass
from tracker.cli.launch import demo, open_review
from tracker.cli.plumbing import (
    CONTEXT_SETTINGS,
    DATE,
    SHARD,
    STATUS,
    YEAR,
    Settings,
    TrackerGroup,
    agency_option,
    check_filters,
    login_name,
    open_engine,
    output_bytes,
    output_text,
    period_option,
    require_stdout,
    reviewer_option,
)
from tracker.cli.review import annotate, diff, export_annotations, import_annotations
from tracker.cli.running import echo_errors, load_with_progress, match_with_progress
from tracker.cli.statuses import statuses
from tracker.cli.team import agreement, assign
from tracker.errors import UsageError
from tracker.match.pool import Shard
from tracker.match.results import DEFAULT_SCORER, SCORER_NAMES
from tracker.report.kinds import FORMATS, PUBLISHABLE
from tracker.statuses import STATUS_LABELS
from tracker.store.decision_log import orphaned_decisions
from tracker.store.engine import (
    DEFAULT_URL,
    ENV_VAR,
    database_error,
    database_url,
    read_session,
)
from tracker.textnorm import clean_field, each_string, shown

#: The end of ``tracker --help``: the statuses by name, and where their meaning is told.
EPILOG = (
    "\b\nStatuses 状态: "
    + ", ".join(f"{label} {status}" for status, label in list(STATUS_LABELS.items())[:4])
    + ",\n  "
    + ", ".join(f"{label} {status}" for status, label in list(STATUS_LABELS.items())[4:])
    + ".\nWhat each means and who sets it: tracker statuses"
)


@click.group(cls=TrackerGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.option(
    "--db",
    envvar=ENV_VAR,
    default=DEFAULT_URL,
    show_default=True,
    metavar="URL|FILE",
    help=f"SQLAlchemy database URL or SQLite file (also ${ENV_VAR}), e.g. review.db or postgresql+psycopg://user@host/tracker.",
)
@click.option(
    "--reviewer",
    envvar="TRACKER_REVIEWER",
    metavar="NAME",
    help="Who reviews (also $TRACKER_REVIEWER): the UI opens on this reviewer's worklist, and every "
    "command's --reviewer defaults to it (else: your login name).",
)
@click.version_option(package_name="tracker", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str, reviewer: str | None) -> None:
    """Track what Chinese government work plans promised against what the summaries report.

    With no command, opens the review of ./commitments.db (or --db). When it holds no document yet,
    it says how to start; only in the project's checkout is the demo built into it.

    \b
    Examples:
      tracker demo                              # try it: example documents in tracker-demo.db
      tracker ingest plans/ summaries/2024.txt  # add your documents to ./commitments.db
      tracker                                   # review them
      tracker report --format json -o report.json
      tracker --db other.db report --agency 广州市民政局 --period 2024
    """
    name = clean_field(reviewer or "").strip() or None
    ctx.obj = Settings(db=database_url(db), reviewer=name)
    if ctx.invoked_subcommand is None:
        open_review(ctx, reviewer=name or login_name(), blind=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--agency", metavar="NAME", help="Issuing body, when the text does not name it (e.g. 中山市民政局)."
)
@click.option("--period", type=YEAR, metavar="YEAR", help="Year the document is about.")
@click.option(
    "--kind",
    type=click.Choice(["plan", "summary", "auto"]),
    default="auto",
    show_default=True,
    help="Treat the whole file as a plan or a summary instead of detecting its parts.",
)
@click.option(
    "--date",
    "when",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Date the document reports as of, instead of the date its text states (发表时间, 截至6月底…).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=3600),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a web page may take to connect, and then to send each piece of itself.",
)
@click.option(
    "--source-url",
    metavar="URL",
    help="The address the one file given was published at (http:// or https://); reports link to it.",
)
@click.option("--no-match", is_flag=True, help="Do not recompute matches and statuses after ingesting.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    agency: str | None,
    period: int | None,
    kind: str,
    when: dt.date | None,
    timeout: float,
    source_url: str | None,
    no_match: bool,
) -> None:
    """Extract commitments and achievements from files, folders (.txt, .md, .html, .htm, .docx, .xlsx,
    and .pdf with a text layer: a scan must be OCRed first) or web pages.

    A web page (http:// or https://) is fetched and read as a saved page would be; it is named by its
    address, which the reports link to. The files of a folder that are not read are named, one line per
    reason (not a document, old Word format with the command that converts it, too large, unreadable);
    hidden files are passed over.

    Each document is saved in its own transaction: a bad file is reported on stderr and leaves the
    database as it was, the good ones go in, and the exit code is 1 (also when a document of a folder
    was not read; 2: a bad option). Re-ingesting an
    unchanged file changes nothing; a changed file replaces its old rows (review decisions stay;
    those about statements that are gone are counted as orphaned and listed by report --format json).
    A summary part dated before the last month of its year is an interim report (推进中 unless its
    targets are met already, with 序时进度 in the reports); --date sets the date of an unchanged file too.
    Matching also runs when an earlier ingest saved documents it never matched (it was stopped, or
    given --no-match). A task table (工作任务 / 牵头单位 / 完成时限 / 进展情况 …) in a Word, Excel or
    HTML file is read row by row: tasks with their lead unit and deadline, progress as achievements.
    An old .doc, .wps or .xls file is refused with the command that converts it.

    \b
    Examples:
      tracker ingest seeds/
      tracker ingest 2024年工作计划.pdf
      tracker ingest 2024总结.txt --agency 中山市民政局 --period 2024 --kind summary
      tracker ingest 上半年进展.txt --date 2021-06-30
      tracker ingest https://www.example.gov.cn/zwgk/2024/jh.html --timeout 60
      tracker ingest 2024年重点工作任务分解表.xlsx --agency 佛山市民政局
      tracker ingest 2024jh.pdf --source-url https://www.example.gov.cn/zwgk/2024/jh.pdf
    """
    if source_url is not None:
        _check_source_url(paths, source_url)
    engine = open_engine(ctx)
    console = Console(highlight=False, soft_wrap=True)
    result = load_with_progress(
        engine,
        list(paths),
        console,
        agency=agency,
        period=period,
        kind=kind,
        date=when,
        source_url=source_url,
        timeout=timeout,
    )
    echo_errors(result)
    changed = any(o.saved and o.saved.outcome != "unchanged" for o in result.saved)
    # A run whose files all failed leaves the database exactly as it was, unmatched parts included.
    if not no_match and (changed or (result.saved and _needs_matching(engine))):
        # only the agencies the saved documents touch (and what an earlier ingest left queued): an
        # agency's result depends on its own documents alone, so this ends where a full match would
        match_with_progress(engine, console, DEFAULT_SCORER, changed=True)
    _echo_orphans(engine, console)
    ctx.exit(result.exit_code)


def _check_source_url(paths: tuple[str, ...], url: str) -> None:
    """``--source-url`` names where one file was published: one file, and an http(s) address with a host.

    Raises:
        UsageError: several paths, a folder or an address given, or ``url`` is not a web address.
    """
    from urllib.parse import urlsplit

    from tracker.ingest.web import is_url, shown_url

    if len(paths) != 1 or is_url(paths[0]) or Path(paths[0]).is_dir():
        raise UsageError(
            "--source-url gives the address of one file", "name exactly one file, not a folder or an address"
        )
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not is_url(url) or not host or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise UsageError(
            f"--source-url {shown_url(url)!r} is not a web address",
            "give the http:// or https:// address the file was published at",
        )


def _needs_matching(engine: Engine) -> bool:
    """Unchanged files, but an earlier ingest saved documents and stopped (or skipped) before matching."""
    from tracker.store.documents import needs_matching

    with read_session(engine) as session:
        return needs_matching(session)


def _echo_orphans(engine: Engine, console: Console) -> None:
    with read_session(engine) as session:
        count = len(orphaned_decisions(session))
    if count:
        noun = "reviewer decision refers" if count == 1 else "reviewer decisions refer"
        console.print(
            f"{count} {noun} to commitments or evidence no longer in any document "
            '(tracker report --format json lists them under "orphaned_decisions")',
            markup=False,
        )


@cli.command()
@click.option(
    "--scorer",
    type=click.Choice(SCORER_NAMES),
    default=DEFAULT_SCORER,
    show_default=True,
    help="Similarity scorer (the others are baselines kept for comparison).",
)
@agency_option
@period_option
@click.option(
    "--no-learn",
    is_flag=True,
    help="Decide links with the shipped model only, not refitted on this database's reviewed pairs.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes, each matching whole agencies [default: every core when there are "
    "5,000 commitments or more to match, else 1].",
)
@click.option(
    "--shard",
    type=SHARD,
    metavar="K/N",
    help="Match only shard K of N: the agencies a stable hash puts there. Run the N shards at once, on "
    "as many machines, against one PostgreSQL database.",
)
@click.pass_context
def match(
    ctx: click.Context,
    scorer: str,
    agency: str | None,
    period: int | None,
    no_learn: bool,
    processes: int | None,
    shard: Shard | None,
) -> None:
    """Recompute ranked evidence, suggested links and automatic statuses for every commitment.

    Each commitment is compared with the achievements of its own agency and period. Reviewer
    decisions (confirmed or rejected links, statuses, notes) are never changed. Once reviewers have
    decided enough pairs (30, both confirmed and rejected ones), the link decision is fitted again on
    them and the run says so; --no-learn turns that off. 'tracker ingest' matches only the agency-years
    its documents change; this matches every one again, from the statistics of every statement.

    \b
    Examples:
      tracker match
      tracker match --agency 佛山市民政局 --period 2024
      tracker match --scorer char_tfidf     # a baseline, to compare with 'tracker eval'
      tracker match --no-learn              # the shipped link decision, whatever was reviewed
      tracker match --processes 4
      tracker --db postgresql+psycopg://tracker@db/tracker match --shard 2/3   # on the second of three machines
    """
    engine = open_engine(ctx, must_exist=True)
    with read_session(engine) as session:
        check_filters(session, agency, period)
    console = Console(highlight=False, soft_wrap=True)
    match_with_progress(
        engine,
        console,
        scorer,
        agency=agency,
        period=period,
        learn=not no_learn,
        processes=processes,
        shard=shard,
    )
    if scorer == DEFAULT_SCORER:
        console.print(_history_line(engine, agency, period), markup=False)


def _history_line(engine: Engine, agency: str | None, period: int | None) -> str:
    """``历年 history: 延续 19, 再次承诺 0, 多年未兑现 0, 未再提及 0`` for the commitments matched."""
    from tracker.review.history import KIND_LABELS, history_counts
    from tracker.review.status import list_commitments

    with read_session(engine) as session:
        counts = history_counts(session, list_commitments(session, agency=agency))
    total: dict[str, int] = {}
    for (_agency, year, kind), n in counts.items():
        if period is None or year == period:
            total[kind] = total.get(kind, 0) + n
    kinds = [(KIND_LABELS[k], total.get(k, 0)) for k in ("continuing", "repeated", "chronic")]
    kinds.append(("未再提及", total.get("dropped", 0)))
    return "历年 history: " + ", ".join(f"{name} {n}" for name, n in kinds) + " (tracker report: 历年对比)"


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format: a terminal table, Markdown, CSV for spreadsheets (UTF-8 with BOM), JSON with "
    "stable field names, or one self-contained HTML page.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
@click.option(
    "--agency", metavar="NAME", help="Only this issuing body (an unknown one lists those there are)."
)
@period_option
@click.option(
    "--status",
    type=STATUS,
    metavar="STATUS",
    help="Only commitments with this status, by id or label (not_fulfilled or 未兑现; see 'tracker statuses').",
)
@click.option("--topic", metavar="TOPIC", help="Only commitments of this topic (e.g. 养老服务).")
@click.option(
    "--public",
    is_flag=True,
    help="A report to publish (html, md): no reviewer names, candidates or rejected evidence; "
    "sources by title, part and address.",
)
@click.option("--title", metavar="TEXT", help="The report's title (html, md).")
@click.pass_context
def report(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    agency: str | None,
    period: int | None,
    status: str | None,
    topic: str | None,
    public: bool,
    title: str | None,
) -> None:
    """Print the status of every commitment, with its evidence, in document order.

    Every format renders the same data: the JSON report plus provenance (document part, who set
    a status and when, who confirmed or rejected evidence, notes). --public (html, md) leaves out
    reviewer names (a role and the day instead), candidates, rejected evidence and notes. No format
    names a document by an absolute path. The exit code is 0 whatever the statuses are; an agency,
    period or topic the database does not hold is a usage error (exit code 2) that lists the known ones.

    \b
    Examples:
      tracker report
      tracker report --format json -o report.json
      tracker report --format html -o report.html --agency 佛山市民政局 --period 2024
      tracker report --format md --topic 养老服务 > 养老服务.md
      tracker report --format csv -o report.csv --status not_fulfilled
      tracker report --status 部分兑现
      tracker report --format html --public --title "佛山市民政局2024年承诺兑现情况" -o 佛山2024.html
    """
    if (public or title is not None) and fmt not in PUBLISHABLE:
        raise UsageError(
            "--public and --title are for --format html and md", "add --format html or --format md"
        )
    # the writers (and the matcher's explanations the JSON report carries) load only for a report
    from tracker.report.formats import stored_report, write_text
    from tracker.report.json_report import write_json
    from tracker.report.table import text_console, write_table

    engine = open_engine(ctx, must_exist=True)
    with read_session(engine) as session:
        check_filters(session, agency, period)
        data = stored_report(session, fmt, agency=agency, period=period, status=status, topic=topic)
        if fmt == "json":
            with output_bytes(output, ctx) as stream:
                write_json(data, stream)
        elif fmt != "table":
            with output_text(output, ctx) as text:
                write_text(data, fmt, text, public=public, title=title)
        elif output is not None:
            with output_text(output, ctx) as text:
                write_table(data, text_console(text))
        else:
            require_stdout()
            write_table(data, Console())


@cli.command("eval")
@click.argument("gold", nargs=-1, required=True, metavar="GOLD.jsonl...")
@click.option(
    "--scorer",
    metavar="NAME|all",
    help="Score a fresh in-memory match run with this scorer instead of the database (nothing is "
    "written); 'all' puts every scorer side by side and details the default one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of tables.")
@click.pass_context
def eval_command(ctx: click.Context, gold: tuple[str, ...], scorer: str | None, as_json: bool) -> None:
    """Score links, ranking, statuses and extraction against gold files (format: README, "Evaluation").

    Prints link precision, recall and F1, recall@5, status accuracy with a confusion matrix, the
    non-commitments extracted, and the gold substrings no statement contains, per set and overall.

    \b
    Examples:
      tracker eval gold/fs2024_gold.jsonl
      tracker eval gold/*.jsonl --scorer all
      tracker eval fs2024_gold.jsonl --scorer weighted --json > scores.json
    """
    from tracker.evaluate.gold import load_gold
    from tracker.evaluate.scoring import evaluate_scorers
    from tracker.evaluate.table import render_eval

    lines = load_gold(gold)
    engine = open_engine(ctx, must_exist=True)
    with read_session(engine) as session:
        reports, detail = evaluate_scorers(session, lines, scorer)
    if as_json:
        data = {"gold": list(gold), "detail": detail.source, "runs": [r.as_dict() for r in reports]}
        click.echo(json.dumps(each_string(data, clean_field), ensure_ascii=False, indent=2))
    else:
        render_eval(reports, Console(highlight=False), detail=detail)


@cli.command()
@reviewer_option
@click.option("--blind", is_flag=True, help="Hide scores and the matcher's suggestions (b toggles).")
@click.pass_context
def tui(ctx: click.Context, reviewer: str, blind: bool) -> None:
    """Review commitments from the keyboard (plain 'tracker' does the same).

    Plain 'tracker' records decisions under your login name; here --reviewer names who takes them. In
    a terminal it opens the review UI on the database (press ? inside for the keys and what each
    status means); piped or redirected, it prints the status table instead. A database with no
    document yet is built as the demo only in the project's checkout; elsewhere it says how to start
    ('tracker demo' to try it).

    \b
    Examples:
      tracker --db review.db tui --reviewer li
      tracker tui --blind
    """
    open_review(ctx, reviewer=reviewer, blind=blind)


for _command in (annotate, export_annotations, import_annotations, diff, demo, statuses, assign, agreement):
    cli.add_command(_command)


INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE


def main() -> None:
    """Console-script entry point.

    A failure that is not the user's (a bug) still ends in one line, with the way to see more: set
    TRACKER_DEBUG=1 for the traceback. Output that cannot be written (a full disk behind stdout, a
    closed pipe) is one line too, and a non-zero exit.
    """
    try:
        try:
            cli(prog_name="tracker", standalone_mode=True)
        finally:
            _flush_stdout()
    except SystemExit:
        raise
    except OSError as error:
        if os.environ.get("TRACKER_DEBUG") or error.errno not in _OUTPUT_ERRORS:
            raise
        _quiet_stdout()
        if error.errno != errno.EPIPE:  # a reader that stopped early (| head) needs no message
            click.echo(f"tracker: cannot write the output: {error.strerror or error}", err=True)
        sys.exit(1)
    except SQLAlchemyError as error:  # a database error no session translated: still the user's to fix
        if os.environ.get("TRACKER_DEBUG"):
            raise
        click.echo(f"tracker: {shown(' '.join(str(database_error(error)).split()))}", err=True)
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the last resort at the edge, never inside the core
        if os.environ.get("TRACKER_DEBUG"):
            raise
        click.echo(
            f"tracker: internal error: {type(error).__name__}: {shown(str(error))} "
            "(a bug; rerun with TRACKER_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(INTERNAL_ERROR_EXIT)


#: errno values of an output that cannot be written: a full disk, a closed pipe or descriptor, I/O.
_OUTPUT_ERRORS = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EDQUOT}


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's own flush at exit has nothing left to fail on."""
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter closes it at exit


def _flush_stdout() -> None:
    """Flush standard output now, so a write error is reported instead of Python's 'Exception ignored'.

    Raises:
        SystemExit: 1, after one line on stderr, when the output could not be written.
    """
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as error:
        _quiet_stdout()
        reason = getattr(error, "strerror", None) or str(error)
        click.echo(f"tracker: cannot write to standard output: {reason}", err=True)
        raise SystemExit(1) from error
