"""The report read from the database a chunk of commitments at a time: each commitment with its status,
evidence, provenance and history, each achievement with the commitments it supports, the commitments
the next plan dropped and the orphaned decisions, as the dicts of SPEC "JSON report".

Read whole, a report of 100,000 commitments took 1.6 GB before a line was written; read a chunk
(:data:`CHUNK` commitments) at a time, each chunk is written and let go before the next is read. What
stays for the whole run grows with the documents, not with the statements: the documents' names, the
parts, the summary parts per agency and year, and the live review decisions. The rules are those of
:mod:`tracker.review` (statuses, evidence, history), applied to a chunk at a time; each rule reads only
its own commitments' rows, so a chunk's rows are those of the whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.ingest.topics import OTHER, TOPIC_KEYWORDS
from tracker.match.history import PRIOR_COMMITMENT
from tracker.match.model import Explanation
from tracker.match.pace import is_interim
from tracker.match.resolve import linked_pairs
from tracker.report import chunks
from tracker.report.chunks import Statement, as_commitment, read, statement, statement_columns, stream
from tracker.report.sources import document_facts
from tracker.report.stream import formed, formed_row
from tracker.review.agreement import as_dict as agreement_dict
from tracker.review.agreement import read_agreement, summary_line
from tracker.review.history import dropped
from tracker.review.status import StatusBook
from tracker.review.team import Coding, codings
from tracker.statuses import (
    DECIDED_STATES,
    HISTORY_ACTIONS,
    LINK_ACTIONS,
    LINK_STATE,
    STATUS_ACTIONS,
    STATUSES,
    label,
)
from tracker.store.decision_log import history_states, live_decisions, orphaned_decisions, status_decisions
from tracker.store.models import (
    Achievement,
    Assignment,
    Candidate,
    Commitment,
    CommitmentStatus,
    Decision,
    HistoryCandidate,
)
from tracker.store.queries import (
    CHUNK,
    documents_by_block,
    in_chunks,
    in_document_order,
    part_facts,
    summary_parts,
)
from tracker.textnorm import clean_field
from tracker.times import iso_utc, now_utc

#: Topics ``--topic`` accepts besides those stored: the fields the extractor assigns.
TOPICS: tuple[str, ...] = (*TOPIC_KEYWORDS, OTHER)

#: What an evidence entry's ``why`` is made of: the candidate's stored explanation -> its value in the
#: row (:func:`explanation`; the html, md, csv and table formats, which never show it, pass
#: :func:`no_explanation` and the explanations are not even read).
Explain = Callable[[Any], Any]


def explanation(stored: Any) -> dict[str, Any] | None:
    """A candidate's stored explanation as the JSON report holds it (None: none stored)."""
    why = Explanation.read(stored)
    return why.as_dict() if why is not None else None


def no_explanation(_stored: Any) -> None:
    return None


