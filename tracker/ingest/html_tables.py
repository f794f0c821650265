"""Task tables in a web page: the ``<table>`` elements whose header row names the task table columns,
laid on their grid (``rowspan`` and ``colspan`` repeat a cell's text in every place it covers).

Only tables with no table inside are looked at: an old page lays out its whole article in a table, and
that is text. A page's other tables stay text as they always were (:func:`tracker.ingest.reading.html_to_text`).
The parse tree is read through ``.contents`` only (see ``reading._ContentsOnlySoup``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bs4 import Tag

from tracker.ingest.task_tables import HEADER_SEARCH_ROWS, Grid, find_header

#: The most columns a cell may span (rows: as many as the table has); a table laid on a grid of more
#: than ``MAX_CELLS`` places is no task table.
MAX_SPAN = 50
MAX_CELLS = 100_000
_SECTIONS = {"thead", "tbody", "tfoot"}


def task_table_tags(root: Tag, cell_text: Callable[[Tag], str]) -> list[tuple[Tag, Grid]]:
    """The task tables under ``root`` in document order, each with its grid; ``cell_text`` flattens a
    cell the way the page's text is flattened."""
    found = []
    for table in _tables(root):
        rows = list(_rows(table))
        # the header is among the first rows: a large data table is laid out only if it is a task table
        head = _grid(rows[:HEADER_SEARCH_ROWS], cell_text)
        if head is None or find_header(head.rows) is None:
            continue
        grid = _grid(rows, cell_text)
        if grid is not None:
            found.append((table, grid))
    return found


def _tables(root: Tag) -> list[Tag]:
    """Every ``<table>`` with no ``<table>`` inside it, in document order, in one walk (an explicit
    stack: pages nest deeply, and old ones leave 20,000 tables unclosed)."""
    stack: list[tuple[Iterator[object], Tag | None]] = [(iter(root.contents), None)]
    path: list[Tag] = []  # the tables open above the current node
    nested: set[int] = set()  # the tables that hold another
    order: list[Tag] = []
    while stack:
        node = next(stack[-1][0], None)
        if node is None:
            if stack.pop()[1] is not None:
                path.pop()
            continue
        if not isinstance(node, Tag):
            continue
        table = node if node.name == "table" else None
        if table is not None:
            if path:
                nested.add(id(path[-1]))
            order.append(table)
            path.append(table)
        stack.append((iter(node.contents), table))
    return [table for table in order if id(table) not in nested]


def _rows(table: Tag) -> Iterator[Tag]:
    for child in table.contents:
        if isinstance(child, Tag):
            if child.name == "tr":
                yield child
            elif child.name in _SECTIONS:
                yield from (row for row in child.contents if isinstance(row, Tag) and row.name == "tr")


def _span(cell: Tag, name: str, cap: int) -> int:
    value = cell.get(name)
    text = value if isinstance(value, str) else ""
    digits = "".join(c for c in text.strip() if c.isdigit())[:6]
    return max(1, min(int(digits) if digits else 1, cap))


def _grid(rows: list[Tag], cell_text: Callable[[Tag], str]) -> Grid | None:
    """The rows on their grid; None when there are none, or more than ``MAX_CELLS`` places."""
    if not rows:
        return None
    filled: dict[tuple[int, int], tuple[str, int]] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in (x for x in row.contents if isinstance(x, Tag) and x.name in ("td", "th")):
            while (r, c) in filled:
                c += 1
            down, across = _span(cell, "rowspan", len(rows) - r), _span(cell, "colspan", MAX_SPAN)
            if len(filled) + down * across > MAX_CELLS:
                return None
            text, key = cell_text(cell), id(cell)
            for dr in range(down):
                for dc in range(across):
                    filled[(r + dr, c + dc)] = (text, key)
            c += across
        width = max(width, c)
    empty = ("", 0)
    grid = [[filled.get((r, c), empty) for c in range(width)] for r in range(len(rows))]
    return Grid(
        tuple(tuple(text for text, _key in row) for row in grid),
        tuple(
            tuple(key or -1 - c - r * width for c, (_text, key) in enumerate(row))
            for r, row in enumerate(grid)
        ),
    )
