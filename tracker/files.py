"""Reading a small UTF-8 text file that the user names (gold files, exchanged decisions), with every
failure as one :class:`InputFileError` line."""

from __future__ import annotations

from pathlib import Path

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
