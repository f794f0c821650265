"""The automatic status of a commitment from the evidence linked to it.

- ``pending``: no summary of the commitment's agency and period has been ingested yet.
- ``no_evidence``: a summary exists and nothing in it is linked.
- Numeric targets are checked against reported figures of the same unit: every target met is
  ``fulfilled``, any missed is ``partial`` (target >=300 户 vs 231 户: 77 %).
- Otherwise the wording of the evidence decides: results that are still on the way (草案, 征求意见,
  审议, 调研, 启动, 计划 …) are ``in_progress``; some done and some on the way is ``partial``; done is
  ``fulfilled`` (a process commitment such as 深化婚俗改革 is fulfilled by the activity reported).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tracker.match.results import StatusResult

UNFINISHED = re.compile(
    r"正在|正结合|草案|征求意见|审议|初审|调研|论证|启动|计划|拟|筹备|筹建|修订稿|试运行|推进中|尚未|即将|待(?!遇)"
)
# Count words that name the same kind of thing: a target in 个 is met by a figure in 家 or 处.
_UNIT_FAMILIES = [{"个", "家", "处", "所", "座"}, {"人", "名"}, {"场", "场次", "次"}]


def _same_unit(a: str, b: str) -> bool:
    if a == b:
        return True
    return any(a in family and b in family for family in _UNIT_FAMILIES)


def compare_targets(
    targets: Sequence[dict[str, Any]], evidence_quantities: Sequence[dict[str, Any]]
) -> list[dict]:
    """Each target beside the best reported figure of the same unit (none found: not compared)."""
    comparisons = []
    for target in targets:
        figures = [q for q in evidence_quantities if _same_unit(q["unit"], target["unit"]) and q["unit"]]
        if not figures:
            continue
        wanted = float(target["quantity"])
        if target["comparator"] == "<=":
            actual = min(float(q["quantity"]) for q in figures)
            met = actual <= wanted
        else:
            actual = max(float(q["quantity"]) for q in figures)
            met = actual >= wanted * (0.95 if target["comparator"] == "~" else 1.0)
        source = next(q for q in figures if float(q["quantity"]) == actual)
        comparisons.append(
            {
                "target": target["text"],
                "actual": source["text"],
                "target_quantity": wanted,
                "actual_quantity": actual,
                "unit": target["unit"],
                "ratio": round(actual / wanted, 3) if wanted else None,
                "met": met,
            }
        )
    return comparisons


def auto_status(
    commitment_id: str,
    targets: Sequence[dict[str, Any]],
    evidence: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    *,
    has_summary: bool,
) -> StatusResult:
    """Status of one commitment.

    Args:
        evidence: (text, quantities) of every achievement linked to it.
        has_summary: whether a summary of the commitment's agency and period exists.
    """
    if not has_summary:
        return StatusResult(commitment_id, "pending", {"reason": "no summary for this agency and period yet"})
    if not evidence:
        return StatusResult(
            commitment_id, "no_evidence", {"reason": "the summary reports nothing linked to it"}
        )
    comparisons = compare_targets(targets, [q for _text, quantities in evidence for q in quantities])
    if comparisons:
        missed = [c for c in comparisons if not c["met"]]
        status = "partial" if missed else "fulfilled"
        return StatusResult(commitment_id, status, {"reason": "numeric targets", "comparisons": comparisons})
    unfinished = [text for text, _q in evidence if UNFINISHED.search(text)]
    if len(unfinished) == len(evidence):
        return StatusResult(commitment_id, "in_progress", {"reason": "evidence reports work under way"})
    if unfinished:
        return StatusResult(
            commitment_id,
            "partial",
            {"reason": "part reported done, part under way", "under_way": unfinished},
        )
    return StatusResult(commitment_id, "fulfilled", {"reason": "evidence reports it done"})
