"""Excel .xlsx workbooks: each sheet's rows, as task tables or as lines of text.

Read with openpyxl in read-only mode, which streams a sheet's XML row by row instead of building every
cell in memory, and with cached formula results (``data_only``). Read-only mode gives a merged cell's
text in its top-left cell only and no merged ranges, so the ranges (``<mergeCell ref="C3:C4"/>``, after
the rows in the sheet's XML) are read here and each merged cell's text laid in every place it covers,
as Word and HTML tables are read. A sheet that holds no task table is text: its cells row by row, each
a line, a merged cell once. Figures read as written (``1`` not ``1.0``), a date cell as ``2024年6月30日``
so the ingest rules read it as a date.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from tracker.errors import InputFileError
from tracker.ingest.packages import check_package
from tracker.ingest.task_tables import FoundTable, Grid, clean_cell, split_blocks

REPAIR_HINT = "open it in Excel or WPS and save it again as .xlsx"
#: Rows read from one sheet at most: a task table has tens or hundreds; a sheet whose XML claims a
#: million rows (or a formatted but empty range) is cut there instead of taking minutes.
MAX_ROWS = 20_000
#: Columns read from one row at most (a task table has under a dozen).
MAX_COLUMNS = 64


def read_xlsx(data: bytes, display_path: str) -> tuple[str, tuple[FoundTable, ...]]:
    """The text of a workbook's sheets that hold no task table, and its task tables (one per sheet, the
    sheet's rows above the header being its title).

    Raises:
        InputFileError: not an .xlsx package, or a damaged one.
    """
    check_package(data, display_path, ".xlsx", REPAIR_HINT)
    import openpyxl  # loaded only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    lines: list[str] = []
    tables: list[FoundTable] = []
    # openpyxl warns about what it leaves out (data validation, an unknown extension, a missing default
    # style); none of it is text, and stderr is for one line per problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    grid = _merged(list(_rows(sheet)), _merged_ranges(book, sheet))
                    found, sheet_tables = split_blocks([grid], sheet=str(sheet.title))
                    lines.extend(found)
                    tables.extend(sheet_tables)
            finally:
                book.close()
        except InvalidFileException as error:
            raise InputFileError(display_path, "not an Excel .xlsx workbook", REPAIR_HINT) from error
        except (
            KeyError,
            ValueError,
            TypeError,
            IndexError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
        ) as error:
            raise InputFileError(display_path, "damaged Excel workbook", REPAIR_HINT) from error
        except SyntaxError as error:  # xml.etree's ParseError and lxml's XMLSyntaxError both derive from it
            raise InputFileError(display_path, "damaged Excel workbook", REPAIR_HINT) from error
    return "\n".join(lines), tuple(tables)


def _rows(sheet: Any) -> Iterator[tuple[str, ...]]:
    """A sheet's rows as cell texts, up to ``MAX_ROWS`` rows of ``MAX_COLUMNS`` cells; trailing blank
    rows and cells are not kept."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # a stored size is often wrong (A1:XFD1048576): read the rows present
    blank = 0
    for count, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
        if count >= MAX_ROWS:
            break
        row = list(_text(value) for value in values)
        while row and not row[-1]:
            row.pop()
        if not row:
            blank += 1
            continue
        yield from [()] * blank
        blank = 0
        yield tuple(row)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return clean_cell(str(value))


def _merged_ranges(book: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first column, first row, last column, last row), counting from 1.

    openpyxl's read-only sheet keeps its archive and its part's name (``_archive``, ``_worksheet_path``)
    but not the ranges its parser skips; the part is read again for them alone. A sheet without those
    attributes (another openpyxl) gives none: its merged cells then stay in their top-left cell.
    """
    from openpyxl.utils.cell import range_boundaries

    archive, part = getattr(book, "_archive", None), getattr(sheet, "_worksheet_path", None)
    if archive is None or not part:
        return []
    ranges: list[tuple[int, int, int, int]] = []
    with archive.open(part) as source:
        for _event, element in ElementTree.iterparse(source):
            if element.tag == _MERGE_CELL and (ref := element.get("ref")):
                bounds = range_boundaries(ref)
                if all(isinstance(b, int) for b in bounds):
                    ranges.append(bounds)  # type: ignore[arg-type]
            elif element.tag == _ROW:
                element.clear()  # the rows were read already; keep memory flat
    return ranges


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MERGE_CELL, _ROW = f"{_MAIN}mergeCell", f"{_MAIN}row"


def _merged(rows: list[tuple[str, ...]], ranges: list[tuple[int, int, int, int]]) -> Grid:
    """The rows with each merged range's top-left text in every place it covers, and one key for them."""
    width = min(MAX_COLUMNS, max((len(row) for row in rows), default=0))
    grid = [list(row) + [""] * (width - len(row)) for row in rows]
    keys = [[r * width + c for c in range(width)] for r in range(len(grid))]
    for first_column, first_row, last_column, last_row in ranges:
        top, left = first_row - 1, first_column - 1
        if top >= len(grid) or left >= width:
            continue
        text, key = grid[top][left], keys[top][left]
        for r in range(top, min(last_row, len(grid))):
            for c in range(left, min(last_column, width)):
                grid[r][c], keys[r][c] = text, key
    return Grid(tuple(tuple(row) for row in grid), tuple(tuple(row) for row in keys))
