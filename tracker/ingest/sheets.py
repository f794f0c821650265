"""Excel .xlsx workbooks: each sheet's rows, as task tables or as lines of text.

Read with openpyxl in read-only mode, which streams a sheet's XML row by row instead of building every
cell in memory, and with cached formula results (``data_only``). Read-only mode keeps a merged cell's
text in its top-left cell only, so a task table read from a sheet lets an empty unit or deadline cell
take the one above (:class:`tracker.ingest.task_tables.FoundTable` ``fill_down``). A sheet that holds no
task table is text: its cells row by row, each a line. Figures read as written (``1`` not ``1.0``), a
date cell as ``2024年6月30日`` so the ingest rules read it as a date.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

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
                    grid = Grid(tuple(_rows(sheet)))
                    found, sheet_tables = split_blocks([grid], sheet=str(sheet.title), fill_down=True)
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
