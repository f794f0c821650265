"""Why a file found in a folder is not read: the one table of reasons, and the summary line of each.

A folder holds more than documents: pictures, archives, Word files of the old binary format, a file too
large to read. Each file the ingest does not read is named with its reason, one line per reason, and the
reasons that are documents left unread (an old Word file, a document type not read yet, a file too large
or unreadable) make the exit code non-zero. Hidden files and folders (``.git``, ``.DS_Store``), Office lock
files (``~$计划.docx``) and the system's own files (``Thumbs.db``) are nobody's documents and are passed
over silently.

Which suffixes are read is :data:`tracker.ingest.reading.SUPPORTED_SUFFIXES` alone: adding a reader's
suffix there takes it out of the reasons below (a ``.docx`` reader makes ``.docx`` files read, and the
conversion of old ``.doc`` files aims at ``.docx`` from then on).
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tracker.ingest import reading
from tracker.ingest.packages import OLD_FORMATS

Reason = Literal["not_document", "old_office", "other_document", "too_large", "unreadable"]

#: Office's binary formats before .docx and .xlsx (and WPS Office's own), which soffice converts, and
#: what each converts to.
OLD_OFFICE_TARGETS = {suffix: target for suffix, (_what, target) in OLD_FORMATS.items()} | {".dot": ".docx"}
#: Document formats without a reader (yet): a document left unread, not a stray file.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".xlsx", ".et", ".odt", ".rtf", ".ppt", ".pptx", ".dps", ".ofd")
#: Files of the system, not of their owner, passed over like hidden ones (Windows, macOS archives).
_SYSTEM_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}

#: ``(Chinese, English)`` wording of each reason, and whether it counts as a document that failed.
_WORDING: dict[Reason, tuple[str, str]] = {
    "not_document": ("不是文档", "not a document"),
    "old_office": ("旧版 Office 格式", "old Office format"),
    "other_document": ("暂不支持的文档格式", "document format not read"),
    "too_large": ("文件过大", "too large"),
    "unreadable": ("无法读取", "unreadable"),
}
FAILURES: frozenset[Reason] = frozenset({"old_office", "other_document", "too_large", "unreadable"})


@dataclass(frozen=True)
class Skipped:
    """A file of a folder that was not read, and why (``detail``: the OS's words for ``unreadable``)."""

    path: Path
    reason: Reason
    detail: str = ""


def is_ignored(path: Path, folder: Path) -> bool:
    """Whether a file under ``folder`` is silently passed over: a hidden file or one in a hidden folder
    (``.git/…``), an Office lock file (``~$…``), or a system file, counted from ``folder`` down."""
    for part in path.relative_to(folder).parts:
        if part.startswith((".", "~$")) or part.lower() in _SYSTEM_NAMES:
            return True
    return False


def why_not_read(path: Path) -> Skipped | None:
    """Why the ingest of a folder does not read ``path`` (None: it is read).

    A file of a supported type is looked at on disk: it must be a regular file (a broken link, a pipe
    or a device is unreadable) of at most ``MAX_FILE_BYTES``.
    """
    suffix = path.suffix.lower()
    if suffix not in reading.SUPPORTED_SUFFIXES:
        if suffix in OLD_OFFICE_TARGETS:
            return Skipped(path, "old_office")
        if suffix in DOCUMENT_SUFFIXES:
            return Skipped(path, "other_document")
        return Skipped(path, "not_document")
    try:
        status = path.stat()
    except OSError as error:
        detail = "broken link" if path.is_symlink() else (error.strerror or str(error))
        return Skipped(path, "unreadable", detail)
    if not stat.S_ISREG(status.st_mode):
        return Skipped(path, "unreadable", "not a regular file")
    if not os.access(path, os.R_OK):
        return Skipped(path, "unreadable", "permission denied")
    if status.st_size > reading.MAX_FILE_BYTES:
        return Skipped(path, "too_large")
    return None


def converted(skipped: Skipped, siblings: set[Path]) -> bool:
    """Whether an old Word file already has a converted copy beside it that is read (``计划.doc`` with
    ``计划.docx`` or ``计划.txt``): it was read through that copy."""
    return skipped.reason == "old_office" and any(
        skipped.path.with_suffix(suffix) in siblings for suffix in reading.SUPPORTED_SUFFIXES
    )


def summary_lines(skipped: Sequence[Skipped], name: Callable[[Path], str]) -> list[str]:
    """One line per reason, naming every file (``name`` gives a file's shown name):

    ``未读取 2 个文件 not read: 不是文档 not a document (.png, .zip): a.png, b.zip``
    """
    lines = []
    for reason in _WORDING:
        files = [s for s in skipped if s.reason == reason]
        if not files:
            continue
        chinese, english = _WORDING[reason]
        kinds = sorted({s.path.suffix.lower() or "(no suffix)" for s in files})
        what = f" ({', '.join(kinds)})" if reason in ("not_document", "old_office", "other_document") else ""
        names = ", ".join(name(s.path) + (f" ({s.detail})" if s.detail else "") for s in files)
        line = f"未读取 {len(files)} 个文件 not read: {chinese} {english}{what}: {names}"
        hint = _hint(reason, [s.path for s in files], name)
        lines.append(f"{line} ({hint})" if hint else line)
    return lines


def _hint(reason: Reason, paths: list[Path], name: Callable[[Path], str]) -> str:
    if reason == "old_office":
        return "转换 convert: " + "; ".join(conversion_commands(paths, name))
    if reason == "too_large":
        return f"over {reading.size_limit()}: split the document or give only its text"
    if reason == "other_document":
        readable = ", ".join(reading.SUPPORTED_SUFFIXES)
        return f"tracker reads {readable}: save the document as one of them"
    return ""


def conversion_commands(paths: Iterable[Path], name: Callable[[Path], str]) -> list[str]:
    """The soffice commands that convert old office files to the format that is read (.doc to .docx, .xls
    to .xlsx), beside the originals: one command per folder and target."""
    groups: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        shown = name(path)
        target = OLD_OFFICE_TARGETS[path.suffix.lower()][1:]
        groups.setdefault((shown.rpartition("/")[0] or ".", target), []).append(shown)
    return [
        " ".join(
            _quoted(word)
            for word in ["soffice", "--headless", "--convert-to", target, "--outdir", folder, *files]
        )
        for (folder, target), files in groups.items()
    ]


_SHELL_SPECIAL = re.compile(r"""[\s'"\\$`!*?\[\]{}()<>|&;#~]""")


def _quoted(word: str) -> str:
    """A word as a POSIX shell reads it: quoted only when it holds a space or a character the shell
    acts on (``shlex.quote`` also quotes every Chinese name, which is harder to read and to edit)."""
    return shlex.quote(word) if not word or _SHELL_SPECIAL.search(word) else word
