"""Review decisions out of one database and into another as JSON Lines, without a UI.

Export writes the decision log in log order, one decision per line, keyed by stable id *and* by text
(so a line finds its statement in a database built elsewhere from the same documents), with its
retraction if it was undone. Import appends the lines to the log in one transaction and never lets a
line overrule a decision that only the database holds: such a line is a conflict, reported and left
out unless the caller forces it (the database's decision then stays in the log, outvoted).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from tracker.review.exchange_lines import DecisionLine
from tracker.review.status import refresh_statuses
from tracker.statuses import LINK_ACTIONS, LINK_STATE, with_label
from tracker.store.decision_log import add_decision, add_retraction
from tracker.store.models import Achievement, Commitment, Decision, Retraction
from tracker.store.queries import in_chunks, rows_by_id
from tracker.textnorm import normalize
from tracker.times import iso_exact as iso
from tracker.times import utc

#: A line's key in the log: action, commitment, achievement, value, reviewer, time (UTC).
Key = tuple[str, str, str | None, str | None, str, datetime]
#: What a decision decides: ("status", commitment) or ("link", commitment, achievement); notes decide none.
Slot = tuple[str, ...]


# --- export --------------------------------------------------------------------------------------


def export_records(session: Session, *, reviewer: str | None = None) -> list[dict[str, Any]]:
    """Every decision (or ``reviewer``'s), oldest first, as the dicts of one JSON line each."""
    query = select(Decision).order_by(col(Decision.id))
    if reviewer is not None:
        query = query.where(Decision.reviewer == reviewer)
    decisions = list(session.exec(query).all())
    retractions = {r.decision_id: r for r in session.exec(select(Retraction)).all()}
    commitments = rows_by_id(session, Commitment, {d.commitment_id for d in decisions})
    achievements = rows_by_id(session, Achievement, {d.achievement_id for d in decisions if d.achievement_id})
    records = []
    for d in decisions:
        c = commitments.get(d.commitment_id)
        a = achievements.get(d.achievement_id or "")
        undone = retractions.get(d.id or 0)
        records.append(
            {
                "decision_id": d.id,
                "action": d.action,
                "commitment_id": d.commitment_id,
                "commitment_text": c.text if c is not None else d.commitment_text,
                "agency": c.agency if c is not None else None,
                "period": c.period if c is not None else None,
                "achievement_id": d.achievement_id,
                "achievement_text": a.text if a is not None else None,
                "achievement_agency": a.agency if a is not None else None,
                "achievement_period": a.period if a is not None else None,
                "value": d.value,
                "reviewer": d.reviewer,
                "created_at": iso(d.created_at),
                "retracted": undone is not None,
                "retracted_by": undone.reviewer if undone is not None else None,
                "retracted_at": iso(undone.created_at) if undone is not None else None,
            }
        )
    return records


def render_jsonl(records: Sequence[dict[str, Any]]) -> str:
    """One JSON object per line, Chinese kept readable."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A line that would overrule a decision only the database holds."""

    line: int
    commitment_id: str
    achievement_id: str | None
    file_says: str
    database_says: str
    forced: bool = False


@dataclass(frozen=True)
class Orphan:
    """A line whose commitment or achievement is in the database neither by id nor by text."""

    line: int
    reason: str


@dataclass(frozen=True)
class TextMatch:
    """A statement found by its normalised text because its id is not stored."""

    line: int
    noun: str
    file_id: str
    stored_id: str


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do), line by line."""

    applied: int = 0
    already_present: int = 0
    superseded: list[int] = field(default_factory=list)
    matched_by_text: list[TextMatch] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    orphaned: list[Orphan] = field(default_factory=list)

    @property
    def lines_matched_by_text(self) -> int:
        return len({m.line for m in self.matched_by_text})

    @property
    def exit_code(self) -> int:
        """1 when a conflicting line was left out, so scripts notice; else 0."""
        return 1 if any(not c.forced for c in self.conflicts) else 0


@dataclass
class _Entry:
    """A decision on a slot: stored, or planned by this import."""

    effect: str
    said: str
    reviewer: str
    created_at: datetime
    position: int | None  # index of the file line holding the same decision; None: only the database has it
    decision_id: int | None = None
    live: bool = True


@dataclass
class _Resolved:
    line: DecisionLine
    commitment_id: str
    achievement_id: str | None

    @property
    def key(self) -> Key:
        d = self.line
        return (d.action, self.commitment_id, self.achievement_id, d.value, d.reviewer, d.created_at)

    @property
    def slot(self) -> Slot | None:
        if self.line.action == "status":
            return ("status", self.commitment_id)
        if self.line.action in LINK_ACTIONS and self.achievement_id is not None:
            return ("link", self.commitment_id, self.achievement_id)
        return None


def import_lines(
    session: Session, lines: Sequence[DecisionLine], *, force: bool = False, dry_run: bool = False
) -> ImportResult:
    """Append the decisions of ``lines`` that the database lacks (the caller commits, or rolls back).

    A line is applied unless its decision is already in the log (then only a retraction the file has
    and the database lacks is added), its statement is not found (orphaned), or it would overrule a
    live decision the file does not hold, which is a conflict unless both agree or the database's
    decision is an older one by the same reviewer. ``force`` applies conflicting lines too;
    ``dry_run`` writes nothing.
    """
    result = ImportResult()
    resolver = _Resolver(session, lines)
    resolved: list[_Resolved | None] = [resolver.resolve(line, result) for line in lines]
    log = _Log(session)
    for index, item in enumerate(resolved):
        if item is not None:
            log.mark_known(item.key, index)
    log.settle()

    inserts: list[_Resolved] = []
    retractions: list[tuple[int, _Resolved]] = []
    for index, item in enumerate(resolved):
        if item is None:
            continue
        stored = log.existing.get(item.key)
        if stored is not None:
            if item.line.retracted and stored.live and stored.decision_id is not None:
                retractions.append((stored.decision_id, item))
                log.retract(item.slot, stored)
                result.applied += 1
            else:
                result.already_present += 1
            continue
        slot = item.slot
        if slot is not None and not item.line.retracted:
            verdict = log.judge(slot, index, item.line, _effect(item.line))
            if verdict == "superseded":
                result.superseded.append(item.line.line)
                continue
            if isinstance(verdict, _Entry):
                conflict = _conflict(item, verdict, forced=force)
                result.conflicts.append(conflict)
                if not force:
                    continue
        log.add(slot, index, item)
        inserts.append(item)
        result.applied += 1

    if not dry_run:
        _write(session, inserts, retractions)
    return result


def _write(session: Session, inserts: list[_Resolved], retractions: list[tuple[int, _Resolved]]) -> None:
    touched: set[str] = set()
    for item in inserts:
        d = item.line
        decision = add_decision(
            session,
            commitment_id=item.commitment_id,
            action=d.action,
            achievement_id=item.achievement_id,
            value=d.value,
            reviewer=d.reviewer,
            created_at=d.created_at,
        )
        if d.retracted and decision.id is not None:
            _retract(session, decision.id, d)
        if d.action in LINK_ACTIONS:
            touched.add(item.commitment_id)
    for decision_id, item in retractions:
        _retract(session, decision_id, item.line)
        if item.line.action in LINK_ACTIONS:
            touched.add(item.commitment_id)
    for chunk in in_chunks(sorted(touched)):
        refresh_statuses(session, chunk)


def _retract(session: Session, decision_id: int, d: DecisionLine) -> None:
    add_retraction(
        session,
        decision_id,
        reviewer=d.retracted_by if d.retracted_by is not None else d.reviewer,
        created_at=d.retracted_at or d.created_at,
    )


def _effect(d: DecisionLine) -> str:
    return d.value or "" if d.action == "status" else LINK_STATE.get(d.action, "")


def _said(action: str, value: str | None, reviewer: str, created_at: datetime) -> str:
    what = with_label(value or "") if action == "status" else action
    return f"{what} by {reviewer or '-'} at {iso(created_at)}"


def _conflict(item: _Resolved, standing: _Entry, *, forced: bool) -> Conflict:
    d = item.line
    return Conflict(
        line=d.line,
        commitment_id=item.commitment_id,
        achievement_id=item.achievement_id,
        file_says=_said(d.action, d.value, d.reviewer, d.created_at),
        database_says=standing.said,
        forced=forced,
    )


class _Log:
    """The database's decision log as this import sees it: keys, and per slot the decisions in order.

    ``standing`` holds, per slot, the live decision the database holds and the file does not know, which
    the file's lines must not overrule: the one in force when the import starts (none when the decision
    in force is one of the file's), until its own reviewer's later line in the file supersedes it.
    """

    def __init__(self, session: Session) -> None:
        retracted = set(session.exec(select(Retraction.decision_id)).all())
        self.existing: dict[Key, _Entry] = {}
        self.slots: dict[Slot, list[_Entry]] = {}
        self.standing: dict[Slot, _Entry] = {}
        for d in session.exec(select(Decision).order_by(col(Decision.id))).all():
            entry = _Entry(
                effect=d.value or "" if d.action == "status" else LINK_STATE.get(d.action, ""),
                said=_said(d.action, d.value, d.reviewer, d.created_at),
                reviewer=d.reviewer,
                created_at=utc(d.created_at),
                position=None,
                decision_id=d.id,
                live=d.id not in retracted,
            )
            key = (d.action, d.commitment_id, d.achievement_id, d.value, d.reviewer, entry.created_at)
            self.existing.setdefault(key, entry)
            slot = _slot(d.action, d.commitment_id, d.achievement_id)
            if slot is not None:
                self.slots.setdefault(slot, []).append(entry)

    def mark_known(self, key: Key, index: int) -> None:
        entry = self.existing.get(key)
        if entry is not None and entry.position is None:
            entry.position = index

    def settle(self) -> None:
        """Fix each slot's standing decision, once the file's lines are marked."""
        for slot in self.slots:
            self._stand(slot)

    def _stand(self, slot: Slot) -> None:
        current = self.in_force(slot)
        if current is not None and current.position is None:
            self.standing[slot] = current

    def in_force(self, slot: Slot) -> _Entry | None:
        live = [e for e in self.slots.get(slot, []) if e.live]
        return live[-1] if live else None

    def judge(self, slot: Slot, index: int, d: DecisionLine, effect: str) -> _Entry | str | None:
        """None to apply the line, ``"superseded"`` when a later line of the file is already in force, or
        the database's decision the line would overrule."""
        current = self.in_force(slot)
        if current is not None and current.position is not None and current.position > index:
            return "superseded"
        standing = self.standing.get(slot)
        if standing is None or standing.effect == effect:
            return None
        if standing.reviewer == d.reviewer and standing.created_at <= d.created_at:
            return None
        return standing

    def add(self, slot: Slot | None, index: int, item: _Resolved) -> None:
        """Record a line the import appends (a retracted one in force nowhere)."""
        d = item.line
        said = _said(d.action, d.value, d.reviewer, d.created_at)
        entry = _Entry(_effect(d), said, d.reviewer, d.created_at, index, live=not d.retracted)
        self.existing.setdefault(item.key, entry)
        if slot is None or d.retracted:
            return
        standing = self.standing.get(slot)
        if standing is not None and (
            standing.effect != entry.effect
            or (standing.reviewer == d.reviewer and standing.created_at <= d.created_at)
        ):
            del self.standing[slot]
        self.slots.setdefault(slot, []).append(entry)

    def retract(self, slot: Slot | None, entry: _Entry) -> None:
        entry.live = False
        if slot is not None:
            self._stand(slot)


