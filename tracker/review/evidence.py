"""A commitment's evidence as a reviewer sees it: the matcher's ranked candidates with the reviewer's
live decisions applied, then the achievements the reviewer linked by hand (no candidate row, no score).

The JSON report and the review UI both read evidence through here, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from tracker.match.resolve import evidence_state
from tracker.store.decision_log import reviewer_links
from tracker.store.models import Achievement, Candidate
from tracker.store.queries import candidates_for, rows_by_id

if TYPE_CHECKING:
    from tracker.match.model import Explanation


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

    @property
    def why(self) -> Explanation | None:
        """What made the matcher's score (None for a hand link or a baseline scorer's candidate)."""
        # imported here: the matcher's model (NumPy, the segmenter) is not loaded to show a screen
        from tracker.match.model import Explanation

        return Explanation.read(self.candidate.why) if self.candidate is not None else None


def evidence_for(session: Session, commitment_ids: Sequence[str]) -> dict[str, list[Evidence]]:
    """Commitment id -> its evidence, ranked candidates first, hand links after (absent when none)."""
    wanted = list(dict.fromkeys(commitment_ids))
    reviewed = reviewer_links(session, wanted)
    ranked = candidates_for(session, wanted)
    needed = {c.achievement_id for candidates in ranked.values() for c in candidates}
    needed |= {aid for _cid, aid in reviewed}
    achievements: dict[str, Achievement] = rows_by_id(session, Achievement, needed)
    result: dict[str, list[Evidence]] = {}
    for cid, candidates in ranked.items():
        result[cid] = [
            Evidence(
                achievements[c.achievement_id],
                c,
                evidence_state(c.state, reviewed.get((cid, c.achievement_id))),
            )
            for c in candidates
            if c.achievement_id in achievements
        ]
    for (cid, aid), state in reviewed.items():
        if aid not in achievements or any(c.achievement_id == aid for c in ranked.get(cid, [])):
            continue
        result.setdefault(cid, []).append(Evidence(achievements[aid], None, state))
    return result
