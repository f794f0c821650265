"""Word .docx files: their paragraphs and tables in document order, as lines of text and task tables.

Read with python-docx, which opens the package (relationships, the main part wherever the package puts
it) and lays each table on its grid with merged cells repeated (``_Row.cells`` follows ``gridSpan`` and
``vMerge``). A paragraph's text is read from its XML here: python-docx's ``Paragraph.text`` leaves out
text inside tracked insertions (``w:ins``), content controls and fields, which Word shows as part of
the paragraph. Each paragraph becomes a line, an empty one a blank line, as in a .txt file; a table
becomes a task table or, if it is none, its cells' lines (:func:`tracker.ingest.task_tables.split_blocks`).
Headers, footers, comments and footnotes are page furniture and are not read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from tracker.errors import InputFileError
from tracker.ingest.packages import check_package
from tracker.ingest.task_tables import FoundTable, Grid, split_blocks

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _SDT_CONTENT, _TR, _TC = (f"{_W}{n}" for n in ("p", "tbl", "sdt", "sdtContent", "tr", "tc"))
_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
REPAIR_HINT = "open it in Word or WPS and save it again as .docx"


def read_docx(data: bytes, display_path: str) -> tuple[str, tuple[FoundTable, ...]]:
    """The text of a .docx file's body (paragraphs and the cells of tables that are no task tables, in
    document order) and its task tables.

    Raises:
        InputFileError: the file is not a Word document (not a zip package, a damaged one, an old .doc
            under a new name, another kind of package).
    """
    document = _open(data, display_path)
    try:
        lines, tables = split_blocks(_blocks(document.element.body))
    except (KeyError, ValueError, AttributeError) as error:
        raise InputFileError(display_path, "damaged Word document", REPAIR_HINT) from error
    return "\n".join(lines), tuple(tables)


def _open(data: bytes, display_path: str) -> Any:
    check_package(data, display_path, ".docx", REPAIR_HINT)
    import docx  # lxml and python-docx: loaded only when a .docx file is read
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as error:  # another kind of package: "file is not a Word file, content type is …"
        raise InputFileError(
            display_path, "not a Word document (another kind of package)", REPAIR_HINT
        ) from error
    except (PackageNotFoundError, KeyError, LxmlError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise InputFileError(display_path, "damaged Word document", REPAIR_HINT) from error


def _blocks(container: Any) -> Iterator[str | Grid]:
    """The paragraphs (as text) and tables (as grids) of a body or cell, in order; a content control's
    content is read in its place."""
    for child in container.iterchildren():
        if child.tag == _P:
            yield paragraph_text(child)
        elif child.tag == _TBL:
            yield _grid(child)
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _blocks(content)


def paragraph_text(p: Any) -> str:
    """The text Word shows for a paragraph: its runs, hyperlinks, fields' results and insertions
    (deleted text is ``w:delText``, never ``w:t``), a tab as a tab, a line break as a new line."""
    pieces: list[str] = []
    for node in p.iter():
        if node.tag in _TEXT:
            pieces.append(_TEXT[node.tag] or node.text or "")
    return "".join(pieces)


def _grid(tbl: Any) -> Grid:
    """A table on its layout grid: every row as wide as its cells span, a merged cell's text in every
    place it covers and one key for all of them (the element of the cell that holds the text)."""
    from docx.table import Table

    table = Table(tbl, None)  # type: ignore[arg-type]  # no parent needed to read
    rows: list[tuple[str, ...]] = []
    keys: list[tuple[int, ...]] = []
    texts: dict[int, str] = {}
    held: list[Any] = []  # the cells' elements stay alive, so no id is reused for another one
    for row in table.rows:
        cells = row.cells
        before = [""] * row.grid_cols_before
        row_keys = [-1 - index - 1000 * len(rows) for index in range(row.grid_cols_before)]
        for cell in cells:
            key = id(cell._tc)
            if key not in texts:
                texts[key] = _cell_text(cell._tc)
                held.append(cell._tc)
            row_keys.append(key)
        rows.append(tuple(before + [texts[k] for k in row_keys[len(before) :]]))
        keys.append(tuple(row_keys))
    return Grid(tuple(rows), tuple(keys))


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs, one per line; a table inside it adds its cells' lines."""
    lines: list[str] = []
    for block in _blocks(tc):
        if isinstance(block, str):
            lines.append(block)
        else:
            seen: set[int] = set()
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    if block.keys[r][c] not in seen:
                        seen.add(block.keys[r][c])
                        lines.append(text)
    return "\n".join(lines)
