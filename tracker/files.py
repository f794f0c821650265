"""Reading a small UTF-8 text file that the user names (gold files, exchanged decisions), and its JSON
Lines, with every failure as one :class:`InputFileError` line that names the file (and the line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.errors import InputFileError


def read_utf8(path: Path, what: str) -> str:
    """The text of ``path`` (a UTF-8 BOM is dropped); ``what`` names the kind of file in the hint.

    Raises:
        InputFileError: the file is missing, unreadable or not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise InputFileError(str(path), "no such file") from error
    except UnicodeDecodeError as error:
        raise InputFileError(str(path), "not UTF-8", f"{what} are UTF-8 JSON Lines") from error
    except OSError as error:
        raise InputFileError(str(path), f"cannot read: {error.strerror or error}") from error


def json_lines(text: str, source: str, hint: str) -> Iterator[tuple[str, int, Any]]:
    """``(where, line number, value)`` of each non-blank line of a JSON Lines text; ``where`` is
    ``source:line``, for messages.

    Lines end at ``\\n`` only (a ``\\r\\n`` ending is tolerated): U+2028, U+2029, U+0085 and the other
    characters :meth:`str.splitlines` also breaks at may stand unescaped inside a JSON string, and
    are part of the value there.

    Raises:
        InputFileError: a line is not JSON (``hint`` says what the file should hold).
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        try:
            data = json.loads(raw.removesuffix("\r"))
        except json.JSONDecodeError as error:
            raise InputFileError(where, f"not valid JSON ({error.msg})", hint) from error
        except RecursionError as error:
            raise InputFileError(where, "JSON nested too deeply", hint) from error
        yield where, number, data
