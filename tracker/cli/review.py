"""The review commands of ``tracker``: ``annotate …`` (decisions from scripts), ``export-annotations``,
``import-annotations`` and ``diff``. Registered on the main group by :mod:`tracker.cli`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from tracker.cli.plumbing import (
    STATUS,
    TrackerGroup,
    emit_text,
    open_engine,
    require_stdout,
    reviewer_option,
    text_format_option,
)
from tracker.review import decisions as review
from tracker.statuses import HISTORY_RELATIONS, with_label
from tracker.store.engine import read_session, write_session
from tracker.textnorm import shown


@click.group(cls=TrackerGroup)
def annotate() -> None:
    """Record review decisions from scripts: confirm or reject evidence, set a status, add a note, undo.

    Every decision is appended to the review log; automatic matching never overwrites it. Ids may
    be shortened to a unique prefix, with or without the c-/a- in front.

    \b
    Examples:
      tracker annotate confirm c-3f2a9b a-81c0
      tracker annotate status c-3f2a9b partial --reviewer li
      tracker annotate note 3f2a9b "区级清单未见"
      tracker annotate undo --reviewer li
    """


def _pair_command(action: str, done: str, summary: str) -> click.Command:
    @click.argument("commitment", metavar="COMMITMENT_ID")
    @click.argument("achievement", metavar="ACHIEVEMENT_ID")
    @reviewer_option
    @click.pass_context
    def command(ctx: click.Context, reviewer: str, commitment: str, achievement: str) -> None:
        with write_session(open_engine(ctx, must_exist=True)) as session:
            decision = review.decide_pair(session, action, commitment, achievement, reviewer=reviewer)
        click.echo(
            f"{done} {decision.commitment_id} ← {decision.achievement_id} (reviewer {reviewer or '-'})"
        )

    command.__doc__ = f"""{summary}

    \b
    Example:
      tracker annotate {action} c-3f2a9b a-81c0 --reviewer li
    """
    return annotate.command(action)(command)


_pair_command("confirm", "confirmed", "Confirm that an achievement is evidence for a commitment.")
_pair_command(
    "reject", "rejected", "Reject a suggested or candidate achievement as evidence for a commitment."
)
_pair_command(
    "link", "linked", "Link an achievement the matcher did not rank to a commitment (same as confirm)."
)
_pair_command("unlink", "unlinked", "Remove a link from a commitment (same as reject).")


@annotate.command("status")
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("status", type=STATUS, metavar="STATUS")
@reviewer_option
@click.pass_context
def annotate_status(ctx: click.Context, commitment: str, status: str, reviewer: str) -> None:
    """Set a commitment's status by hand; it stays until another status decision.

    STATUS is an id or its Chinese label: fulfilled 已兑现, partial 部分兑现, in_progress 推进中,
    no_evidence 未见佐证, pending 待核查, not_fulfilled 未兑现, unverifiable 无法核查 ('tracker statuses'
    says what each means).

    \b
    Examples:
      tracker annotate status c-3f2a9b not_fulfilled --reviewer li
      tracker annotate status c-3f2a9b 部分兑现
    """
    with write_session(open_engine(ctx, must_exist=True)) as session:
        decision = review.set_status(session, commitment, status, reviewer=reviewer)
    click.echo(f"{decision.commitment_id}: {with_label(status)} (reviewer {reviewer or '-'})")


@annotate.command("note")
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("text")
@reviewer_option
@click.pass_context
def annotate_note(ctx: click.Context, commitment: str, text: str, reviewer: str) -> None:
    """Attach a note to a commitment (notes accumulate, none is replaced).

    \b
    Example:
      tracker annotate note c-3f2a9b "总结只提到试点,未见全市推广"
    """
    with write_session(open_engine(ctx, must_exist=True)) as session:
        decision = review.add_note(session, commitment, text, reviewer=reviewer)
    click.echo(f"{decision.commitment_id}: note added (reviewer {reviewer or '-'})")


@annotate.command("history")
@click.argument("verdict", type=click.Choice(["confirm", "reject"]))
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("earlier", metavar="[EARLIER_ID]", required=False)
@click.option(
    "--relation",
    type=click.Choice(list(HISTORY_RELATIONS)),
    default="prior_evidence",
    show_default=True,
    help="What is decided: prior_evidence (延续: EARLIER is last year's achievement), prior_commitment "
    "(再次承诺: EARLIER is an earlier plan's commitment), dropped (未再提及: COMMITMENT is the earlier one).",
)
@reviewer_option
@click.pass_context
def annotate_history(
    ctx: click.Context, verdict: str, commitment: str, earlier: str | None, relation: str, reviewer: str
) -> None:
    """Confirm or reject what came before a commitment: a continuation, a repetition or a drop.

    A confirmation counts like a suggestion and a rejection removes one, for the commitment's history
    kind (新增, 延续, 再次承诺, 多年未兑现) and the list of drops; re-matching never changes it.

    \b
    Examples:
      tracker annotate history confirm c-3f2a9b a-81c0 --reviewer li
      tracker annotate history reject c-3f2a9b c-77e1 --relation prior_commitment
      tracker annotate history reject c-77e1 --relation dropped     # it was folded into another
    """
    with write_session(open_engine(ctx, must_exist=True)) as session:
        decision = review.decide_history(
            session, f"history_{verdict}", commitment, relation, earlier, reviewer=reviewer
        )
    pair = f" ← {decision.achievement_id}" if decision.achievement_id else ""
    click.echo(f"{verdict}ed {relation} {decision.commitment_id}{pair} (reviewer {reviewer or '-'})")


@annotate.command("adjudicate")
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("status", type=STATUS, metavar="STATUS")
@reviewer_option
@click.pass_context
def annotate_adjudicate(ctx: click.Context, commitment: str, status: str, reviewer: str) -> None:
    """Settle the status of a double-coded commitment whose two coders disagree (a third reviewer).

    The adjudicated status is the one in force: reports say 已裁定 adjudicated, and the coders'
    statuses stay in the log beside it. Only a reviewer who coded neither side may adjudicate;
    'tracker annotate worklist --disputes' lists the commitments waiting for it.

    \b
    Example:
      tracker annotate adjudicate c-3f2a9b partial --reviewer 王五
    """
    from tracker.review.team import adjudicate

    with write_session(open_engine(ctx, must_exist=True)) as session:
        decision = adjudicate(session, commitment, status, reviewer=reviewer)
    click.echo(f"{decision.commitment_id}: {with_label(status)} adjudicated (reviewer {reviewer})")


@annotate.command("worklist")
@reviewer_option
@click.option("--disputes", is_flag=True, help="The adjudication queue instead: what the coders disagree on.")
@click.option("--all", "everything", is_flag=True, help="Also the commitments already decided.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N lines.")
@click.pass_context
def annotate_worklist(
    ctx: click.Context, reviewer: str, disputes: bool, everything: bool, limit: int | None
) -> None:
    """The reviewer's own worklist ('tracker assign'), in document order, what is still to decide first.

    One line per commitment: its id, the reviewer's role (编码员1 coder 1 / 编码员2 coder 2), the
    status as this reviewer may see it, and its text. On a double-coded commitment the other coder's
    decisions stay hidden until both have set its status. --disputes lists, for an adjudicator, the
    commitments whose coders disagree, with both statuses.

    \b
    Examples:
      tracker annotate worklist --reviewer 张三
      tracker annotate worklist --reviewer 王五 --disputes
    """
    from tracker.review import team
    from tracker.store.assignments import ROLE_LABELS
    from tracker.store.models import Commitment
    from tracker.store.queries import rows_by_id

    with read_session(open_engine(ctx, must_exist=True)) as session:
        if disputes:
            found = team.codings(session)
            queue = team.disputes(session)
            stored = rows_by_id(session, Commitment, queue)
            texts = {cid: stored[cid].text for cid in queue if cid in stored}
            lines = [
                f"{cid}  "
                + "  ".join(
                    f"{ROLE_LABELS[found[cid].coders.role(name) or 1].split()[0]} {name}: "
                    f"{with_label(found[cid].statuses[name])}"
                    for name in found[cid].coders.names
                )
                + f"  {text}"
                for cid, text in texts.items()
            ]
            empty = "no disagreement waits for adjudication"
        else:
            items = team.worklist(session, reviewer)
            lines = [
                f"{item.id}  {ROLE_LABELS[item.role].split()[0]}  {'✓' if item.done else '·'}  "
                f"{with_label(item.status) if item.status else '盲审 blind'}  {item.text}"
                for item in items
                if everything or not item.done
            ]
            empty = f"nothing {'assigned' if not items else 'left to decide'} for reviewer {reviewer}"
    if not lines:
        click.echo(shown(empty))
    for line in lines[:limit] if limit else lines:
        click.echo(shown(line))


@annotate.command("undo")
@reviewer_option
@click.pass_context
def annotate_undo(ctx: click.Context, reviewer: str) -> None:
    """Take back the reviewer's latest decision still in force (run it again to go further back).

    The decision stays in the review log beside its retraction; the status or evidence it changed
    goes back to what it was before. Only this reviewer's decisions are taken back.

    \b
    Example:
      tracker annotate undo --reviewer li
    """
    with write_session(open_engine(ctx, must_exist=True)) as session:
        decision = review.undo_last(session, reviewer=reviewer)
    if decision is None:
        click.echo(f"nothing to undo for reviewer {reviewer or '-'}")
        return
    pair = f" ← {decision.achievement_id}" if decision.achievement_id else ""
    value = f": {with_label(decision.value or '')}" if decision.action == "status" else ""
    click.echo(
        f"took back {decision.action} {decision.commitment_id}{pair}{value} (reviewer {reviewer or '-'})"
    )


@click.command("export-annotations")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
@click.option("--reviewer", metavar="NAME", help="Only this reviewer's decisions (default: everyone's).")
@click.pass_context
def export_annotations(ctx: click.Context, output: Path | None, reviewer: str | None) -> None:
    """Write the review decisions as JSON Lines (UTF-8), to merge them into another database.

    One decision per line, oldest first: action, the commitment's and achievement's stable ids and
    texts, agency, year, value, reviewer, time (UTC), and whether (by whom, when) it was undone. The
    worklists ('tracker assign') come first, one line per commitment and coder (action "assign").
    'tracker import-annotations' applies the file to a database built from the same documents.

    \b
    Examples:
      tracker export-annotations -o li.jsonl --reviewer li
      tracker --db laptop.db export-annotations > decisions.jsonl
    """
    from tracker.review.exchange import export_records, render_jsonl

    engine = open_engine(ctx, must_exist=True)
    with read_session(engine) as session:
        records = export_records(session, reviewer=reviewer)
    emit_text(render_jsonl(records), output, ctx)
    if output is not None:
        assigned = sum(1 for r in records if r["action"] == "assign")
        worklists = f" and {assigned} assignments" if assigned else ""
        click.echo(f"wrote {len(records) - assigned} decisions{worklists} to {output}")


@click.command("import-annotations")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option("--dry-run", is_flag=True, help="Print what the import would do; write nothing.")
@click.option(
    "--force",
    is_flag=True,
    help="Apply conflicting lines too: the file's decision takes effect, the database's stays in the log.",
)
@click.pass_context
def import_annotations(ctx: click.Context, file: Path, dry_run: bool, force: bool) -> None:
    """Apply decisions exported by 'tracker export-annotations' to this database, in one transaction.

    Each line finds its commitment (and achievement) by stable id, else by normalised text among
    the statements of the same agency and year when exactly one matches ("matched by text"). Lines
    already in the log are skipped, so importing twice changes nothing; undone decisions come with
    their undo.

    A line is a conflict when it would overrule a decision in force here that the file does not
    hold: a different status, or the opposite confirm/reject of the same pair, by another reviewer,
    or by the same reviewer later than the line. Conflicts are listed and NOT applied (exit code 1);
    --force applies them (the file wins, the database's decision stays in the log). Lines whose
    commitment or achievement is not here are listed as orphaned and not applied. A bad line stops
    the import before anything is written.

    \b
    Examples:
      tracker import-annotations li.jsonl --dry-run
      tracker --db desktop.db import-annotations laptop.jsonl
    """
    from tracker.review.exchange import import_lines, result_lines, summary
    from tracker.review.exchange_lines import read_lines

    lines = read_lines(file)
    engine = open_engine(ctx, must_exist=True)
    with (read_session if dry_run else write_session)(engine) as session:
        result = import_lines(session, lines, force=force, dry_run=dry_run)
    for line in result_lines(result):
        click.echo(shown(line))  # a line quotes the file's ids and texts
    click.echo(summary(result, dry_run=dry_run))
    ctx.exit(result.exit_code)


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path), metavar="OLD.json")
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path), metavar="NEW.json")
@text_format_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, fmt: str, output: Path | None) -> None:
    """Compare two JSON reports: status changes (old → new, with labels), commitments in only one.

    Both files come from 'tracker report --format json'; commitments are matched by stable id.
    Prints how many commitments moved between each pair of statuses, then every change. The exit
    code is 0 whatever changed.

    \b
    Examples:
      tracker diff report-2025-01.json report-2025-06.json
      tracker diff old.json new.json --format md -o changes.md
    """
    from tracker.report.diff import (
        diff_reports,
        load_report,
        render_diff_json,
        render_diff_markdown,
        render_diff_table,
        render_diff_text,
    )

    changes = diff_reports(load_report(old), load_report(new))
    if fmt == "json":
        emit_text(render_diff_json(changes), output, ctx)
    elif fmt == "md":
        emit_text(render_diff_markdown(changes), output, ctx)
    elif output is not None:
        emit_text(render_diff_text(changes), output, ctx)
    else:
        require_stdout()
        render_diff_table(changes, Console())
