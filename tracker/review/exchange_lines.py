"""The file format of exchanged review decisions: JSON Lines, one decision per line, as
``tracker export-annotations`` writes it (:func:`render_jsonl`); reading a file checks every line and
names the first bad one (``file:line``) so an import never starts on a file it cannot finish.

Every string a database holds survives the trip: lines end at ``\\n`` only
(:func:`tracker.files.json_lines`), not at every character :meth:`str.splitlines` breaks at, so a note
may hold U+2028 and U+2029 (written escaped, but raw in files of older versions), a newline, a tab, an
emoji or a lone combining mark. What no database can hold is refused, the same on SQLite and PostgreSQL: a NUL (U+0000)
or a lone surrogate (``\\ud800`` in JSON, half of a character) in any text field stops the import at
that line, before anything is written. The note and the reviewer's name are stored as
:func:`tracker.textnorm.clean_field` leaves them, without control characters (U+0085 among them) or
terminal escape sequences, as every decision is; a note with nothing left is refused as a note without
text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker.errors import InputFileError
from tracker.files import json_lines, read_utf8
from tracker.statuses import (
    DECISION_ACTIONS,
    HISTORY_ACTIONS,
    HISTORY_RELATIONS,
    LINK_ACTIONS,
    YEARS,
    parse_status,
    status_choices,
)
from tracker.textnorm import clean_field
from tracker.times import utc

_HINT = "one JSON object per line, as 'tracker export-annotations' writes"
_NEVER_STORED = "no decision may hold one; nothing of the file was applied"
#: Half of a UTF-16 pair on its own: JSON can write one (``\\ud800``), no database can store it.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class DecisionLine:
    """One line of an export file, checked; ``line`` is its line number."""

    line: int
    action: str
    commitment_id: str
    commitment_text: str
    agency: str | None
    period: int | None
    achievement_id: str | None
    achievement_text: str | None
    achievement_agency: str | None
    achievement_period: int | None
    value: str | None
    reviewer: str
    created_at: datetime
    retracted: bool = False
    retracted_by: str | None = None
    retracted_at: datetime | None = None
    #: an assignment line (``action`` :data:`ASSIGN`): the reviewer's role on the commitment (1 or 2) and
    #: its place in their worklist
    role: int | None = None
    position: int | None = None


#: The action of a line that puts a commitment on a reviewer's worklist (``tracker assign``): not a
#: decision, and not in the log; an import stores it as an assignment.
ASSIGN = "assign"


#: What ``json.dumps`` leaves raw in a string but a line reader may break at (``str.splitlines``,
#: JavaScript): written as escapes, which mean the same character in JSON.
_LINE_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def render_jsonl(records: Sequence[dict[str, Any]]) -> str:
    """One JSON object per line, Chinese kept readable, every line break inside a string escaped."""
    return "".join(json.dumps(record, ensure_ascii=False).translate(_LINE_SAFE) + "\n" for record in records)


def read_lines(path: Path) -> list[DecisionLine]:
    """The decisions of an export file, in order.

    Raises:
        InputFileError: the file is unreadable, not UTF-8, holds no decision, or a line is not JSON or
            lacks a field (the message starts with ``file:line``).
    """
    lines = parse_lines(read_utf8(path, "export files"), str(path))
    if not lines:
        raise InputFileError(str(path), "holds no decision", _HINT)
    return lines


def parse_lines(text: str, source: str = "<annotations>") -> list[DecisionLine]:
    """The decisions of one file's text (blank lines skipped); ``source`` names the file in errors."""
    lines = []
    for where, number, data in json_lines(text, source, _HINT):
        lines.append(_decision_line(data, where, number))
    return lines