class StoredReport:
    """The report of the commitments (and achievements) matching the filters, read from ``session``.

    ``status`` and ``topic`` narrow the commitments only; achievements are filtered by agency and
    period. A reviewer's confirm/reject/link/unlink decision overrides the matcher's state of that
    pair; an achievement the reviewer linked by hand without a candidate row is listed last, with
    ``score`` null. Every commitment carries its provenance: the part of the document it comes from,
    who set its status and when (reviewer statuses; ``status_adjudicated``: a third reviewer's
    adjudication of two coders' disagreement, ``status_role``: 1 or 2, its own coder's status), its
    coders and their statuses (``coding``, null when it is on no worklist), its live notes, and for
    each confirmed or rejected piece of evidence who decided it and when. ``orphaned_decisions`` lists
    the live review decisions whose commitment or achievement is no longer in any document (not
    narrowed by filters); :meth:`agreement` the coders' agreement, for the methodology.

    Args:
        form: what every string read from the database goes through: :func:`clean_field` (the JSON
            report) or :func:`tracker.textnorm.shown` (what the other formats show).
        explain: what an evidence entry's ``why`` holds (:data:`Explain`).

    Raises:
        UsageError: ``status`` or ``topic`` is not one the report knows.
    """

    def __init__(
        self,
        session: Session,
        *,
        agency: str | None = None,
        period: int | None = None,
        status: str | None = None,
        topic: str | None = None,
        now: datetime | None = None,
        form: Callable[[str], str] = clean_field,
        explain: Explain = explanation,
    ) -> None:
        check_filters(session, status, topic)
        self._session = session
        self._agency, self._period, self._status, self._topic = agency, period, status, topic
        self._form = form
        self._explain = explain
        self.generated_at: str = form(iso_utc(now or now_utc()))
        self.filters: dict[str, Any] = formed(
            {"agency": agency, "period": period, "status": status, "topic": topic}, form
        )
        self._documents = {k: formed(v, form) for k, v in document_facts(session).items()}
        self._parts = {k: formed(v, form) for k, v in part_facts(session).items()}
        parts = summary_parts(session)
        self._summaries = documents_by_block(parts)
        self._interim = {p.id: p for p in parts if is_interim(p.period, p.as_of)}
        decisions = live_decisions(session, (*STATUS_ACTIONS, "note", *LINK_ACTIONS, *HISTORY_ACTIONS))
        self._provenance = _Provenance.of(decisions)
        self._links = self._provenance.link_states()
        self._reviewed = {cid: d.value or "" for cid, d in self._provenance.statuses.items()}
        self._history = history_states(decisions)
        self._assigned = session.exec(select(Assignment.commitment_id).limit(1)).first() is not None
        self._agreement: dict[str, Any] | None = None
        self._agreement_read = False

    # -- commitments ---------------------------------------------------------------------------------

    def commitments(self) -> Iterator[dict[str, Any]]:
        """Each commitment matching the filters, in document order."""
        for chunk in self._chunks(self._agency, self._period, self._topic):
            yield from self._rows(chunk)

    def _chunks(self, agency: str | None, period: int | None, topic: str | None) -> Iterator[list[Statement]]:
        """The commitments in document order (path, part, position), :data:`CHUNK` at a time."""
        query = in_document_order(select(*statement_columns(Commitment)), Commitment, agency, period)
        if topic is not None:
            query = query.where(Commitment.topic == topic)
        for rows in stream(self._session, query, CHUNK):
            yield [statement(row, Commitment) for row in rows]

    def _book(self, ids: Sequence[str], *, earlier: bool = True) -> tuple[StatusBook, dict[str, Any]]:
        """What the statuses of these commitments (and with ``earlier``, of the earlier ones their
        history names) are read from: the reviewers' (all, read once), the matcher's (these only); and
        each of these commitments' detail (why the matcher chose its status: ``reason``, ``comparisons``)."""
        automatic: dict[str, str] = {}
        details: dict[str, Any] = {}
        columns = [CommitmentStatus.commitment_id, CommitmentStatus.status]
        for chunk in in_chunks(list(ids)):
            query = select(*columns, *([CommitmentStatus.detail] if earlier else []))  # type: ignore[call-overload]
            for row in read(self._session, query.where(col(CommitmentStatus.commitment_id).in_(chunk))):
                automatic[row[0]] = row[1]
                details[row[0]] = row[2] if earlier else {}
        if earlier:
            others: set[str] = set()
            for chunk in in_chunks(list(ids)):
                named = select(HistoryCandidate.other_id).where(
                    col(HistoryCandidate.commitment_id).in_(chunk),
                    HistoryCandidate.relation == PRIOR_COMMITMENT,
                )
                others.update(self._session.exec(named).all())
            others.update(other for (_cid, relation, other) in self._history if relation == PRIOR_COMMITMENT)
            for chunk in in_chunks(sorted(others - set(ids))):
                statuses = select(CommitmentStatus.commitment_id, CommitmentStatus.status).where(
                    col(CommitmentStatus.commitment_id).in_(chunk)
                )
                automatic.update((cid, status) for cid, status in read(self._session, statuses))
        book = StatusBook(self._reviewed, automatic, self._summaries, self._interim, self._history, True)
        return book, details

    def _rows(self, chunk: list[Statement]) -> Iterator[dict[str, Any]]:
        book, details = self._book([c.id for c in chunk])
        if self._status is not None:
            chunk = [c for c in chunk if book.of(as_commitment(c)).status == self._status]
        if not chunk:
            return
        ids = [c.id for c in chunk]
        evidence = chunks.evidence(self._session, ids, self._links, why=self._explain is not no_explanation)
        history = chunks.histories(self._session, chunk, book)
        team = codings(self._session, ids) if self._assigned else {}
        form = self._form
        for c in chunk:
            view = book.of(as_commitment(c))
            decision = self._provenance.statuses.get(c.id) if view.source == "reviewer" else None
            coding = team.get(c.id)
            detail = details.get(c.id) or {}
            yield formed_row(
                {
                    "id": c.id,
                    "agency": c.agency,
                    "period": c.period,
                    **self._documents_of(c.document_id),
                    "part": self._parts.get(c.part_id),
                    "section": c.section,
                    "text": c.text,
                    "topic": c.topic,
                    "targets": list(c.targets),
                    "status": view.status,
                    "status_label": label(view.status),
                    "status_source": view.source,
                    "status_reviewer": decision.reviewer if decision is not None else None,
                    "status_decided_at": iso_utc(decision.created_at) if decision is not None else None,
                    "status_adjudicated": decision is not None and decision.action == "adjudicate",
                    "status_role": _role(coding, decision),
                    "coding": _coding(coding),
                    "evidence": [self._evidence_entry(c.id, item) for item in evidence.get(c.id, [])],
                    "deadline": c.deadline,
                    "lead_unit": c.lead_unit,
                    "testable": c.testable,
                    "times_stated": c.times_stated,
                    "status_reason": detail.get("reason", ""),
                    "comparisons": detail.get("comparisons", []),
                    "notes": [self._note(d) for d in self._provenance.notes.get(c.id, [])],
                    "history": history[c.id].as_dict(),
                },
                form,
            )

    def _documents_of(self, document_id: str) -> dict[str, Any]:
        """``document`` (the name shown), ``document_title`` and ``source_url`` (None: no address)."""
        return self._documents.get(document_id, _NO_DOCUMENT)

    def _evidence_entry(self, commitment_id: str, item: chunks.EvidenceRow) -> dict[str, Any]:
        a = item.achievement
        candidate = item.candidate
        decision = self._provenance.links.get((commitment_id, a.id)) if item.state in DECIDED_STATES else None
        return {
            "id": a.id,
            "text": a.text,
            **self._documents_of(a.document_id),
            "part": self._parts.get(a.part_id),
            "agency": a.agency,
            "period": a.period,
            "score": round(candidate.score, 1) if candidate is not None else None,
            "state": item.state,
            "shared_terms": list(candidate.shared_terms) if candidate is not None else [],
            "rank": candidate.rank if candidate is not None else None,
            "why": self._explain(candidate.why) if candidate is not None else None,
            "decided_by": decision.reviewer if decision is not None else None,
            "decided_at": iso_utc(decision.created_at) if decision is not None else None,
        }

    def _note(self, d: Decision) -> dict[str, Any]:
        return {
            "text": d.value or "",
            "reviewer": d.reviewer,
            "at": iso_utc(d.created_at),
        }

    # -- achievements --------------------------------------------------------------------------------

    def achievements(self) -> Iterator[dict[str, Any]]:
        """Each achievement of the agency and period filtered (not by status or topic), in document
        order, with ``supports``: the commitments it is linked to (suggested or confirmed, not rejected),
        by id; decisions about commitments no longer stored are left out."""
        query = in_document_order(
            select(*statement_columns(Achievement)), Achievement, self._agency, self._period
        )
        form = self._form
        for partition in stream(self._session, query, CHUNK):
            chunk = [statement(row, Achievement) for row in partition]
            supports = self._supports([a.id for a in chunk], self._links)
            for a in chunk:
                yield formed_row(
                    {
                        "id": a.id,
                        "agency": a.agency,
                        "period": a.period,
                        **self._documents_of(a.document_id),
                        "part": self._parts.get(a.part_id),
                        "section": a.section,
                        "text": a.text,
                        "topic": a.topic,
                        "quantities": list(a.quantities),
                        "supports": supports.get(a.id, []),
                        "deadline": a.deadline,
                        "testable": a.testable,
                        "times_stated": a.times_stated,
                    },
                    form,
                )

    def _supports(
        self, achievement_ids: list[str], decided: Mapping[tuple[str, str], str]
    ) -> dict[str, list[str]]:
        """Achievement id -> the ids of the stored commitments it is linked to, in id order."""
        wanted = set(achievement_ids)
        suggested: list[tuple[str, str]] = []
        for chunk in in_chunks(achievement_ids):
            query = (
                select(Candidate.commitment_id, Candidate.achievement_id)
                .join(Commitment, col(Commitment.id) == col(Candidate.commitment_id))
                .where(col(Candidate.achievement_id).in_(chunk), Candidate.state == "suggested")
            )
            suggested.extend(tuple(row) for row in read(self._session, query))
        mine = {pair: state for pair, state in decided.items() if pair[1] in wanted}
        stored = _stored(self._session, Commitment, {cid for cid, _aid in mine})
        supports: dict[str, list[str]] = {}
        for cid, aid in sorted(linked_pairs(suggested, mine)):
            if cid in stored or (cid, aid) not in mine:
                supports.setdefault(aid, []).append(cid)
        return supports

    # -- what is not a row of the filtered commitments -----------------------------------------------

    def orphaned_decisions(self) -> list[dict[str, Any]]:
        """The live decisions that no longer decide anything, oldest first (not narrowed by filters):
        ``missing`` says whether the commitment, the achievement (or earlier commitment) or both are gone."""
        decisions = orphaned_decisions(self._session)
        if not decisions:
            return []
        named = {d.commitment_id for d in decisions} | {
            d.achievement_id for d in decisions if d.achievement_id
        }
        stored = _stored(self._session, Commitment, named) | _stored(self._session, Achievement, named)
        return [formed(_orphan(d, stored), self._form) for d in decisions]

    def dropped(self) -> Iterator[dict[str, Any]]:
        """The commitments of the year before the one reported (every year's, unfiltered) that the
        plan of the next year no longer names (:func:`tracker.review.history.dropped`), in document order."""
        sizes = self._plan_sizes()
        period = None if self._period is None else self._period - 1
        for chunk in self._chunks(self._agency, period, self._topic):
            chunk = [c for c in chunk if sizes[(c.agency, c.period + 1)]]  # a next plan to look in
            if not chunk:
                continue
            book, _details = self._book([c.id for c in chunk], earlier=False)
            plans = [as_commitment(c) for c in chunk]
            for d in dropped(self._session, plans, book, period=period, topic=self._topic, sizes=sizes):
                yield formed(d.as_dict(), self._form)

    def _plan_sizes(self) -> Counter[tuple[str, int]]:
        """(agency, period) -> how many commitments its plan holds (of the agency filtered)."""
        query = select(Commitment.agency, Commitment.period, func.count()).group_by(
            col(Commitment.agency), col(Commitment.period)
        )
        if self._agency is not None:
            query = query.where(Commitment.agency == self._agency)
        return Counter({(agency, period): n for agency, period, n in self._session.exec(query).all()})

    def agreement(self) -> dict[str, Any] | None:
        """The coders' agreement on the double-coded commitments of the agency and period filtered
        (:func:`tracker.review.agreement.as_dict`, its :func:`summary_line` first as ``summary``), read
        once per report; None when no commitment there is double-coded, or none has two coders' statuses
        (the status and topic filters narrow the rows, not the sample agreement is measured on)."""
        if not self._agreement_read:
            self._agreement_read = True
            if self._double_coded():
                found = read_agreement(self._session, agency=self._agency, period=self._period)
                if found.units:
                    self._agreement = formed(
                        {"summary": summary_line(found), **agreement_dict(found)}, self._form
                    )
        return self._agreement

    def _double_coded(self) -> bool:
        """Whether a commitment of the agency and period filtered has a second coder."""
        query = (
            select(Assignment.commitment_id)
            .join(Commitment, col(Commitment.id) == col(Assignment.commitment_id))
            .where(Assignment.role == 2)
        )
        if self._agency is not None:
            query = query.where(Commitment.agency == self._agency)
        if self._period is not None:
            query = query.where(Commitment.period == self._period)
        return self._session.exec(query.limit(1)).first() is not None

    def as_dict(self) -> dict[str, Any]:
        """The whole report as one dict: SPEC "JSON report" (for tests and small databases)."""
        return {
            "generated_at": self.generated_at,
            "filters": self.filters,
            "commitments": list(self.commitments()),
            "achievements": list(self.achievements()),
            "orphaned_decisions": self.orphaned_decisions(),
            "dropped": list(self.dropped()),
            "agreement": self.agreement(),
        }


