"""The report as a newsroom may publish it (``tracker report --public``): what a reader needs to check a
status, and nothing of the review's working material.

:func:`public_report` takes a copy of the report dict out of which every reviewer's name, every
candidate the matcher ranked but did not link, every piece of evidence a reviewer rejected, the
reviewers' notes and the decisions that no longer decide anything are gone, so that no renderer can show
them by mistake; the renderers then say who decided by role and day (审核判定 · 2026-11-22, 编码员1 ·
2026-12-02, 已裁定 · 2026-12-02). A commitment's coders keep their roles and statuses, without names;
the coders' agreement keeps its overall figures, not the figures per pair of named coders.

Which evidence supports a status:

- a status a reviewer set: the evidence a reviewer confirmed (the reviewer answers for those links,
  not for the matcher's suggestions);
- an automatic status: the evidence it was computed from, the links the matcher suggested and those a
  reviewer confirmed (a confirmed link always counts, a rejected one never).
"""

from __future__ import annotations

from typing import Any

from tracker.report import common

#: History relations a published report shows: what the matcher linked or a reviewer confirmed.
_SHOWN_STATES = ("suggested", "confirmed")


def supporting_evidence(c: dict[str, Any]) -> list[dict[str, Any]]:
    """The evidence that supports ``c``'s status, confirmed first (see the module docstring)."""
    if c.get("status_source") == "reviewer":
        return [e for e in c.get("evidence", []) if e["state"] == "confirmed"]
    return common.linked_evidence(c.get("evidence", []))


def public_report(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` fit to publish (the module docstring says what goes); ``report`` is left as
    it was."""
    return {
        **report,
        "commitments": [public_commitment(c) for c in report.get("commitments", [])],
        "achievements": [],
        "orphaned_decisions": [],
        "agreement": public_agreement(report.get("agreement")),
        "public": True,
    }


#: What a published report keeps of the coders' agreement: the figures, none of the names.
_AGREEMENT_SHOWN = ("summary", "agency", "period", "units", "overall")


def public_agreement(agreement: dict[str, Any] | None) -> dict[str, Any] | None:
    """The coders' agreement fit to publish: the summary line and overall figures, without the
    reviewers, the figures per pair of them and their disagreements."""
    if agreement is None:
        return None
    return {key: agreement[key] for key in _AGREEMENT_SHOWN if key in agreement}


def public_commitment(c: dict[str, Any]) -> dict[str, Any]:
    """A copy of one commitment's row fit to publish (what :func:`public_report` does to each)."""
    history = c.get("history") or {}
    return {
        **c,
        "status_reviewer": None,
        "coding": public_coding(c.get("coding")),
        "notes": [],
        "evidence": [{**e, "decided_by": None} for e in supporting_evidence(c)],
        "history": {
            **history,
            "prior_evidence": [p for p in history.get("prior_evidence", []) if p["state"] in _SHOWN_STATES],
            "prior_commitments": [
                p for p in history.get("prior_commitments", []) if p["state"] in _SHOWN_STATES
            ],
        }
        if history
        else history,
    }


def public_coding(coding: dict[str, Any] | None) -> dict[str, Any] | None:
    """A commitment's ``coding`` without the coders' and the adjudicator's names (roles and statuses
    stay)."""
    if coding is None:
        return None
    adjudicator = coding.get("adjudicator")
    return {
        **coding,
        "coders": [{**coder, "reviewer": None} for coder in coding.get("coders", [])],
        "adjudicator": None if adjudicator is None else {**adjudicator, "reviewer": None},
    }
