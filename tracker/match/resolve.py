"""The matcher proposes, the reviewer decides: the two rules that turn both into what everyone shows.

- **The override rule** (:func:`evidence_state`, :func:`linked_achievements`): a reviewer's live link
  decision about a pair (confirmed or rejected) overrides the matcher's state of that pair (candidate or
  suggested); the links that count are the suggested and confirmed pairs, less the rejected ones. A
  candidate the matcher marks ``weighs`` (close to a link, not shown as 建议) counts for the automatic
  status as a suggested one does, unless rejected.
- **The status rule** (:func:`resolve_status`): a commitment's status is the reviewer's when one was set,
  else the matcher's, else the fallback used before the matcher has run.
- The automatic status of a commitment (:func:`automatic_status`) is computed from the links that count.

Pure functions over plain data: the matching run, the review screens, the reports and the evaluation
all call these, so they can never disagree. Reading the decisions in force is
:mod:`tracker.store.decision_log`; applying these rules to the database is :mod:`tracker.review`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.match.pace import is_interim
from tracker.match.results import StatusResult
from tracker.match.status import auto_status
from tracker.statuses import LINKED_STATES

if TYPE_CHECKING:
    from tracker.store.queries import Row

#: (commitment id, achievement id)
PairKey = tuple[str, str]


def evidence_state(matcher_state: str, reviewer_state: str | None) -> str:
    """The state of one pair as everyone shows it: the reviewer's decision, else the matcher's."""
    return reviewer_state if reviewer_state is not None else matcher_state


def linked_pairs(suggested: Iterable[PairKey], decided: Mapping[PairKey, str]) -> set[PairKey]:
    """The pairs that count as links: those the matcher suggests and those a reviewer confirmed,
    without those a reviewer rejected (``decided``: pair -> ``confirmed`` or ``rejected``)."""
    links = set(suggested)
    for pair, state in decided.items():
        if state in LINKED_STATES:
            links.add(pair)
        else:
            links.discard(pair)
    return links


def linked_achievements(candidates: Iterable[Any], decided: Mapping[PairKey, str]) -> dict[str, set[str]]:
    """Commitment id -> the achievements that count for its status, from candidates (anything with
    ``commitment_id``, ``achievement_id``, ``state`` and optionally ``weighs``) and the reviewer's
    decisions."""
    suggested = (
        (c.commitment_id, c.achievement_id)
        for c in candidates
        if c.state == "suggested" or getattr(c, "weighs", False)
    )
    linked: dict[str, set[str]] = defaultdict(set)
    for commitment_id, achievement_id in linked_pairs(suggested, decided):
        linked[commitment_id].add(achievement_id)
    return linked


def automatic_status(
    commitment: Row, linked: Iterable[str], achievements: Mapping[str, Row], *, has_summary: bool
) -> StatusResult:
    """The matcher's status of one commitment from the achievements linked to it.

    Evidence a reviewer linked counts even before the year's summary comes (a later report, or another
    year's summary, can show a commitment done); without any, no summary means pending. Evidence that
    comes only from interim reports (:func:`tracker.match.pace.is_interim`) is work so far.
    """
    rows = [achievements[a] for a in sorted(linked) if a in achievements]
    return auto_status(
        commitment.id,
        commitment.quantities,
        [(row.text, row.quantities) for row in rows],
        has_summary=has_summary or bool(rows),
        commitment_text=commitment.text,
        interim=bool(rows) and all(is_interim(row.period, row.as_of) for row in rows),
    )


def automatic_statuses(
    commitments: Sequence[Row],
    linked: Mapping[str, set[str]],
    achievements: Mapping[str, Row],
    has_summary: Mapping[str, bool],
) -> dict[str, StatusResult]:
    """:func:`automatic_status` of each commitment (``has_summary``: commitment id -> reported)."""
    return {
        c.id: automatic_status(c, linked.get(c.id, ()), achievements, has_summary=has_summary[c.id])
        for c in commitments
    }


@dataclass(frozen=True)
class StatusView:
    """A commitment's current status and who set it (``auto`` or ``reviewer``)."""

    status: str
    source: str


def resolve_status(
    commitment_id: str,
    reported: bool,
    reviewed: Mapping[str, str],
    automatic: Mapping[str, str],
) -> StatusView:
    """A reviewer's status, else the matcher's, else the fallback used until the matcher has run:
    ``no_evidence`` when another document reports on the agency and period (``reported``), else
    ``pending``. Every status shown anywhere is decided here."""
    if commitment_id in reviewed:
        return StatusView(reviewed[commitment_id], "reviewer")
    if commitment_id in automatic:
        return StatusView(automatic[commitment_id], "auto")
    return StatusView("no_evidence" if reported else "pending", "auto")
