"""The team commands of ``tracker``: ``assign`` (split the commitments among reviewers, a share
double-coded) and ``agreement`` (how far the coders agree). Registered on the main group by
:mod:`tracker.cli.main`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from tracker.cli.plumbing import (
    agency_option,
    check_filters,
    emit_text,
    open_engine,
    period_option,
    require_stdout,
    text_format_option,
)
from tracker.store.assignments import ROLE_LABELS, worklist_ids
from tracker.store.engine import read_session, write_session
from tracker.textnorm import shown


@click.command()
@click.option(
    "--reviewers",
    required=True,
    metavar="NAME,NAME…",
    help="The reviewers to split the commitments among, comma-separated (张三,李四).",
)
@click.option(
    "--overlap",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of the commitments double-coded: each also goes to a second reviewer, who codes it blind.",
)
@agency_option
@period_option
@click.option(
    "--replace",
    is_flag=True,
    help="Split the commitments in scope again, also those already assigned (no decision is touched).",
)
@click.pass_context
def assign(
    ctx: click.Context, reviewers: str, overlap: float, agency: str | None, period: int | None, replace: bool
) -> None:
    """Put the commitments on the reviewers' worklists: one stretch of each document per reviewer, in
    document order and balanced, and a share (--overlap) double-coded by a second reviewer.

    The split is stable: the same commitments and reviewers always give the same worklists, and each
    reviewer's stretch has the same share double-coded, spread over it. Commitments already
    assigned keep their coders (new documents are added to the worklists), unless --replace. A second
    coder sees nothing of the first coder's decisions on a commitment until both have set its status;
    'tracker agreement' then measures how far they agree, and disagreements wait for a third reviewer
    ('tracker annotate adjudicate'). Each reviewer opens their worklist with 'tracker --reviewer NAME'.

    \b
    Examples:
      tracker assign --reviewers 张三,李四 --overlap 0.2
      tracker assign --reviewers 张三,李四,王五 --agency 佛山市民政局 --period 2024
      tracker --reviewer 张三                    # 张三's worklist first
    """
    from tracker.review import team

    names = team.reviewer_names(reviewers)
    engine = open_engine(ctx, must_exist=True)
    with write_session(engine) as session:
        check_filters(session, agency, period)
        result = team.assign(session, names, overlap=overlap, agency=agency, period=period, replace=replace)
        totals = {name: len(worklist_ids(session, name)) for name in names}
    click.echo(
        f"assigned {result.assigned} commitments, {result.double_coded} double-coded"
        + (f"; {result.kept} kept the coders they had" if result.kept else "")
        + (f"; {result.replaced} assigned again" if result.replaced else "")
    )
    table = Table(box=None, pad_edge=False)
    for header in ("审核人 reviewer", ROLE_LABELS[1], ROLE_LABELS[2], "任务合计 worklist"):
        table.add_column(header, justify="left" if header.startswith("审核人") else "right")
    for name in names:
        table.add_row(shown(name), str(result.first[name]), str(result.second[name]), str(totals[name]))
    Console(highlight=False).print(table)


@click.command()
@text_format_option
@agency_option
@period_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
@click.pass_context
def agreement(
    ctx: click.Context, fmt: str, agency: str | None, period: int | None, output: Path | None
) -> None:
    """How far the coders agree: per pair of reviewers and overall, percent agreement and Cohen's κ
    on statuses and on the coarse split addressed (已兑现, 部分兑现, 推进中) / not addressed, the
    confusion matrix, agreement on evidence links, and Krippendorff's α over all coders.

    A commitment counts once two reviewers have set its status: its assigned coders ('tracker
    assign'), or, for a commitment nobody was assigned, every reviewer who set one. An adjudication
    is not a coder's status and is not counted. Every disagreement is listed last, settled or not
    ('tracker annotate worklist --disputes' lists those still waiting for a third reviewer).

    \b
    Examples:
      tracker agreement
      tracker agreement --format md -o agreement.md
      tracker agreement --format json --agency 佛山市民政局
    """
    from tracker.review.agreement import read_agreement, render_json, render_markdown, render_table

    engine = open_engine(ctx, must_exist=True)
    with read_session(engine) as session:
        check_filters(session, agency, period)
        found = read_agreement(session, agency=agency, period=period)
    if fmt == "json":
        emit_text(render_json(found), output, ctx)
    elif fmt == "md":
        emit_text(render_markdown(found), output, ctx)
    elif output is not None:
        console = Console(record=True, width=120, highlight=False)
        with console.capture():
            render_table(found, console)
        emit_text(console.export_text(), output, ctx)
    else:
        require_stdout()
        render_table(found, Console(highlight=False))