def _slot(action: str, commitment_id: str, achievement_id: str | None) -> Slot | None:
    if action == "status":
        return ("status", commitment_id)
    if action in LINK_ACTIONS and achievement_id is not None:
        return ("link", commitment_id, achievement_id)
    return None


class _Resolver:
    """Finds a line's statements: by stable id, else by normalised text within the same agency and year."""

    def __init__(self, session: Session, lines: Sequence[DecisionLine]) -> None:
        self.session = session
        self.commitments = set(rows_by_id(session, Commitment, {d.commitment_id for d in lines}))
        self.achievements = set(
            rows_by_id(session, Achievement, {d.achievement_id for d in lines if d.achievement_id})
        )
        self._texts: dict[tuple[Any, str, int], dict[str, list[str]]] = {}

    def resolve(self, d: DecisionLine, result: ImportResult) -> _Resolved | None:
        commitment = self._find(
            d, Commitment, self.commitments, d.commitment_id, d.commitment_text, d.agency, d.period, result
        )
        if commitment is None:
            return None
        achievement = None
        if d.achievement_id is not None:
            achievement = self._find(
                d,
                Achievement,
                self.achievements,
                d.achievement_id,
                d.achievement_text,
                d.achievement_agency,
                d.achievement_period,
                result,
            )
            if achievement is None:
                return None
        return _Resolved(d, commitment, achievement)

    def _find(
        self,
        d: DecisionLine,
        model: Any,
        stored: set[str],
        wanted: str,
        text: str | None,
        agency: str | None,
        period: int | None,
        result: ImportResult,
    ) -> str | None:
        if wanted in stored:
            return wanted
        noun = "commitment" if model is Commitment else "achievement"
        if not text or agency is None or period is None:
            result.orphaned.append(Orphan(d.line, f"{noun} {wanted} not found (no text to look for)"))
            return None
        found = self._by_text(model, agency, period).get(normalize(text), [])
        if len(found) == 1:
            result.matched_by_text.append(TextMatch(d.line, noun, wanted, found[0]))
            return found[0]
        where = f"{agency} {period}"
        reason = (
            f"{noun} {wanted} not found, by id or by text in {where}: {_short(text)}"
            if not found
            else f"{noun} {wanted} not found by id and its text matches {len(found)} of {where}: {_short(text)}"
        )
        result.orphaned.append(Orphan(d.line, reason))
        return None

    def _by_text(self, model: Any, agency: str, period: int) -> dict[str, list[str]]:
        cache_key = (model, agency, period)
        if cache_key not in self._texts:
            query = select(model.id, model.text).where(model.agency == agency, model.period == period)
            index: dict[str, list[str]] = {}
            for sid, text in self.session.exec(query).all():
                index.setdefault(normalize(text), []).append(sid)
            self._texts[cache_key] = index
        return self._texts[cache_key]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def result_lines(result: ImportResult) -> list[str]:
    """One line per text match, orphan, conflict and superseded line, in file order."""
    found: list[tuple[int, int, str]] = []
    for m in result.matched_by_text:
        found.append((m.line, 0, f"line {m.line}: {m.noun} {m.file_id} matched by text as {m.stored_id}"))
    for o in result.orphaned:
        found.append((o.line, 1, f"line {o.line}: orphaned: {o.reason}"))
    for c in result.conflicts:
        pair = f" ← {c.achievement_id}" if c.achievement_id else ""
        outcome = "applied anyway (--force)" if c.forced else "not applied"
        found.append(
            (
                c.line,
                2,
                f"line {c.line}: conflict on {c.commitment_id}{pair}: file says {c.file_says}; "
                f"database says {c.database_says}; {outcome}",
            )
        )
    for line in result.superseded:
        found.append(
            (line, 3, f"line {line}: superseded: a later decision of the file on the same is in force")
        )
    return [text for _line, _rank, text in sorted(found, key=lambda item: item[:2])]


def summary(result: ImportResult, *, dry_run: bool = False) -> str:
    """``applied 3, already present 1, matched by text 1, conflicts 0, orphaned 0``."""
    forced = " (applied with --force)" if result.conflicts and all(c.forced for c in result.conflicts) else ""
    text = (
        f"applied {result.applied}, already present {result.already_present}, "
        f"matched by text {result.lines_matched_by_text}, conflicts {len(result.conflicts)}{forced}, "
        f"orphaned {len(result.orphaned)}"
    )
    if result.superseded:
        text += f", superseded {len(result.superseded)}"
    return f"dry run, nothing written: {text}" if dry_run else text
