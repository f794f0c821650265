"""The status report as the plain data of SPEC.md "JSON report"; every other format renders the same rows.

:func:`build_report` reads it into one dict (tests, small databases); :func:`write_json` writes the
same text as :func:`render_json` of that dict while reading it a chunk at a time
(:class:`tracker.report.rows.StoredReport`), so the JSON of 100,000 commitments, about 2 GB, never
stands in memory. Rows are serialised by orjson (its two-space indent is the standard library's
``indent=2``, and 40 times faster); each evidence entry's explanation, 19 features a candidate and most
of the file, is put together from pieces made once per feature and value (:class:`WhyFragments`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import IO, Any

import orjson
from sqlmodel import Session

from tracker.match.features import FEATURE_BY_NAME, FEATURES
from tracker.match.model import WHY_SCALE
from tracker.report.rows import StoredReport, check_filters, known_topics

__all__ = ["WhyFragments", "build_report", "check_filters", "known_topics", "render_json", "write_json"]


def build_report(
    session: Session,
    *,
    agency: str | None = None,
    period: int | None = None,
    status: str | None = None,
    topic: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The report for the commitments (and achievements) matching the filters, in document order, as
    one dict (:class:`tracker.report.rows.StoredReport` says what it holds).

    Raises:
        UsageError: ``status`` or ``topic`` is not one the report knows.
    """
    return StoredReport(session, agency=agency, period=period, status=status, topic=topic, now=now).as_dict()


def render_json(report: dict[str, Any]) -> str:
    """The report as UTF-8-friendly JSON (Chinese stays readable, not ``\\u`` escaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def write_json(report: StoredReport, out: IO[bytes]) -> None:
    """Write ``report`` (read with ``explain=WhyFragments()``) to ``out`` as :func:`render_json` would
    write its dict, byte for byte, a row at a time."""
    out.write(b'{\n  "generated_at": ' + _dumps(report.generated_at, 1))
    out.write(b',\n  "filters": ' + _dumps(report.filters, 1))
    for key, rows, numbers in (
        ("commitments", report.commitments(), ("targets", "comparisons")),
        ("achievements", report.achievements(), ("quantities",)),
        ("orphaned_decisions", report.orphaned_decisions(), ()),
        ("dropped", report.dropped(), ()),
    ):
        out.write(b',\n  "' + key.encode() + b'": [')
        separator = b"\n    "
        for row in rows:
            out.write(separator + _row(row, numbers))
            separator = b",\n    "
        out.write(b"]" if separator == b"\n    " else b"\n  ]")
    out.write(b',\n  "agreement": ' + _dumps(report.agreement(), 1))
    out.write(b"\n}\n")


def _dumps(value: Any, depth: int) -> bytes:
    """``value`` as indented JSON starting at nesting ``depth`` (its first line not indented)."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    return text.replace(b"\n", b"\n" + b"  " * depth) if depth else text


def _row(row: dict[str, Any], numbers: tuple[str, ...]) -> bytes:
    """One row at depth 2. orjson writes a float under 1e-4 without an exponent (0.00005, where json
    writes 5e-05); the report rounds every figure it computes, so only a number read from a document
    (a target, a figure: the fields ``numbers``) can be one. Such a float is written in a marker first
    (a NUL cannot be in cleaned text) and the marker replaced by the standard library's form."""
    tiny: list[float] = []
    for key in numbers:
        if _has_tiny(row.get(key)):
            row = {**row, key: _marked(row[key], tiny)}
    text = _dumps(row, 2)
    for index, value in enumerate(tiny):
        text = text.replace(b'"\\u0000%d\\u0000"' % index, _number(value), 1)
    return text


def _is_tiny(value: Any) -> bool:
    return isinstance(value, float) and value != 0 and -1e-4 < value < 1e-4


def _has_tiny(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_tiny(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_tiny(v) for v in value)
    return _is_tiny(value)


def _marked(value: Any, tiny: list[float]) -> Any:
    """``value`` with each tiny float replaced by the marker of its place in ``tiny``."""
    if isinstance(value, dict):
        return {k: _marked(v, tiny) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v, tiny) for v in value]
    if _is_tiny(value):
        tiny.append(value)
        return f"\x00{len(tiny) - 1}\x00"
    return value


#: The explanation's pieces: one feature's contribution, the object around them.
_CONTRIBUTION_INDENT = b"\n" + b"  " * 5
_WHY_OPEN = b'{\n        "probability": %s,\n        "prior": %s,\n        "contributions": ['
_WHY_CLOSE = b"\n        ]\n      }"
_NAMES = tuple(f.name for f in FEATURES)


class WhyFragments:
    """A candidate's explanation (:meth:`tracker.match.model.Explanation.as_dict`) as the JSON text it
    takes inside a commitment's row, without building its 19 dicts: each feature's contribution is
    serialised once per (feature, value, part) and reused (about 15,000 distinct ones among the 8
    million of 420,000 candidates). Passed as ``explain`` to :class:`StoredReport` for :func:`write_json`.
    """

    #: Pieces kept before the cache is emptied, so that its memory stays bounded.
    LIMIT = 200_000

    def __init__(self) -> None:
        self._pieces: dict[tuple[int, Any, Any], bytes] = {}

    def __call__(self, stored: Any) -> orjson.Fragment | None:
        """The fragment of a candidate's stored explanation (None: none stored)."""
        if isinstance(stored, str):
            stored = json.loads(stored)
        if not stored:
            return None
        values, parts = stored.get("values", ()), stored.get("parts", ())
        if len(values) != len(FEATURES) or len(parts) != len(FEATURES):
            return None
        order = sorted(range(len(FEATURES)), key=lambda i: (-abs(parts[i]), _NAMES[i]))
        pieces = b",".join(self._piece(i, values[i], parts[i]) for i in order)
        head = _WHY_OPEN % (
            _number(stored.get("probability", 0) / WHY_SCALE),
            _number(stored.get("prior", 0) / WHY_SCALE),
        )
        return orjson.Fragment(head + pieces + _WHY_CLOSE)

    def _piece(self, index: int, value: Any, part: Any) -> bytes:
        key = (index, value, part)
        piece = self._pieces.get(key)
        if piece is None:
            if len(self._pieces) >= self.LIMIT:
                self._pieces.clear()
            feature = FEATURES[index]
            shown_value = value / WHY_SCALE
            contribution = {
                "feature": feature.name,
                "label": feature.label,
                "value": shown_value,
                "weight": part / WHY_SCALE,
                "shown": FEATURE_BY_NAME[feature.name].shown(shown_value),
            }
            piece = self._pieces[key] = _CONTRIBUTION_INDENT + _dumps(contribution, 5)
        return piece


def _number(value: float) -> bytes:
    return json.dumps(value).encode()
