"""A matching run over the database with the reviewer's decisions in force: the matcher ranks and
suggests (:mod:`tracker.match.run`), the decisions count for the automatic statuses, and the result
replaces the previous automatic output. No decision is ever written or changed here.

Scoring holds no lock: it reads in one snapshot, then the result is written in short transactions of
``WRITE_CHUNK`` commitments, so reviewers keep deciding (and an ingest keeps saving) while a large
database is matched. A decision taken while the run scored is not lost: each chunk recomputes the
automatic status of every commitment decided about since the run read the log. When documents were
saved or replaced meanwhile, the run scored text that has changed; it starts again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.match.link import LinkRule
from tracker.match.results import DEFAULT_SCORER, MatchRun, ScoredCandidate
from tracker.match.run import Progress, compute_matches
from tracker.review.status import refresh_statuses
from tracker.store.decision_log import reviewer_links
from tracker.store.engine import read_session, write_session
from tracker.store.matches import save_history, save_matches
from tracker.store.models import Decision, Document, Retraction
from tracker.store.queries import in_chunks

#: Commitments written per transaction: a reviewer's decision waits for one chunk at most.
WRITE_CHUNK = 500
#: Runs started again at most when documents keep changing under the matcher.
ATTEMPTS = 3


@dataclass
class MatchSummary:
    """What ``tracker match`` prints."""

    scorer: str
    blocks: int = 0
    commitments: int = 0
    candidates: int = 0
    suggested: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    learned: int = 0  # reviewed pairs the link decision was fitted again on


def compute_run(
    session: Session,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    rule: LinkRule | None = None,
    learn: bool = True,
) -> MatchRun:
    """The matcher's run in memory, with the stored link decisions counting for its statuses (and,
    with ``learn``, refitting the link decision on them once there are enough)."""
    return compute_matches(
        session,
        decided=reviewer_links(session),
        scorer=scorer,
        agency=agency,
        period=period,
        progress=progress,
        rule=rule,
        learn=learn,
    )


def match_database(
    engine: Engine,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    learn: bool = True,
) -> MatchSummary:
    """Recompute and store candidates, links and automatic statuses (see the module docstring).

    Raises:
        StoreError: documents changed under every one of ``ATTEMPTS`` runs, or the database failed.
    """
    for _attempt in range(ATTEMPTS):
        with read_session(engine) as session:
            mark = _LogMark.read(session)
            run = compute_run(
                session, scorer=scorer, agency=agency, period=period, progress=progress, learn=learn
            )
        if _write(engine, run, mark):
            return MatchSummary(
                scorer=scorer,
                blocks=run.blocks,
                commitments=len(run.statuses),
                candidates=len(run.candidates),
                suggested=sum(1 for c in run.candidates if c.state == "suggested"),
                statuses=dict(Counter(status.status for status in run.statuses.values())),
                learned=run.learned,
            )
    raise StoreError(
        "documents kept changing while matching", "run 'tracker match' again when ingest is done"
    )


@dataclass(frozen=True)
class _LogMark:
    """How far the decision log and the documents were when a run read them."""

    decision: int  # the latest decision's id
    retracted: frozenset[int]  # the decisions undone
    documents: tuple[int, str]  # how many, and the latest ingest time

    @classmethod
    def read(cls, session: Session) -> _LogMark:
        decision = session.exec(select(func.max(Decision.id))).one() or 0
        retracted = frozenset(session.exec(select(Retraction.decision_id)).all())
        return cls(decision, retracted, _documents(session))

    def decided_since(self, session: Session, commitment_ids: list[str]) -> list[str]:
        """Those of ``commitment_ids`` with a decision or an undo the mark has not seen."""
        mine = col(Decision.commitment_id).in_(commitment_ids)
        newer = set(
            session.exec(select(Decision.commitment_id).where(mine, col(Decision.id) > self.decision))
        )
        undone = select(Decision.commitment_id, Retraction.decision_id).join(
            Retraction, col(Retraction.decision_id) == col(Decision.id)
        )
        newer.update(cid for cid, did in session.exec(undone.where(mine)).all() if did not in self.retracted)
        return sorted(newer)


def _documents(session: Session) -> tuple[int, str]:
    count, latest = session.exec(select(func.count(col(Document.id)), func.max(Document.ingested_at))).one()
    return int(count), str(latest)


def _write(engine: Engine, run: MatchRun, mark: _LogMark) -> bool:
    """Write the run chunk by chunk; False (and nothing more written) once documents have changed."""
    candidates: dict[str, list[ScoredCandidate]] = defaultdict(list)
    for candidate in run.candidates:
        candidates[candidate.commitment_id].append(candidate)
    history: dict[str, list[Any]] = defaultdict(list)
    for pair in run.history:
        history[pair.commitment_id].append(pair)
    for chunk in in_chunks(list(run.statuses), WRITE_CHUNK):
        with write_session(engine) as session:
            if _documents(session) != mark.documents:
                return False
            save_matches(
                session,
                [c for cid in chunk for c in candidates.get(cid, [])],
                [run.statuses[cid] for cid in chunk],
                scorer=run.scorer,
                everything=False,
            )
            save_history(session, [p for cid in chunk for p in history.get(cid, [])], chunk)
            changed = mark.decided_since(session, chunk)
            if changed:
                refresh_statuses(session, changed)
    return True
