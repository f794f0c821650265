"""Office files as zip packages: what is checked before python-docx or openpyxl reads one, and how an
old binary office file (.doc, .wps, .xls) is to be converted before it can be read."""

from __future__ import annotations

import io
import re
import shlex
import zipfile
import zlib

from tracker.errors import InputFileError

#: A package whose parts unpack to more than this is refused before a library reads it: a real plan
#: with its pictures is a few MB, a zip bomb is gigabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: The first bytes of an OLE2 compound file: an old binary .doc, .xls or .wps, or an encrypted .docx.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Binary office formats read only once converted: the suffix, what it is, and what it converts to.
OLD_FORMATS = {
    ".doc": ("old binary Word file (.doc)", ".docx"),
    ".wps": ("WPS document (.wps)", ".docx"),
    ".xls": ("old binary Excel file (.xls)", ".xlsx"),
}


def convert_hint(display_path: str, target: str) -> str:
    """The command that converts a file to ``target`` (``.docx``), with its name as one shell word."""
    name = display_path if re.fullmatch(r"[\w@%+=:,./-]+", display_path) else shlex.quote(display_path)
    return f"convert it to {target}: soffice --headless --convert-to {target[1:]} {name}"


def check_package(data: bytes, display_path: str, suffix: str, hint: str) -> None:
    """Refuse what is no sound zip package before a library reads it: an old binary (or encrypted) file
    under a new name, a damaged archive or part, an encrypted part, a package that would unpack to more
    than ``MAX_UNPACKED_BYTES``.

    Raises:
        InputFileError: one of those, named for the file's kind (``suffix``: ``.docx`` or ``.xlsx``).
    """
    if data.startswith(OLE2_MAGIC):
        old = {".docx": ".doc", ".xlsx": ".xls"}[suffix]
        raise InputFileError(
            display_path,
            f"an old binary {old} file or a password-protected one, not a {suffix} file",
            "remove the password, or " + convert_hint(display_path, suffix),
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputFileError(
                    display_path,
                    f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB",
                    "give only its text",
                )
            damaged = (
                archive.testzip()
            )  # every part read once: a damaged one is named here, not deep in a library
    except RuntimeError as error:  # zipfile's word for an encrypted part
        raise InputFileError(
            display_path, f"a password-protected {suffix} file", "remove the password"
        ) from error
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, zlib.error, OSError) as error:
        raise InputFileError(display_path, f"not a valid {suffix} file (not a zip package)", hint) from error
    if damaged is not None:
        raise InputFileError(display_path, f"damaged {suffix} file (its part {damaged} is broken)", hint)
