"""Evaluation results as rich tables: scorers side by side, then one run's sets, confusion and examples.

Renders :class:`tracker.evaluate.EvalReport` objects; the JSON output of ``tracker eval`` is their
``as_dict()``, so both show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.evaluate.scores import TOP_K, EvalReport, Pair, Problem, Scores, SetResult
from tracker.statuses import STATUS_STYLES, STATUSES, label
from tracker.textnorm import shown

#: Examples listed per kind (false positives, unresolved substrings …); JSON has them all.
SHOWN = 5
TEXT_WIDTH = 40


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _scores_table(title: str, first: str, rows: Sequence[tuple[str, Scores]]) -> Table:
    """Scores in a form that fits 80 columns: ratios, then the counts behind them."""
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0)
    )
    table.add_column(first, no_wrap=True)
    headers = ("P", "R", "F1", f"R@{TOP_K}", "status", "non-\ncommit.", "TP/pred/\ngold", "status\nok/all")
    for name in headers:
        table.add_column(name, justify="right", no_wrap=True)
    for name, s in rows:
        table.add_row(
            name,
            _number(s.precision),
            _number(s.recall),
            _number(s.f1),
            _number(s.recall_at_k),
            _number(s.status_accuracy),
            f"{s.non_commitments_found}/{s.non_commitments_total}",
            f"{s.true_positives}/{s.predicted_links}/{s.gold_links}",
            f"{s.status_correct}/{s.status_total}",
        )
    return table


def comparison_table(reports: Sequence[EvalReport]) -> Table:
    """One row per prediction source (database or scorer), overall micro-averaged scores."""
    return _scores_table(
        "评估 Evaluation (overall, micro-averaged over sets)",
        "source",
        [(r.source, r.overall) for r in reports],
    )


def sets_table(report: EvalReport) -> Table:
    """One row per gold set of one run (and the overall row when there are several)."""
    rows = [(s.name, s.scores) for s in report.sets]
    if len(report.sets) > 1:
        rows.append(("overall", report.overall))
    return _scores_table(f"{report.source}: per set", "set", rows)


def set_summary(result: SetResult) -> Text:
    """The set's scope and what could not be resolved, in one line."""
    s = result.scores
    scope = "no scope (nothing resolved)" if result.scope is None else f"{result.scope[0]} {result.scope[1]}"
    return Text(
        f"{result.name}: scope {scope}; {s.unjudged_links} unjudged links, {s.ignored_links} on "
        f"optional gold ignored; {s.unresolved} unresolved substrings ({s.unresolved_gold_links} gold "
        f"links lost), {s.ambiguous} ambiguous"
    )


def confusion_table(result: SetResult) -> Table | None:
    """Gold status rows by predicted status columns, only the statuses that occur."""
    matrix = result.scores.confusion
    if not matrix:
        return None
    gold = [s for s in STATUSES if any(g == s for g, _ in matrix)]
    predicted = [s for s in STATUSES if any(p == s for _, p in matrix)]
    table = Table(title=f"{result.name}: status, gold ↓ predicted →", title_justify="left")
    table.add_column("gold")
    for status in predicted:
        table.add_column(
            Text(f"{status}\n{label(status)}", style=STATUS_STYLES.get(status, "")), justify="right"
        )
    for g in gold:
        cells = [str(matrix[(g, p)] or "") for p in predicted]
        table.add_row(Text(f"{g} {label(g)}", style=STATUS_STYLES.get(g, "")), *cells)
    return table


def _pairs_table(title: str, pairs: Sequence[Pair]) -> Table:
    table = Table(title=f"{title} ({len(pairs)}, first {min(SHOWN, len(pairs))})", title_justify="left")
    table.add_column("承诺 commitment", overflow="fold", max_width=TEXT_WIDTH)
    table.add_column("成效 achievement", overflow="fold", max_width=TEXT_WIDTH)
    for pair in pairs[:SHOWN]:
        table.add_row(
            Text(shown(f"{pair.commitment_id} {pair.commitment}")),
            Text(shown(f"{pair.achievement_id} {pair.achievement}")),
        )
    return table


def _problems_table(title: str, problems: Sequence[Problem]) -> Table:
    ordered = sorted(problems, key=lambda p: -p.lost_links)
    table = Table(title=f"{title} ({len(problems)}, first {min(SHOWN, len(problems))})", title_justify="left")
    table.add_column("line", no_wrap=True)
    table.add_column("substring", overflow="fold", max_width=TEXT_WIDTH)
    table.add_column("problem", overflow="fold")
    table.add_column("links\nlost", justify="right")
    for p in ordered[:SHOWN]:
        problem = f"{p.kind}: {p.reason}" if p.reason else f"{p.kind}: {p.matches} matches"
        table.add_row(Text(shown(Path(p.where).name)), Text(shown(p.text)), problem, str(p.lost_links))
    return table


def _status_errors_table(result: SetResult) -> Table:
    errors = result.status_errors
    table = Table(
        title=f"status errors ({len(errors)}, first {min(SHOWN, len(errors))})", title_justify="left"
    )
    table.add_column("承诺 commitment", overflow="fold", max_width=TEXT_WIDTH * 2)
    table.add_column("gold", no_wrap=True)
    table.add_column("predicted", no_wrap=True)
    for e in errors[:SHOWN]:
        table.add_row(
            Text(shown(f"{e['commitment_id']} {e['commitment']}")),
            f"{e['gold']} {label(e['gold'])}",
            f"{e['predicted']} {label(e['predicted'])}",
        )
    return table


def detail_renderables(report: EvalReport) -> list[RenderableType]:
    """Per-set scores, then for each set its confusion matrix and the first examples of each problem."""
    blocks: list[RenderableType] = [sets_table(report)]
    for result in report.sets:
        blocks.append(set_summary(result))
        confusion = confusion_table(result)
        if confusion is not None:
            blocks.append(confusion)
        for title, pairs in (
            ("false positives", result.false_positives),
            ("false negatives", result.false_negatives),
            (f"gold links outside the top {TOP_K}", result.missed_top_k),
            ("unjudged links", result.unjudged),
        ):
            if pairs:
                blocks.append(_pairs_table(f"{result.name}: {title}", pairs))
        if result.status_errors:
            blocks.append(_status_errors_table(result))
        for found in result.non_commitments_found:
            blocks.append(
                Text(
                    shown(
                        f"{result.name}: non-commitment {found['text']!r} extracted in {found['commitment_id']}"
                    )
                )
            )
        if result.unresolved:
            blocks.append(_problems_table(f"{result.name}: unresolved substrings", result.unresolved))
        if result.ambiguous:
            blocks.append(_problems_table(f"{result.name}: ambiguous substrings", result.ambiguous))
    return blocks


def render_eval(reports: Sequence[EvalReport], console: Console, *, detail: EvalReport | None = None) -> None:
    """Print the comparison of ``reports`` and the detail of ``detail`` (the only report if one)."""
    if detail is None and len(reports) == 1:
        detail = reports[0]
    blocks: list[RenderableType] = [comparison_table(reports)]
    if detail is not None:
        blocks.extend(detail_renderables(detail))
    for block in blocks:
        console.print(block)
        console.print()
