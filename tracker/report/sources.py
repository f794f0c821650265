"""How a report names the documents it quotes: never by an absolute path of the machine it ran on.

A document is stored under its displayed path (``tracker.ingest.batch.display_path``): relative to the
folder ``tracker ingest`` ran in when the file lay inside it, else absolute, and a web page under its
address. The stored path is the document's identity (its id is derived from it), so it stays as it is;
only what a report shows changes. An absolute path is shown relative to the current folder when the
file lies under it, else by its file name, with as many of its folders in front as it takes to tell it
apart from every other document shown (``a/计划.txt`` and ``b/计划.txt``). A report written on one machine
and published on another then says nothing about the first one's folders or user name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlmodel import Session, select

from tracker.store.models import Document


def is_absolute(path: str) -> bool:
    """Whether a stored path names a place on one machine (``/home/…``, ``C:/…``, ``\\\\server\\…``)."""
    return PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()


def shown_names(paths: Iterable[str], cwd: Path | None = None) -> dict[str, str]:
    """Stored path -> the name a report gives it: relative paths and addresses as they are, absolute
    paths relative to ``cwd`` (default: the current folder) when under it, else the shortest tail of
    folders and file name that no other document's shown name has."""
    stored = list(dict.fromkeys(paths))
    names = {p: p for p in stored if not is_absolute(p)}
    outside: list[str] = []
    here = (cwd or Path.cwd()).resolve()
    for path in stored:
        if path not in names:
            inside = _relative_to(path, here)
            if inside is None:
                outside.append(path)
            else:
                names[path] = inside
    taken = set(names.values())
    tails = {path: _parts(path) for path in outside}
    for path, parts in tails.items():
        others = [p for other, p in tails.items() if other != path]
        for depth in range(1, len(parts) + 1):
            tail = parts[-depth:]
            if "/".join(tail) not in taken and all(o[-depth:] != tail for o in others):
                break
        names[path] = "/".join(tail)
    return names


def _relative_to(path: str, folder: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(folder).as_posix()
    except (ValueError, OSError):
        return None


def _parts(path: str) -> tuple[str, ...]:
    """The folders and file name of an absolute path, without its root (``/``, ``C:\\``)."""
    pure = PureWindowsPath(path) if PureWindowsPath(path).drive else PurePosixPath(path)
    return tuple(part for part in pure.parts if part != pure.anchor) or (path,)


def document_facts(session: Session) -> dict[str, dict[str, Any]]:
    """Document id -> ``document`` (the name shown, see :func:`shown_names`), ``document_title`` (the
    title read from the text; empty when none was found) and ``source_url`` (the address a web page was
    read from, or that ``tracker ingest --source-url`` gave a file; None otherwise), in one query."""
    query = select(Document.id, Document.path, Document.title, Document.source_url)  # type: ignore[call-overload]
    rows = session.exec(query).all()
    names = shown_names(path for _id, path, _title, _url in rows)
    return {
        doc_id: {"document": names[path], "document_title": title or "", "source_url": url}
        for doc_id, path, title, url in rows
    }