_NO_DOCUMENT: dict[str, Any] = {"document": "", "document_title": "", "source_url": None}


def check_filters(session: Session, status: str | None, topic: str | None) -> None:
    """Refuse a ``--status`` or ``--topic`` the report does not know, naming those there are."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", "use one of " + ", ".join(STATUSES))
    if topic is not None:
        known = known_topics(session)
        if topic not in known:
            raise UsageError(f"unknown topic {topic!r}", "use one of " + ", ".join(known))


def known_topics(session: Session) -> list[str]:
    """The topics ``--topic`` accepts: the extractor's fields, then any other topic stored."""
    stored = session.exec(select(Commitment.topic).distinct()).all()
    return list(dict.fromkeys([*TOPICS, *sorted(t for t in stored if t)]))


@dataclass
class _Provenance:
    """The live review decisions, read in one query: the log is what reviewers wrote, thousands of
    lines where the statements are hundreds of thousands."""

    statuses: dict[str, Decision] = field(default_factory=dict)  # latest status decision
    links: dict[tuple[str, str], Decision] = field(default_factory=dict)  # latest link decision per pair
    notes: dict[str, list[Decision]] = field(default_factory=dict)  # oldest first

    @classmethod
    def of(cls, decisions: list[Decision]) -> _Provenance:
        found = cls(statuses=status_decisions(decisions))
        for d in decisions:
            if d.action == "note":
                found.notes.setdefault(d.commitment_id, []).append(d)
            elif d.action in LINK_ACTIONS and d.achievement_id is not None:
                found.links[(d.commitment_id, d.achievement_id)] = d
        return found

    def link_states(self) -> dict[tuple[str, str], str]:
        """(commitment, achievement) -> ``confirmed`` or ``rejected``, as
        :func:`tracker.store.decision_log.reviewer_links` reads it."""
        return {pair: LINK_STATE[d.action] for pair, d in self.links.items()}