def _decision_line(data: Any, where: str, number: int) -> DecisionLine:
    if not isinstance(data, dict):
        raise InputFileError(where, "not a JSON object", _HINT)
    fields = _Fields(data, where)
    action = fields.text("action")
    if action == ASSIGN:
        return _assignment_line(data, fields, where, number)
    if action not in DECISION_ACTIONS:
        raise InputFileError(where, f"unknown action {action!r}", "use one of " + ", ".join(DECISION_ACTIONS))
    value = fields.optional_text("value")
    if action in HISTORY_ACTIONS and value not in HISTORY_RELATIONS:
        raise InputFileError(
            where, f"unknown history relation {value!r}", "use one of " + ", ".join(HISTORY_RELATIONS)
        )
    # a link, a continuation and a repetition name a second statement; a drop does not
    pair = action in LINK_ACTIONS or (action in HISTORY_ACTIONS and value != "dropped")
    if action == "status":
        status = parse_status(value or "")  # written by hand: 已兑现 as well as fulfilled
        if status is None:
            raise InputFileError(where, f"unknown status {value!r}", "use one of " + status_choices())
        value = status
    if action == "note" and not clean_field(value or "").strip():
        raise InputFileError(where, "a note without text")
    retracted = data.get("retracted", False)
    if not isinstance(retracted, bool):
        raise InputFileError(where, "'retracted' must be true or false")
    return DecisionLine(
        line=number,
        action=action,
        commitment_id=fields.text("commitment_id"),
        commitment_text=fields.text("commitment_text", empty=True),
        agency=fields.optional_text("agency", required=True),
        period=fields.optional_int("period", required=True),
        achievement_id=fields.text("achievement_id") if pair else None,
        achievement_text=fields.optional_text("achievement_text"),
        achievement_agency=fields.optional_text("achievement_agency"),
        achievement_period=fields.optional_int("achievement_period"),
        value=value,
        reviewer=fields.text("reviewer", empty=True),
        created_at=fields.time("created_at"),
        retracted=retracted,
        retracted_by=fields.optional_text("retracted_by"),
        retracted_at=fields.time("retracted_at") if retracted and data.get("retracted_at") else None,
    )


def _assignment_line(data: dict[str, Any], fields: _Fields, where: str, number: int) -> DecisionLine:
    role, position = data.get("role"), data.get("position", 0)
    if role not in (1, 2) or isinstance(role, bool):
        raise InputFileError(where, "'role' must be 1 (coder 1) or 2 (coder 2)", _HINT)
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise InputFileError(where, "'position' must be a whole number from 0", _HINT)
    return DecisionLine(
        line=number,
        action=ASSIGN,
        commitment_id=fields.text("commitment_id"),
        commitment_text=fields.text("commitment_text", empty=True),
        agency=fields.optional_text("agency", required=True),
        period=fields.optional_int("period", required=True),
        achievement_id=None,
        achievement_text=None,
        achievement_agency=None,
        achievement_period=None,
        value=None,
        reviewer=fields.text("reviewer"),
        created_at=fields.time("created_at"),
        role=role,
        position=position,
    )


@dataclass(frozen=True)
class _Fields:
    data: dict[str, Any]
    where: str

    def _get(self, key: str, required: bool) -> Any:
        if required and key not in self.data:
            raise InputFileError(self.where, f"missing field {key!r}", _HINT)
        return self.data.get(key)

    def text(self, key: str, *, empty: bool = False) -> str:
        value = self._get(key, True)
        if not isinstance(value, str) or not (empty or value.strip()):
            raise InputFileError(self.where, f"{key!r} must be a{'' if empty else ' non-empty'} string")
        return self._storable(key, value)

    def optional_text(self, key: str, *, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is not None and not isinstance(value, str):
            raise InputFileError(self.where, f"{key!r} must be a string or null")
        return value if value is None else self._storable(key, value)

    def _storable(self, key: str, value: str) -> str:
        """``value``, unless it holds what no database stores: a NUL or a lone surrogate."""
        if "\x00" in value:
            raise InputFileError(self.where, f"{key!r} holds a NUL character (U+0000)", _NEVER_STORED)
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            found = f"U+{ord(surrogate.group()):04X}"
            raise InputFileError(self.where, f"{key!r} holds a lone surrogate ({found})", _NEVER_STORED)
        return value

    def optional_int(self, key: str, *, required: bool = False) -> int | None:
        value = self._get(key, required)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputFileError(self.where, f"{key!r} must be a year or null")
        if value is not None and not YEARS[0] <= value <= YEARS[1]:
            raise InputFileError(self.where, f"{key!r} is not a year from {YEARS[0]} to {YEARS[1]}: {value}")
        return value

    def time(self, key: str) -> datetime:
        value = self.text(key)
        try:
            return utc(datetime.fromisoformat(value))
        except (ValueError, OverflowError) as error:  # OverflowError: 0001-01-01T00:00+14:00 in UTC
            raise InputFileError(self.where, f"{key!r} is not an ISO time: {value!r}") from error
