"""``tracker statuses``: the seven statuses, what each means and who sets it, as a table or as JSON.

The texts are :data:`tracker.statuses.STATUS_MEANINGS` and its neighbours, the same the README, the
review UI's help and the HTML report's legend show, so the product explains its verdicts one way.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.cli.plumbing import require_stdout
from tracker.statuses import (
    STATUS_DISTINCTION,
    STATUS_LABELS,
    STATUS_MEANINGS,
    STATUS_SET_BY,
    STATUS_STYLES,
    STATUSES,
)


def status_rows() -> list[dict[str, str]]:
    """One dict per status, in report order: the JSON of ``tracker statuses --json``."""
    return [
        {
            "id": status,
            "label": STATUS_LABELS[status],
            "meaning": STATUS_MEANINGS[status][0],
            "meaning_en": STATUS_MEANINGS[status][1],
            "set_by": STATUS_SET_BY[status][0],
            "set_by_en": STATUS_SET_BY[status][1],
        }
        for status in STATUSES
    ]


@click.command("statuses")
@click.option("--json", "as_json", is_flag=True, help="Print the statuses as a JSON list instead of a table.")
@click.option("--english", is_flag=True, help="Add the English meaning under each Chinese one.")
def statuses(as_json: bool, english: bool) -> None:
    """Say what each status means and who sets it (the matcher, a reviewer, or either).

    A status can be typed by its id or its Chinese label wherever a command takes one (annotate
    status, report --status). Needs no database.

    \b
    Examples:
      tracker statuses
      tracker statuses --english
      tracker statuses --json > statuses.json
    """
    if as_json:
        click.echo(json.dumps(status_rows(), ensure_ascii=False, indent=2))
        return
    require_stdout()
    table = Table(title="状态 statuses", title_justify="left", show_lines=True, highlight=False, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("标签", no_wrap=True)
    table.add_column("含义 meaning", ratio=3, overflow="fold")  # Chinese has no spaces to wrap at
    table.add_column("由谁设定", ratio=1, overflow="fold")
    for row in status_rows():
        meaning = Text(row["meaning"])
        set_by = Text(row["set_by"])
        if english:
            meaning.append("\n" + row["meaning_en"], style="dim")
            set_by.append("\n" + row["set_by_en"], style="dim")
        table.add_row(row["id"], Text(row["label"], style=STATUS_STYLES[row["id"]]), meaning, set_by)
    console = Console(highlight=False)
    console.print(table)
    console.print(STATUS_DISTINCTION[0], markup=False)
    if english:
        console.print(STATUS_DISTINCTION[1], style="dim", markup=False)
