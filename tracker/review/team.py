"""Review as a team: commitments split among reviewers with a share double-coded, what a coder may see
of the other coder's work, the disagreements both coders leave, and a third reviewer's adjudication.

- **Assignment** (:func:`assign`): the commitments in scope, in document order, are cut into one
  contiguous run per reviewer (a reviewer reads whole stretches of a document, not scattered lines); the
  double-coded share is the ``overlap`` fraction of each run (so every coder's work is checked alike),
  the commitments of the run with the smallest hash of their stable id (spread over the run, not its
  first lines), each given a second coder who is the least loaded of the others. The same commitments
  and reviewers always give the same split.
- **Blind double coding** (:func:`hidden_for`): on a double-coded commitment neither coder sees the
  other's decisions until both have set a status.
- **Disputes** (:func:`disputes`): double-coded commitments whose two coders set different statuses and
  that no adjudication settled; :func:`adjudicate` settles one, by a reviewer who coded neither side.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.review.decisions import resolve_id
from tracker.review.status import StatusBook
from tracker.statuses import with_label
from tracker.store.assignments import (
    Coders,
    add_assignments,
    coder_statuses,
    coders,
    double_coded_with,
    own_statuses,
    remove_assignments,
    worklist_ids,
)
from tracker.store.decision_log import add_decision, hidden_decisions, live_decisions, viewed_as
from tracker.store.models import Assignment, Commitment, Decision, Document, Part
from tracker.store.queries import in_chunks, in_document_order, rows_by_id
from tracker.textnorm import clean_field


@dataclass(frozen=True)
class AssignResult:
    """What :func:`assign` did: per reviewer the commitments they code first and second, and how many
    commitments in scope kept the assignment they had."""

    first: Counter[str] = field(default_factory=Counter)
    second: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    replaced: int = 0

    @property
    def assigned(self) -> int:
        return sum(self.first.values())

    @property
    def double_coded(self) -> int:
        return sum(self.second.values())


def reviewer_names(text: str) -> list[str]:
    """The reviewers named in ``张三,李四`` (commas, Chinese commas or 、), cleaned, in order.

    Raises:
        UsageError: no name, or a name twice.
    """
    names = [clean_field(n).strip() for n in text.replace("，", ",").replace("、", ",").split(",")]
    names = [n for n in names if n]
    if not names:
        raise UsageError("no reviewer named", "give --reviewers 张三,李四")
    twice = [n for n, count in Counter(names).items() if count > 1]
    if twice:
        raise UsageError(f"reviewer {twice[0]!r} is named twice", "name each reviewer once")
    return names


def split(ids: Sequence[str], reviewers: Sequence[str], overlap: float) -> list[tuple[str, int, str]]:
    """(commitment id, role, reviewer) for commitments ``ids`` in document order (module docstring).

    Raises:
        UsageError: ``overlap`` is outside 0–1, or asks for double coding with one reviewer.
    """
    if not 0 <= overlap <= 1:
        raise UsageError(
            f"overlap {overlap:g} is not between 0 and 1", "e.g. --overlap 0.2 double-codes 20 %"
        )
    if overlap > 0 and len(reviewers) < 2:
        raise UsageError(
            "double coding needs two reviewers", "name two or more in --reviewers, or --overlap 0"
        )
    n, k = len(ids), len(reviewers)
    first = {cid: reviewers[i * k // n] for i, cid in enumerate(ids)} if n else {}
    runs = [[cid for cid in ids if first[cid] == name] for name in reviewers]
    chosen = [
        sorted(run, key=_spread)[:quota]
        for run, quota in zip(runs, _quotas([len(run) for run in runs], round(overlap * n)), strict=True)
    ]
    position = {cid: i for i, cid in enumerate(ids)}
    # second coders are chosen taking the runs in turn, so that the last run's commitments are not left
    # to reviewers the earlier runs already loaded
    turns = [sorted(picked, key=position.__getitem__) for picked in chosen]
    load = Counter(first.values())
    rows = [(cid, 1, first[cid]) for cid in ids]
    for cid in (cid for turn in itertools.zip_longest(*turns) for cid in turn if cid is not None):
        start = reviewers.index(first[cid])
        others = [reviewers[(start + step) % k] for step in range(1, k)]  # the next reviewers first
        second = min(others, key=lambda name: load[name])
        load[second] += 1
        rows.append((cid, 2, second))
    return rows


def _quotas(sizes: list[int], total: int) -> list[int]:
    """``total`` shared in proportion to ``sizes``, largest remainders first (earlier runs on a tie)."""
    whole = sum(sizes)
    if not whole:
        return [0] * len(sizes)
    exact = [total * size / whole for size in sizes]
    quotas = [int(e) for e in exact]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - quotas[i]), i))
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def _spread(commitment_id: str) -> bytes:
    return hashlib.sha256(commitment_id.encode()).digest()


def assign(
    session: Session,
    reviewers: Sequence[str],
    *,
    overlap: float = 0.0,
    agency: str | None = None,
    period: int | None = None,
    replace: bool = False,
) -> AssignResult:
    """Put the commitments in scope (of ``agency`` and ``period`` when given) on the reviewers'
    worklists (the caller commits). Commitments already assigned keep their coders unless ``replace``,
    which splits the whole scope again; no decision is touched either way. Worklists continue after
    what they hold, in document order."""
    query = in_document_order(select(Commitment.id, Commitment.text), Commitment, agency, period)
    scope = [(cid, text) for cid, text in session.exec(query).all()]
    assigned = set(coders(session, [cid for cid, _text in scope]))
    replaced = 0
    if replace:
        replaced = len(assigned)
        remove_assignments(session, assigned)
        assigned = set()
    todo = [(cid, text) for cid, text in scope if cid not in assigned]
    texts = dict(todo)
    rows = split([cid for cid, _text in todo], [clean_field(r) for r in reviewers], overlap)
    start = (
        session.exec(select(col(Assignment.position)).order_by(col(Assignment.position).desc())).first() or -1
    ) + 1
    order = {cid: start + i for i, (cid, _text) in enumerate(todo)}
    add_assignments(session, [(cid, role, name, order[cid], texts[cid]) for cid, role, name in rows])
    result = AssignResult(kept=len(assigned), replaced=replaced)
    for _cid, role, name in rows:
        (result.first if role == 1 else result.second)[name] += 1
    return result


def hidden_for(
    session: Session, viewer: str, commitment_ids: Sequence[str] | None = None
) -> dict[str, frozenset[str]]:
    """Commitment id -> the other coder, for every double-coded commitment ``viewer`` codes (of
    ``commitment_ids`` when given) that not both coders have set a status on yet (what
    :func:`tracker.store.decision_log.viewed_as` leaves out)."""
    others = double_coded_with(session, viewer, commitment_ids)
    if not others:
        return {}
    decided = coder_statuses(session, list(others) if commitment_ids is not None else None)
    return {
        cid: frozenset({other})
        for cid, other in others.items()
        if not (viewer in decided.get(cid, {}) and other in decided.get(cid, {}))
    }


@dataclass(frozen=True)
class Coding:
    """Where one commitment stands in the team's review: its coders, the status each set (absent: not
    yet, or hidden from the reader), the adjudication in force (reviewer, status) and whether the coders
    disagree with nothing settled."""

    coders: Coders
    statuses: dict[str, str]
    adjudication: tuple[str, str] | None = None

    @property
    def both_decided(self) -> bool:
        return self.coders.double and all(name in self.statuses for name in self.coders.names)

    @property
    def disputed(self) -> bool:
        return self.both_decided and len(set(self.statuses[n] for n in self.coders.names)) > 1

    @property
    def open_dispute(self) -> bool:
        return self.disputed and self.adjudication is None


def codings(session: Session, commitment_ids: Sequence[str] | None = None) -> dict[str, Coding]:
    """Commitment id -> its :class:`Coding`, for every assigned commitment (or these), as the session's
    reader may see it (:func:`tracker.store.decision_log.viewed_as`: a blind coder sees no status of
    the other)."""
    found = coders(session, commitment_ids)
    if not found:
        return {}
    ids = list(found) if commitment_ids is not None else None
    statuses = coder_statuses(session, ids)
    settled = {
        d.commitment_id: (d.reviewer, d.value or "") for d in live_decisions(session, ("adjudicate",), ids)
    }
    hidden = hidden_decisions(session)
    return {
        cid: Coding(
            c,
            {
                name: status
                for name, status in statuses.get(cid, {}).items()
                if name not in hidden.get(cid, ())
            },
            settled.get(cid),
        )
        for cid, c in found.items()
    }


def disputes(session: Session, *, agency: str | None = None, period: int | None = None) -> list[str]:
    """The adjudication queue: double-coded commitments whose coders' statuses differ and that no
    adjudication settled, in document order (of ``agency`` and ``period`` when given)."""
    statuses = coder_statuses(session)  # what the coders did: no worklist is read whole
    differ = [cid for cid, by in statuses.items() if len(set(by.values())) > 1]
    open_ = (
        {cid for cid, coding in codings(session, differ).items() if coding.open_dispute} if differ else set()
    )
    if not open_:
        return []
    where = select(Commitment.id, Document.path, Part.position, Commitment.position)
    placed: list[tuple[str, str, int, int]] = []
    for chunk in in_chunks(sorted(open_)):
        query = in_document_order(where, Commitment, agency, period).where(col(Commitment.id).in_(chunk))
        placed += session.exec(query).all()
    return [cid for cid, *_place in sorted(placed, key=lambda row: (*row[1:], row[0]))]


def adjudicate(session: Session, commitment: str, status: str, *, reviewer: str) -> Decision:
    """Settle the status of a double-coded commitment whose coders disagree (or settle it again), by
    a reviewer who coded neither side (the caller commits). Both coders' statuses stay in the log.

    Raises:
        UsageError: the commitment is not double-coded, a coder has not decided, the coders agree, or the
            reviewer is one of its coders.
    """
    cid = resolve_id(session, Commitment, commitment)
    coding = codings(session, [cid]).get(cid)
    if coding is None or not coding.coders.double:
        raise UsageError(f"{cid} is not double-coded", "only two coders' disagreement is adjudicated")
    if (role := coding.coders.role(clean_field(reviewer))) is not None:
        raise UsageError(
            f"{reviewer} is coder {role} of {cid}", "a third reviewer adjudicates: give --reviewer NAME"
        )
    waiting = [n for n in coding.coders.names if n not in coding.statuses]
    if waiting:
        raise UsageError(f"{cid}: {waiting[0]} has not set a status yet", "adjudicate once both coders have")
    if not coding.disputed:
        agreed = coding.statuses[coding.coders.first]
        raise UsageError(f"{cid}: both coders set {with_label(agreed)}", "there is nothing to adjudicate")
    return add_decision(session, commitment_id=cid, action="adjudicate", value=status, reviewer=reviewer)


@dataclass(frozen=True)
class WorkItem:
    """One line of a reviewer's worklist: the commitment, the reviewer's role on it, its status as this
    reviewer may see it (``source`` auto or reviewer; None: blinded, the automatic status would carry the
    other coder's links) and whether the reviewer set a status on it."""

    id: str
    role: int
    text: str
    status: str | None
    source: str
    done: bool


def worklist(session: Session, reviewer: str) -> list[WorkItem]:
    """``reviewer``'s assigned commitments in worklist order, what they have not set a status on first,
    each as the reviewer may see it (blind to the other coder until both have decided)."""
    ids = worklist_ids(session, reviewer)
    if not ids:
        return []
    hidden = hidden_for(session, reviewer)
    found = coders(session, ids)
    mine = own_statuses(session, ids)
    with viewed_as(session, hidden):
        book = StatusBook.read(session, ids)
    rows = rows_by_id(session, Commitment, ids)
    items = []
    for cid in ids:
        commitment = rows.get(cid)
        if commitment is None:
            continue  # assigned, then its document was edited away: the assignment waits for its text
        view = book.of(commitment)
        blinded = cid in hidden and view.source == "auto"
        items.append(
            WorkItem(
                cid,
                found[cid].role(reviewer) or 1,
                commitment.text,
                None if blinded else view.status,
                view.source,
                reviewer in mine.get(cid, {}),
            )
        )
    return sorted(items, key=lambda item: item.done)  # stable: worklist order within each