def _coding(coding: Coding | None) -> dict[str, Any] | None:
    """A commitment's ``coding`` in the report: its coders by role with the status each set (None: not
    yet), the adjudication in force, whether the two coders agree (None: not both decided, or
    single-coded) and whether they disagree with nothing settled (``disputed``)."""
    if coding is None:
        return None
    adjudication = coding.adjudication
    return {
        "double_coded": coding.coders.double,
        "coders": [
            {"role": role, "reviewer": name, "status": coding.statuses.get(name)}
            for role, name in enumerate(coding.coders.names, start=1)
        ],
        "adjudicator": None
        if adjudication is None
        else {"reviewer": adjudication[0], "status": adjudication[1]},
        "agreed": not coding.disputed if coding.both_decided else None,
        "disputed": coding.open_dispute,
    }


def _role(coding: Coding | None, decision: Decision | None) -> int | None:
    """1 or 2 when the status in force is its coder's own status decision (not an adjudication)."""
    if coding is None or decision is None or decision.action != "status":
        return None
    return coding.coders.role(decision.reviewer)


def _stored(session: Session, model: Any, ids: set[str]) -> set[str]:
    """Those of ``ids`` that are stored as rows of ``model``."""
    found: set[str] = set()
    for chunk in in_chunks(sorted(ids)):
        found.update(session.exec(select(model.id).where(col(model.id).in_(chunk))).all())
    return found


def _orphan(d: Decision, stored: set[str]) -> dict[str, Any]:
    """A live decision whose commitment (or, for a pair decision, achievement) is no longer stored."""
    ids = [("commitment", d.commitment_id), ("achievement", d.achievement_id)]
    return {
        "id": d.id,
        "action": d.action,
        "commitment_id": d.commitment_id,
        "commitment_text": d.commitment_text,
        "achievement_id": d.achievement_id,
        "value": d.value,
        "reviewer": d.reviewer,
        "created_at": iso_utc(d.created_at),
        "missing": [kind for kind, key in ids if key is not None and key not in stored],
    }
