"""Review decisions out of one database and into another as JSON Lines, without a UI.

Export writes the decision log in log order, one decision per line, keyed by stable id *and* by text
(so a line finds its statement in a database built elsewhere from the same documents), with its
retraction if it was undone. Import appends the lines to the log in one transaction and never lets a
line overrule a decision that only the database holds: such a line is a conflict, reported and left
out unless the caller forces it (the database's decision then stays in the log, outvoted).

Which decision is in force after an import, and what is a conflict. The log is only ever appended to,
and on a status or a pair (confirm/reject/link/unlink) the latest live decision *in log order* is in
force, so an imported line that goes in is in force until a later one comes; the rule decides which
lines may go in. Per status or pair:

- A line the log holds already (same action, statements, value, reviewer and time, the note and the
  name compared as they are stored) is not added again; a retraction the file has and the database
  lacks is, before any line is judged.
- The database's *standing* decision is its latest live decision that the file does not hold, unless a
  later live decision in the log overruled it: one that says otherwise (forced in by an earlier
  import), or one of its own reviewer, as late or later. The file's own decisions never stand against
  its later lines: those supersede them, as they did where the file was made.
- A line goes in when nothing stands, when the standing decision is its own reviewer's and not later
  than the line (the reviewer changed their mind), or when it says the same and is newer.
- A **conflict**: the line says otherwise than the standing decision of another reviewer (whatever
  the times) or than a later one of its own reviewer. Not applied; reported; exit code 1.
- **Superseded**, not applied, no conflict: the line says the same as the standing decision but is not
  newer (its reviewer and time stay the ones in force), or a later line of the file is in force here.
- ``force`` applies conflicting lines, and lines older than the standing decision, too: the file's
  decision becomes the latest, the database's stays in the log, outvoted. It never applies a line a
  later line of the same file supersedes.

So without ``force`` the decision in force after an import is the standing one, or a line of the
file newer than it that says the same, or a later decision of its own reviewer; an older decision never
goes over a newer one of another reviewer, not even one that agrees; and importing the same file again
adds nothing and changes neither a status nor who is credited with it. Notes decide nothing here: they
accumulate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from tracker.review.exchange_lines import ASSIGN, DecisionLine
from tracker.review.exchange_lines import render_jsonl as render_jsonl  # the export's writer
from tracker.review.status import refresh_statuses
from tracker.statuses import (
    HISTORY_ACTIONS,
    HISTORY_STATE,
    LINK_ACTIONS,
    LINK_STATE,
    STATUS_ACTIONS,
    with_label,
)
from tracker.store.assignments import Coders, add_assignments, all_assignments, coders, remove_role
from tracker.store.decision_log import add_decision, add_retraction
from tracker.store.models import Achievement, Commitment, Decision, Retraction
from tracker.store.queries import in_chunks, rows_by_id
from tracker.textnorm import clean_field, normalize
from tracker.times import iso_exact as iso
from tracker.times import utc

#: A line's key in the log: action, commitment, achievement, value, reviewer, time (UTC).
Key = tuple[str, str, str | None, str | None, str, datetime]
#: What a decision decides: ("status", commitment) or ("link", commitment, achievement); notes decide none.
Slot = tuple[str, ...]
#: A statement as a line names it: stable id, text, agency and year (the last three may be missing).
_Statement = tuple[str, str | None, str | None, int | None]


# --- export --------------------------------------------------------------------------------------


def export_records(session: Session, *, reviewer: str | None = None) -> list[dict[str, Any]]:
    """Every decision (or ``reviewer``'s), oldest first, as the dicts of one JSON line each."""
    query = select(Decision).order_by(col(Decision.id))
    if reviewer is not None:
        query = query.where(Decision.reviewer == reviewer)
    decisions = list(session.exec(query).all())
    retractions = {r.decision_id: r for r in session.exec(select(Retraction)).all()}
    earlier = {
        d.achievement_id for d in decisions if d.achievement_id and _names_commitment(d.action, d.value)
    }
    commitments = rows_by_id(session, Commitment, {d.commitment_id for d in decisions} | earlier)
    achievements = rows_by_id(session, Achievement, {d.achievement_id for d in decisions if d.achievement_id})
    records = _assignment_records(session, reviewer)
    for d in decisions:
        c = commitments.get(d.commitment_id)
        # the statement on the other side: an achievement, or an earlier commitment (a repetition)
        other = commitments if _names_commitment(d.action, d.value) else achievements
        a = other.get(d.achievement_id or "")
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


def _assignment_records(session: Session, reviewer: str | None) -> list[dict[str, Any]]:
    """The worklists (``tracker assign``), one line per commitment and role, before the decisions: an
    import places them first, so that two coders' statuses are read as two codings."""
    rows = [a for a in all_assignments(session) if reviewer is None or a.reviewer == reviewer]
    commitments = rows_by_id(session, Commitment, {a.commitment_id for a in rows})
    records = []
    for a in rows:
        c = commitments.get(a.commitment_id)
        records.append(
            {
                "action": ASSIGN,
                "commitment_id": a.commitment_id,
                "commitment_text": c.text if c is not None else a.commitment_text,
                "agency": c.agency if c is not None else None,
                "period": c.period if c is not None else None,
                "role": a.role,
                "reviewer": a.reviewer,
                "position": a.position,
                "created_at": iso(a.assigned_at),
            }
        )
    return records


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
class Superseded:
    """A line left out because a later decision on the same is in force: a later line of the file
    (``database_says`` None), or the database's own decision, which says the same and is newer."""

    line: int
    file_says: str | None = None
    database_says: str | None = None


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
    superseded: list[Superseded] = field(default_factory=list)
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
    reviewer: str  # as stored (clean_field), so that an old row and a file line compare alike
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
    def reviewer(self) -> str:
        return clean_field(self.line.reviewer)

    @property
    def at(self) -> datetime:
        return utc(self.line.created_at)

    @property
    def said(self) -> str:
        d = self.line
        return _said(d.action, d.value, d.reviewer, d.created_at)

    @property
    def key(self) -> Key:
        d = self.line
        return _key(d.action, self.commitment_id, self.achievement_id, d.value, d.reviewer, d.created_at)

    def entry(self, position: int) -> _Entry:
        d = self.line
        return _Entry(
            _effect(d.action, d.value), self.said, self.reviewer, self.at, position, live=not d.retracted
        )


def import_lines(
    session: Session, lines: Sequence[DecisionLine], *, force: bool = False, dry_run: bool = False
) -> ImportResult:
    """Append the decisions of ``lines`` that the database lacks (the caller commits, or rolls back).

    A line already in the log is not added again (only a retraction the file has and the database
    lacks is); a line whose statement is not found is orphaned; a status or pair line is judged by
    the rule of this module's docstring: applied, a conflict, or superseded. ``force`` applies
    conflicting and outdated lines too; ``dry_run`` writes nothing.
    """
    result = ImportResult()
    resolver = _Resolver(session, lines)
    assigned = _assign(session, resolver, [d for d in lines if d.action == ASSIGN], result, force, dry_run)
    lines = [d for d in lines if d.action != ASSIGN]
    resolved: list[_Resolved | None] = [resolver.resolve(line, result) for line in lines]
    log = _Log(session, assigned)
    new: list[tuple[int, _Resolved]] = []
    retractions: list[tuple[int, _Resolved]] = []
    for index, item in enumerate(resolved):
        if item is not None:
            log.mark_known(item.key, index)
    for index, item in enumerate(resolved):
        if item is None:
            continue
        stored = log.existing.get(item.key)
        if stored is None:
            new.append((index, item))
        elif item.line.retracted and stored.live and stored.decision_id is not None:
            stored.live = False  # before any line is judged, as a second import will see it
            retractions.append((stored.decision_id, item))
            result.applied += 1
        else:
            result.already_present += 1
    inserts: list[_Resolved] = []
    for index, item in new:
        if item.key in log.existing:  # the same line twice in the file
            result.already_present += 1
        elif _admitted(log, index, item, result, force=force):
            log.add(index, item)
            inserts.append(item)
            result.applied += 1
    if not dry_run:
        _write(session, inserts, retractions)
    return result


def _assign(
    session: Session,
    resolver: _Resolver,
    lines: Sequence[DecisionLine],
    result: ImportResult,
    force: bool,
    dry_run: bool,
) -> dict[str, Coders]:
    """Apply the file's assignment lines (before its decisions) and return the coders of every
    commitment after them. A line that gives a commitment's role to someone else than the database
    does is a conflict, applied only with ``force``; one that would make a reviewer both coders of a
    commitment is never applied."""
    roles: dict[str, dict[int, str]] = {}
    for cid, c in coders(session).items():
        roles[cid] = {1: c.first} | ({2: c.second} if c.second is not None else {})
    writes: list[tuple[str, int, str, int, str]] = []
    for d in lines:
        item = resolver.resolve(d, result)
        if item is None or d.role is None:
            continue
        cid, reviewer, role = item.commitment_id, clean_field(d.reviewer), d.role
        have = roles.setdefault(cid, {})
        said = f"编码员{role} coder {role} {reviewer}"
        if have.get(role) == reviewer:
            result.already_present += 1
            continue
        if have.get(3 - role) == reviewer:
            result.conflicts.append(Conflict(d.line, cid, None, said, f"{reviewer} is coder {3 - role}"))
            continue
        if role in have:
            result.conflicts.append(
                Conflict(d.line, cid, None, said, f"coder {role} {have[role]}", forced=force)
            )
            if not force:
                continue
        have[role] = reviewer
        writes.append((cid, role, reviewer, d.position or 0, d.commitment_text))
        result.applied += 1
    if writes and not dry_run:
        for cid, role, *_rest in writes:
            remove_role(session, cid, role)
        add_assignments(session, writes)
    return {cid: Coders(r[1], r.get(2)) for cid, r in roles.items() if 1 in r}


def _admitted(log: _Log, index: int, item: _Resolved, result: ImportResult, *, force: bool) -> bool:
    """Whether a line the log lacks goes in; a line left out, or forced in, is recorded in ``result``."""
    slot = log.slot(item.line.action, item.commitment_id, item.achievement_id, item.line.value, item.reviewer)
    if slot is None or item.line.retracted:
        return True  # a note, or a decision in force nowhere
    verdict, standing = log.judge(slot, index, item)
    if verdict == "later line":
        result.superseded.append(Superseded(item.line.line))
        return False
    if verdict == "older" and standing is not None and not force:
        result.superseded.append(Superseded(item.line.line, item.said, standing.said))
        return False
    if verdict == "conflict" and standing is not None:
        pair = (item.commitment_id, item.achievement_id)
        result.conflicts.append(Conflict(item.line.line, *pair, item.said, standing.said, forced=force))
        return force
    return True


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


def _key(action: str, cid: str, aid: str | None, value: str | None, reviewer: str, at: datetime) -> Key:
    """A decision's key, its note and reviewer as :func:`add_decision` stores them."""
    return (action, cid, aid, None if value is None else clean_field(value), clean_field(reviewer), utc(at))


def _names_commitment(action: str, value: str | None) -> bool:
    """Whether a decision's second statement is a commitment (a repetition's earlier promise)."""
    return action in HISTORY_ACTIONS and value == "prior_commitment"


def _effect(action: str, value: str | None) -> str:
    if action in STATUS_ACTIONS:
        return value or ""
    return HISTORY_STATE.get(action) or LINK_STATE.get(action, "")


def _said(action: str, value: str | None, reviewer: str, created_at: datetime) -> str:
    what = with_label(value or "") if action in STATUS_ACTIONS else action
    if action == "adjudicate":
        what += " (adjudicated)"
    return f"{what} by {clean_field(reviewer) or '-'} at {iso(created_at)}"


class _Log:
    """The database's decision log as this import sees it: the keys it holds, and per slot its decisions
    in log order, the lines this import appends among them."""

    def __init__(self, session: Session, coders: dict[str, Coders]) -> None:
        self.coders = coders
        retracted = set(session.exec(select(Retraction.decision_id)).all())
        self.existing: dict[Key, _Entry] = {}
        self.slots: dict[Slot, list[_Entry]] = {}
        for d in session.exec(select(Decision).order_by(col(Decision.id))).all():
            said = _said(d.action, d.value, d.reviewer, d.created_at)
            effect, reviewer, at = _effect(d.action, d.value), clean_field(d.reviewer), utc(d.created_at)
            entry = _Entry(effect, said, reviewer, at, None, decision_id=d.id, live=d.id not in retracted)
            key = _key(d.action, d.commitment_id, d.achievement_id, d.value, d.reviewer, d.created_at)
            self.existing.setdefault(key, entry)
            slot = self.slot(d.action, d.commitment_id, d.achievement_id, d.value, reviewer)
            if slot is not None:
                self.slots.setdefault(slot, []).append(entry)

    def slot(
        self, action: str, commitment_id: str, achievement_id: str | None, value: str | None, reviewer: str
    ) -> Slot | None:
        """What a decision decides: a status, a pair, a history relation; on a double-coded commitment
        each coder's status is a slot of its own (two coders' statuses are two codings, not a conflict),
        and its adjudication another."""
        if action == "adjudicate":
            return ("adjudicate", commitment_id)
        if action == "status":
            coders = self.coders.get(commitment_id)
            if coders is not None and coders.double and coders.role(reviewer):
                return ("coding", commitment_id, reviewer)
            return ("status", commitment_id)
        if action in LINK_ACTIONS and achievement_id is not None:
            return ("link", commitment_id, achievement_id)
        if action in HISTORY_ACTIONS and value is not None:
            return ("history", commitment_id, value, achievement_id or "")
        return None

    def mark_known(self, key: Key, index: int) -> None:
        entry = self.existing.get(key)
        if entry is not None and entry.position is None:
            entry.position = index

    def standing(self, slot: Slot) -> _Entry | None:
        """The latest live decision on ``slot`` the file does not hold, unless a later live decision
        overruled it (says otherwise, or is its own reviewer's, as late or later)."""
        live = [e for e in self.slots.get(slot, []) if e.live]
        for at in range(len(live) - 1, -1, -1):
            entry = live[at]
            if entry.position is None:
                overruled = any(
                    later.effect != entry.effect
                    or (later.reviewer == entry.reviewer and later.created_at >= entry.created_at)
                    for later in live[at + 1 :]
                )
                return None if overruled else entry
        return None

    def judge(self, slot: Slot, index: int, item: _Resolved) -> tuple[str, _Entry | None]:
        """``("apply", None)``; ``("later line", …)``: a later line of the file is in force; ``("older",
        standing)``: the standing decision says the same and is newer; ``("conflict", standing)``."""
        live = [e for e in self.slots.get(slot, []) if e.live]
        if live and live[-1].position is not None and live[-1].position > index:
            return "later line", live[-1]
        standing = self.standing(slot)
        if standing is None or (standing.reviewer == item.reviewer and standing.created_at <= item.at):
            return "apply", None
        if standing.effect != _effect(item.line.action, item.line.value):
            return "conflict", standing
        return ("older", standing) if item.at <= standing.created_at else ("apply", None)

    def add(self, index: int, item: _Resolved) -> None:
        """Record a line the import appends."""
        entry = item.entry(index)
        self.existing.setdefault(item.key, entry)
        slot = self.slot(
            item.line.action, item.commitment_id, item.achievement_id, item.line.value, item.reviewer
        )
        if slot is not None:
            self.slots.setdefault(slot, []).append(entry)


class _Resolver:
    """Finds a line's statements: by stable id, else by normalised text within the same agency and year."""

    def __init__(self, session: Session, lines: Sequence[DecisionLine]) -> None:
        self.session = session
        earlier = {
            d.achievement_id for d in lines if d.achievement_id and _names_commitment(d.action, d.value)
        }
        self.commitments = set(rows_by_id(session, Commitment, {d.commitment_id for d in lines} | earlier))
        self.achievements = set(
            rows_by_id(session, Achievement, {d.achievement_id for d in lines if d.achievement_id})
        )
        self._texts: dict[tuple[Any, str, int], dict[str, list[str]]] = {}

    def resolve(self, d: DecisionLine, result: ImportResult) -> _Resolved | None:
        commitment = self._find(
            d, Commitment, (d.commitment_id, d.commitment_text, d.agency, d.period), result
        )
        if commitment is None or d.achievement_id is None:
            return None if commitment is None else _Resolved(d, commitment, None)
        pair = (d.achievement_id, d.achievement_text, d.achievement_agency, d.achievement_period)
        model = Commitment if _names_commitment(d.action, d.value) else Achievement
        achievement = self._find(d, model, pair, result)
        return None if achievement is None else _Resolved(d, commitment, achievement)

    def _find(self, d: DecisionLine, model: Any, statement: _Statement, result: ImportResult) -> str | None:
        """The stored id of ``statement`` (its id, text, agency and year in the file), or None: orphaned."""
        wanted, text, agency, period = statement
        stored = self.commitments if model is Commitment else self.achievements
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
    for s in result.superseded:
        why = (
            "a later decision of the file on the same is in force"
            if s.database_says is None
            else f"file says {s.file_says}; database says the same later, {s.database_says}; not applied"
        )
        found.append((s.line, 3, f"line {s.line}: superseded: {why}"))
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
