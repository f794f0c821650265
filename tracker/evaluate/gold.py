"""Reading gold files (format: README, "Evaluation"): JSON Lines of evidence, status and non-commitment lines.

Parsing is strict because a silently skipped gold line changes every score computed from the file:
bad JSON, an unknown line shape, a misspelt key or a wrong value type is a TrackerError naming the
file and the line. Blank lines are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tracker.errors import InputFileError, TrackerError
from tracker.files import json_lines, read_utf8
from tracker.statuses import parse_status, status_choices

LineKind = Literal["evidence", "status", "non_commitment"]

#: The key that tells a line's kind -> every key such a line may have.
_SHAPES: dict[str, tuple[LineKind, frozenset[str]]] = {
    "evidence": ("evidence", frozenset({"set", "evidence", "commitments", "optional"})),
    "commitment": ("status", frozenset({"set", "commitment", "status"})),
    "non_commitment": ("non_commitment", frozenset({"set", "non_commitment"})),
}

_SHAPE_HINT = (
    'expected {"set", "evidence", "commitments", "optional"}, {"set", "commitment", "status"} '
    'or {"set", "non_commitment"}'
)


@dataclass(frozen=True)
class GoldLine:
    """One line of a gold file.

    ``text`` is the evidence substring (evidence lines) or the commitment substring (status and
    non-commitment lines), as written; ``where`` is ``file:line`` for messages.
    """

    where: str
    set: str
    kind: LineKind
    text: str
    commitments: tuple[str, ...] = ()
    optional: bool = False
    status: str | None = None


def load_gold(paths: Iterable[str | Path]) -> list[GoldLine]:
    """Every line of every file, in order.

    Raises:
        InputFileError: a file is missing, unreadable, not UTF-8 or holds no gold line.
        TrackerError: a line is not a gold line (the message starts with ``file:line``).
    """
    lines: list[GoldLine] = []
    for path in paths:
        path = Path(path)
        parsed = parse_gold(read_utf8(path, "gold files"), str(path))
        if not parsed:
            raise InputFileError(
                str(path),
                "holds no gold line",
                "one JSON object per line, see the README's section Evaluation",
            )
        lines.extend(parsed)
    return lines


def parse_gold(text: str, source: str = "<gold>") -> list[GoldLine]:
    """The gold lines of one file's text; ``source`` names the file in error messages."""
    lines: list[GoldLine] = []
    for where, _number, data in json_lines(text, source, "one JSON object per line"):
        lines.append(_line(data, where))
    return lines


def _line(data: Any, where: str) -> GoldLine:
    if not isinstance(data, dict):
        raise TrackerError(f"{where}: not a JSON object", _SHAPE_HINT)
    kinds = [key for key in _SHAPES if key in data]
    if len(kinds) != 1:
        raise TrackerError(f"{where}: unknown gold line shape", _SHAPE_HINT)
    kind, allowed = _SHAPES[kinds[0]]
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise TrackerError(f"{where}: unknown key {unknown[0]!r} in a {kind} line", _SHAPE_HINT)
    name = _text(data, "set", where)
    if kind == "evidence":
        commitments = data.get("commitments")
        if not isinstance(commitments, list):
            raise TrackerError(f"{where}: 'commitments' must be a list of substrings", "use [] for none")
        optional = data.get("optional", False)
        if not isinstance(optional, bool):
            raise TrackerError(f"{where}: 'optional' must be true or false")
        return GoldLine(
            where,
            name,
            kind,
            _text(data, "evidence", where),
            tuple(_text({"commitments": c}, "commitments", where) for c in commitments),
            optional,
        )
    if kind == "status":
        typed = data.get("status")
        status = parse_status(typed) if isinstance(typed, str) else None
        if status is None:
            raise TrackerError(f"{where}: unknown status {typed!r}", "use one of " + status_choices())
        return GoldLine(where, name, kind, _text(data, "commitment", where), status=status)
    return GoldLine(where, name, kind, _text(data, "non_commitment", where))


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TrackerError(f"{where}: {key!r} must be a non-empty string")
    return value
