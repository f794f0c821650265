"""A matching run over the database with the reviewer's decisions in force: the matcher ranks and
suggests (:mod:`tracker.match.run`), the decisions count for the automatic statuses, and the result
replaces the previous automatic output. No decision is ever written or changed here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.match.link import LinkRule
from tracker.match.results import DEFAULT_SCORER, MatchRun
from tracker.match.run import Progress, compute_matches
from tracker.store.decision_log import reviewer_links
from tracker.store.engine import write_session
from tracker.store.matches import save_matches


@dataclass
class MatchSummary:
    """What ``tracker match`` prints."""

    scorer: str
    blocks: int = 0
    commitments: int = 0
    candidates: int = 0
    suggested: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def compute_run(
    session: Session,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    rule: LinkRule | None = None,
) -> MatchRun:
    """The matcher's run in memory, with the stored link decisions counting for its statuses."""
    return compute_matches(
        session,
        decided=reviewer_links(session),
        scorer=scorer,
        agency=agency,
        period=period,
        progress=progress,
        rule=rule,
    )


def match_database(
    engine: Engine,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
) -> MatchSummary:
    """Recompute and store candidates, links and automatic statuses, in one transaction."""
    with write_session(engine) as session:
        run = compute_run(session, scorer=scorer, agency=agency, period=period, progress=progress)
        save_matches(
            session, run.candidates, list(run.statuses.values()), scorer=run.scorer, everything=run.complete
        )
    return MatchSummary(
        scorer=scorer,
        blocks=run.blocks,
        commitments=len(run.statuses),
        candidates=len(run.candidates),
        suggested=sum(1 for c in run.candidates if c.state == "suggested"),
        statuses=dict(Counter(status.status for status in run.statuses.values())),
    )
