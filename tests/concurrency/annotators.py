"""Reviewers working at once, each in an OS process of its own: a small database to review, the work one
reviewer does (decisions of every kind through ``tracker.review.decisions``, one transaction each, then some
undos) and the checks that nothing was lost, mixed up or left stale.

Importable as ``annotators`` (pytest puts this folder on sys.path, and spawned processes inherit it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factories import make_document
from sqlmodel import Session, col, select

from tracker.review import decisions as annotate
from tracker.review.status import refresh_statuses
from tracker.statuses import STATUSES
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import CommitmentStatus, Decision, Retraction
from tracker.store.queries import list_achievements, list_commitments

PLAN = [f"建成第{n}批社区养老服务站" for n in range(1, 7)]
SUMMARY = [f"建成社区养老服务站{n}0个" for n in range(1, 9)]
#: What a reviewer does at step i: i % len(ACTIONS).
ACTIONS = ("status", "note", "confirm", "reject", "link", "unlink")


@dataclass(frozen=True)
class Statements:
    commitments: list[str]
    achievements: list[str]


def build(url: str) -> Statements:
    """A plan of six commitments and a summary of eight achievements, unmatched."""
    engine = make_engine(url)
    with write_session(engine) as session:
        save_document(session, make_document("plans/gz2024.txt", plan=PLAN))
        save_document(session, make_document("summaries/gz2024.txt", summary=SUMMARY, summary_period=2024))
    with read_session(engine) as session:
        found = Statements(
            [c.id for c in list_commitments(session)], [a.id for a in list_achievements(session)]
        )
    engine.dispose()
    return found


def note_text(reviewer: str, step: int) -> str:
    return f"{reviewer} 第{step}条"


def decide(session: Session, statements: Statements, reviewer: str, number: int, step: int) -> None:
    """Reviewer ``number``'s decision ``step``: every action in turn on one commitment, then the next; the
    even and the odd reviewers each keep to the same commitment at the same time, so that decisions
    about one commitment collide."""
    commitments, achievements = statements.commitments, statements.achievements
    commitment = commitments[(step // len(ACTIONS) + number % 2) % len(commitments)]
    achievement = achievements[(step * 3 + number) % len(achievements)]
    action = ACTIONS[step % len(ACTIONS)]
    if action == "status":
        annotate.set_status(session, commitment, STATUSES[step % len(STATUSES)], reviewer=reviewer)
    elif action == "note":
        annotate.add_note(session, commitment, note_text(reviewer, step), reviewer=reviewer)
    else:
        annotate.decide_pair(session, action, commitment, achievement, reviewer=reviewer)


def review(
    url: str,
    statements: Statements,
    reviewer: str,
    number: int,
    decisions: int,
    undos: int,
    start: Any,
    results: Any,
) -> None:
    """One reviewer's process: ``decisions`` decisions, then ``undos`` undos, each in a transaction of its
    own (as a key press in the review UI or one ``tracker annotate`` is). Puts (reviewer, errors) on
    ``results``: any exception that would have reached the user."""
    errors: list[str] = []
    engine = make_engine(url)
    start.wait(timeout=120)
    for step in range(decisions):
        try:
            with write_session(engine) as session:
                decide(session, statements, reviewer, number, step)
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(f"decision {step}: {type(exc).__name__}: {exc}")
    for step in range(undos):
        try:
            with write_session(engine) as session:
                if annotate.undo_last(session, reviewer=reviewer) is None:
                    errors.append(f"undo {step}: nothing to undo")
        except Exception as exc:
            errors.append(f"undo {step}: {type(exc).__name__}: {exc}")
    engine.dispose()
    results.put((reviewer, errors))


def decisions_by_reviewer(url: str) -> dict[str, list[Decision]]:
    engine = make_engine(url)
    found: dict[str, list[Decision]] = {}
    with read_session(engine) as session:
        for decision in session.exec(select(Decision).order_by(col(Decision.id))).all():
            found.setdefault(decision.reviewer, []).append(decision)
    engine.dispose()
    return found


def retractions(url: str) -> dict[int, str]:
    """Retracted decision id -> who retracted it."""
    engine = make_engine(url)
    with read_session(engine) as session:
        found = {r.decision_id: r.reviewer for r in session.exec(select(Retraction)).all()}
    engine.dispose()
    return found


def stale_statuses(url: str) -> dict[str, tuple[Any, Any]]:
    """Commitment id -> (stored, recomputed) for each stored automatic status that is not what the
    decisions in force give: a reviewer's link decision computed against a state another one had
    already changed."""
    engine = make_engine(url)
    with Session(engine) as session:
        stored = {
            row.commitment_id: (row.status, row.detail)
            for row in session.exec(select(CommitmentStatus)).all()
        }
        fresh = refresh_statuses(session, sorted(stored))
        session.rollback()
    engine.dispose()
    recomputed = {cid: (result.status, result.detail) for cid, result in fresh.items()}
    return {cid: (stored[cid], recomputed[cid]) for cid in stored if stored[cid] != recomputed[cid]}


def statuses_stored(url: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = len(session.exec(select(CommitmentStatus)).all())
    engine.dispose()
    return found
