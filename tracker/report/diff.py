"""What changed between two JSON reports (``tracker report --format json``): statuses, and commitments
that appear in only one of them; plain data first, then a rich table or Markdown made from it.

Commitments are compared by stable id, so two reports made on different machines from the same
documents compare line for line.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.errors import InputFileError
from tracker.statuses import STATUS_STYLES, label, status_rank
from tracker.textnorm import clean_field, each_string

#: Characters of commitment text shown in the table before it folds.
TEXT_WIDTH = 50


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report read from ``path``, checked to hold a ``commitments`` list with ids and statuses.

    Raises:
        InputFileError: the file is missing, unreadable, not UTF-8, not JSON or not a report.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise InputFileError(str(path), "no such file") from error
    except UnicodeDecodeError as error:
        raise InputFileError(
            str(path), "not UTF-8", "use a file from 'tracker report --format json'"
        ) from error
    except OSError as error:
        raise InputFileError(str(path), f"cannot read: {error.strerror or error}") from error
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise InputFileError(
            str(path), "JSON nested too deeply", "use a file from 'tracker report --format json'"
        ) from error
    except json.JSONDecodeError as error:
        raise InputFileError(
            str(path),
            f"not valid JSON (line {error.lineno}: {error.msg})",
            "use a file from 'tracker report --format json'",
        ) from error
    check_report(data, str(path))
    # A report file is input like any other: what it says reaches the screen without escape sequences.
    return each_string(data, clean_field)  # type: ignore[no-any-return]


def check_report(data: Any, source: str) -> None:
    """Raise InputFileError unless ``data`` has the shape of SPEC.md "JSON report" that a diff reads."""
    hint = "use a file from 'tracker report --format json'"
    if not isinstance(data, dict) or not isinstance(data.get("commitments"), list):
        raise InputFileError(source, "not a JSON report: no 'commitments' list", hint)
    for number, c in enumerate(data["commitments"], start=1):
        if (
            not isinstance(c, dict)
            or not isinstance(c.get("id"), str)
            or not isinstance(c.get("status"), str)
        ):
            raise InputFileError(source, f"commitment {number} has no 'id' and 'status'", hint)


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The differences between two reports, as plain data (the ``--format json`` output).

    ``changed`` lists commitments in both reports whose status differs, in the new report's order;
    ``only_old``/``only_new`` those in one report only; ``transitions`` counts each old → new status
    pair among ``changed``, in the order of the status vocabulary.
    """
    old_rows = {c["id"]: c for c in old["commitments"]}
    new_rows = {c["id"]: c for c in new["commitments"]}
    changed = []
    unchanged = 0
    for cid, after in new_rows.items():
        before = old_rows.get(cid)
        if before is None:
            continue
        if before["status"] == after["status"]:
            unchanged += 1
            continue
        changed.append(
            _identity(after)
            | {
                "old_status": before["status"],
                "old_label": label(before["status"]),
                "old_source": before.get("status_source"),
                "new_status": after["status"],
                "new_label": label(after["status"]),
                "new_source": after.get("status_source"),
            }
        )
    pairs = Counter((c["old_status"], c["new_status"]) for c in changed)
    return {
        "old": _about(old),
        "new": _about(new),
        "changed": changed,
        "unchanged": unchanged,
        "only_old": [_alone(c) for cid, c in old_rows.items() if cid not in new_rows],
        "only_new": [_alone(c) for cid, c in new_rows.items() if cid not in old_rows],
        "transitions": [
            {
                "old_status": before,
                "old_label": label(before),
                "new_status": after,
                "new_label": label(after),
                "count": count,
            }
            for (before, after), count in sorted(pairs.items(), key=lambda item: _order(item[0]))
        ],
    }


def _about(report: dict[str, Any]) -> dict[str, Any]:
    return {"generated_at": report.get("generated_at"), "commitments": len(report["commitments"])}


def _identity(c: dict[str, Any]) -> dict[str, Any]:
    """The fields a diff names a commitment by, as text whatever type the file gave them."""
    return {
        "id": c["id"],
        "agency": _text(c.get("agency")),
        "period": c.get("period") if isinstance(c.get("period"), int) else _text(c.get("period")),
        "text": _text(c.get("text", "")),
    }


def _text(value: Any) -> str | None:
    return (
        None if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    )


def _alone(c: dict[str, Any]) -> dict[str, Any]:
    return _identity(c) | {"status": c["status"], "label": label(c["status"])}


