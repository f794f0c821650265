"""The reviewed database of the report tests: seeds/004 (佛山 2023 summary + 2024 plan) matched against the
dev benchmark's 2024 summary, with a reviewer's status, a confirmed and a rejected link and a note on top.

Importable as ``reviewed_db`` from the tests in this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.review import decisions as annotate
from tracker.review.matching import match_database
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Candidate

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
OUTCOME = ROOT.parent / "shared" / "dev-benchmark" / "fs2024_outcome.txt"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

STATUS_REVIEWER = "李审核"
LINK_REVIEWER = "王核查"
NOTE = "总结只提到试点 | 未见全市推广"


@dataclass(frozen=True)
class Reviewed:
    """The database and the ids the reviewers decided about."""

    url: str
    status_commitment: str  # set to not_fulfilled by STATUS_REVIEWER, with NOTE
    confirmed: tuple[str, str]  # (commitment, achievement): a candidate LINK_REVIEWER confirmed
    rejected: tuple[str, str]  # (commitment, achievement): a suggestion LINK_REVIEWER rejected


def build(folder: Path, url: str) -> Reviewed:
    """Copy the two documents into ``folder``, ingest and match them into the empty database at ``url``,
    then take the reviewers' decisions."""
    (folder / "seeds").mkdir()
    (folder / "dev-benchmark").mkdir()
    shutil.copy(SEED_004, folder / "seeds")
    shutil.copy(OUTCOME, folder / "dev-benchmark")
    engine = make_engine(url)
    result = load_paths(engine, [str(folder / "seeds"), str(folder / "dev-benchmark")], base=folder)
    assert result.exit_code == 0
    match_database(engine)
    with read_session(engine) as session:
        rows = session.exec(Candidate.__table__.select()).all()  # type: ignore[attr-defined]
    suggested = [(r.commitment_id, r.achievement_id) for r in rows if r.state == "suggested"]
    candidates = [(r.commitment_id, r.achievement_id) for r in rows if r.state == "candidate"]
    status_commitment = suggested[0][0]
    confirmed = next(pair for pair in candidates if pair[0] != status_commitment)
    # a suggestion of a commitment with another one, so that rejecting it leaves a suggestion to quote
    twice = {cid for cid, _ in suggested if sum(1 for other, _ in suggested if other == cid) >= 2}
    rejected = next(
        pair for pair in suggested if pair[0] in twice and pair[0] not in (status_commitment, confirmed[0])
    )
    with write_session(engine) as session:
        annotate.set_status(session, status_commitment, "not_fulfilled", reviewer=STATUS_REVIEWER)
        annotate.add_note(session, status_commitment, NOTE, reviewer=STATUS_REVIEWER)
        annotate.decide_pair(session, "confirm", *confirmed, reviewer=LINK_REVIEWER)
        annotate.decide_pair(session, "reject", *rejected, reviewer=LINK_REVIEWER)
    engine.dispose()
    return Reviewed(url, status_commitment, confirmed, rejected)


def by_id(report: dict[str, Any], commitment_id: str) -> dict[str, Any]:
    return next(c for c in report["commitments"] if c["id"] == commitment_id)


def evidence_of(commitment: dict[str, Any], achievement_id: str) -> dict[str, Any]:
    return next(e for e in commitment["evidence"] if e["id"] == achievement_id)
