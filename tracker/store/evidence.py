"""A commitment's evidence as a reviewer sees it: the matcher's ranked candidates with the reviewer's
live decisions applied, then the achievements the reviewer linked by hand (no candidate row, no score).

The JSON report and the review UI both read evidence through here, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker.store.models import Achievement, Candidate
from tracker.store.repository import candidates_for, reviewer_links

_CHUNK = 500


@dataclass(frozen=True)
class Evidence:
    """One achievement offered for one commitment."""

    achievement: Achievement
    candidate: Candidate | None  # None for a link the reviewer made by hand
    state: str  # candidate, suggested, confirmed or rejected

    @property
    def score(self) -> float | None:
        return round(self.candidate.score, 1) if self.candidate is not None else None

    @property
    def rank(self) -> int | None:
        return self.candidate.rank if self.candidate is not None else None

    @property
    def shared_terms(self) -> list[str]:
        return list(self.candidate.shared_terms) if self.candidate is not None else []


def evidence_for(session: Session, commitment_ids: Sequence[str]) -> dict[str, list[Evidence]]:
    """Commitment id -> its evidence, ranked candidates first, hand links after (absent when none)."""
    wanted = list(dict.fromkeys(commitment_ids))
    reviewed = reviewer_links(session, wanted)
    ranked = candidates_for(session, wanted)
    needed = {c.achievement_id for candidates in ranked.values() for c in candidates}
    needed |= {aid for _cid, aid in reviewed}
    achievements = _achievements(session, sorted(needed))
    result: dict[str, list[Evidence]] = {}
    for cid, candidates in ranked.items():
        result[cid] = [
            Evidence(achievements[c.achievement_id], c, reviewed.get((cid, c.achievement_id), c.state))
            for c in candidates
            if c.achievement_id in achievements
        ]
    for (cid, aid), state in reviewed.items():
        if aid not in achievements or any(c.achievement_id == aid for c in ranked.get(cid, [])):
            continue
        result.setdefault(cid, []).append(Evidence(achievements[aid], None, state))
    return result


def _achievements(session: Session, ids: list[str]) -> dict[str, Achievement]:
    found: dict[str, Achievement] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(Achievement).where(col(Achievement.id).in_(ids[start : start + _CHUNK]))
        found.update((a.id, a) for a in session.exec(query).all())
    return found