def _order(pair: tuple[str, str]) -> tuple[int, int, str, str]:
    return status_rank(pair[0]), status_rank(pair[1]), pair[0], pair[1]


def summary_line(diff: dict[str, Any]) -> str:
    """``3 changed, 40 unchanged, 1 only in old, 2 only in new (old 44 commitments, new 45)``."""
    return (
        f"{len(diff['changed'])} changed, {diff['unchanged']} unchanged, "
        f"{len(diff['only_old'])} only in old, {len(diff['only_new'])} only in new "
        f"(old {diff['old']['commitments']} commitments, new {diff['new']['commitments']})"
    )


def render_diff_json(diff: dict[str, Any]) -> str:
    """The diff as JSON, Chinese kept readable."""
    return json.dumps(diff, ensure_ascii=False, indent=2) + "\n"


# --- Markdown ------------------------------------------------------------------------------------


def render_diff_markdown(diff: dict[str, Any]) -> str:
    """The diff as Markdown: a summary line, then the transitions, the changes and the lone commitments."""
    out = ["# Status changes", "", summary_line(diff), ""]
    if diff["transitions"]:
        out += ["## Transitions", "", "| old | new | count |", "|---|---|---:|"]
        out += [
            f"| {_md_status(t['old_status'])} | {_md_status(t['new_status'])} | {t['count']} |"
            for t in diff["transitions"]
        ]
        out.append("")
    if diff["changed"]:
        out += [
            "## Changed",
            "",
            "| id | agency | year | commitment | old | new |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {c['id']} | {_md(c['agency'])} | {_md(c['period'])} | {_md(c['text'])} "
            f"| {_md_status(c['old_status'])} | {_md_status(c['new_status'])} |"
            for c in diff["changed"]
        ]
        out.append("")
    for key, title in (("only_old", "Only in old"), ("only_new", "Only in new")):
        if diff[key]:
            out += [
                f"## {title}",
                "",
                "| id | agency | year | commitment | status |",
                "|---|---|---|---|---|",
            ]
            out += [
                f"| {c['id']} | {_md(c['agency'])} | {_md(c['period'])} | {_md(c['text'])} "
                f"| {_md_status(c['status'])} |"
                for c in diff[key]
            ]
            out.append("")
    return "\n".join(out)


def _md(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _md_status(status: str) -> str:
    return f"{label(status)} `{status}`"


# --- terminal ------------------------------------------------------------------------------------


def render_diff_table(diff: dict[str, Any], console: Console) -> None:
    """The diff as rich tables: transitions with counts, then each changed or lone commitment."""
    console.print(summary_line(diff), markup=False, highlight=False)
    if diff["transitions"]:
        table = Table(title="状态变化 transitions", title_justify="left")
        table.add_column("旧状态 old", no_wrap=True)
        table.add_column("新状态 new", no_wrap=True)
        table.add_column("数量", justify="right")
        for t in diff["transitions"]:
            table.add_row(_status(t["old_status"]), _status(t["new_status"]), str(t["count"]))
        console.print(table)
    if diff["changed"]:
        table = _statement_table("变化 changed")
        table.add_column("旧 → 新", min_width=12, overflow="fold")
        for c in diff["changed"]:
            arrow = Text.assemble(_status(c["old_status"]), " → ", _status(c["new_status"]))
            where = f"{c['agency'] or ''} {c['period'] or ''}".strip()
            table.add_row(Text(c["id"]), Text(where), Text(c["text"]), arrow)  # Text: never read as markup
        console.print(table)
    for key, title in (("only_old", "仅在旧报告 only in old"), ("only_new", "仅在新报告 only in new")):
        if diff[key]:
            table = _statement_table(title)
            table.add_column("状态", no_wrap=True)
            for c in diff[key]:
                where = f"{c['agency'] or ''} {c['period'] or ''}".strip()
                table.add_row(Text(c["id"]), Text(where), Text(c["text"]), _status(c["status"]))
            console.print(table)


def _statement_table(title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("ID", no_wrap=True)
    table.add_column("机构/年度", overflow="fold", min_width=8)
    table.add_column("承诺", overflow="fold", min_width=16, max_width=TEXT_WIDTH)
    return table


def _status(status: str) -> Text:
    return Text(f"{label(status)} {status}", style=STATUS_STYLES.get(status, ""))


def render_diff_text(diff: dict[str, Any], width: int = 120) -> str:
    """The rich tables as plain text, for ``-o FILE``."""
    buffer = io.StringIO()
    render_diff_table(diff, Console(file=buffer, width=width, no_color=True, highlight=False))
    return buffer.getvalue()
