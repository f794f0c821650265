"""The JSON report keeps the shape SPEC.md promises, and the table renders the same data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from backends import own_database
from factories import make_document, statement

from tracker.errors import UsageError
from tracker.ingest.parsed import Quantity
from tracker.report.json_report import build_report, render_json
from tracker.report.table import render_table_text, summary_counts
from tracker.review.status import list_commitments
from tracker.statuses import STATUS_LABELS
from tracker.store.decision_log import add_decision
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Candidate
from tracker.store.queries import list_achievements

COMMITMENT_KEYS = {
    "id", "agency", "period", "document", "section", "text", "topic", "targets", "status",
    "status_source", "evidence",
}  # fmt: skip
EXTRA_KEYS = {"deadline", "lead_unit", "testable", "times_stated"}
EVIDENCE_KEYS = {"id", "text", "document", "agency", "period", "score", "state", "shared_terms"}
ACHIEVEMENT_KEYS = {
    "id",
    "agency",
    "period",
    "document",
    "section",
    "text",
    "topic",
    "quantities",
    "supports",
}


def _fill(url: str) -> None:
    """A 2024 plan for 广州 with a 2024 summary, and a 2025 plan for 中山 with no summary."""
    engine = make_engine(url)
    plan = make_document("seeds/gz_plan.txt", plan=["推进养老服务标准化建设"], plan_period=2024)
    plan.parts[0].statements.insert(
        0,
        statement("打造100个长者饭堂示范点", section="二、… > 擦亮长者饭堂招牌",
                  quantities=[Quantity(100, "个", ">=", "打造100个")], testable=True),
    )  # fmt: skip
    summary = make_document(
        "seeds/gz_summary.txt", summary=["建成长者饭堂示范点80个", "出台条例"], summary_period=2024
    )
    zs = make_document("seeds/zs.txt", plan=["完善救助体系"], agency="中山市民政局", plan_period=2025)
    with write_session(engine) as session:
        for doc in (plan, summary, zs):
            save_document(session, doc)
    with write_session(engine) as session:
        canteen, standard = list_commitments(session, agency="广州市民政局")
        built, law = list_achievements(session, agency="广州市民政局")
        session.add(Candidate(commitment_id=canteen.id, achievement_id=law.id, rank=2, score=31.25))
        session.add(
            Candidate(commitment_id=canteen.id, achievement_id=built.id, rank=1, score=87.5, state="suggested",
                      shared_terms=["长者饭堂", "示范点"], scorer="test")
        )  # fmt: skip
        add_decision(session, commitment_id=standard.id, action="link", achievement_id=law.id, reviewer="li")
    engine.dispose()


@pytest.fixture
def db_url(databases, request) -> str:
    """For a test that takes ``filled``, a copy of the filled database (``_fill``, built once per
    backend); for the others, the empty one of tests/conftest.py."""
    if "filled" in request.fixturenames:
        return databases.copy_of(databases.backend.template("json_report", _fill))
    return own_database(databases, request)


@pytest.fixture
def filled(engine):
    """A 2024 plan for 广州 with a 2024 summary, and a 2025 plan for 中山 with no summary."""
    return engine


def report(engine, **filters):
    with read_session(engine) as session:
        return build_report(session, now=datetime(2026, 11, 22, 10, 0, tzinfo=UTC), **filters)


def test_report_has_the_spec_shape(filled):
    data = json.loads(render_json(report(filled)))
    assert data["generated_at"] == "2026-11-22T10:00:00Z"
    assert [c["document"] for c in data["commitments"]] == [
        "seeds/gz_plan.txt",
        "seeds/gz_plan.txt",
        "seeds/zs.txt",
    ]
    for c in data["commitments"]:
        assert c.keys() >= COMMITMENT_KEYS | EXTRA_KEYS
        assert isinstance(c["period"], int) and isinstance(c["targets"], list)
        assert c["status"] in STATUS_LABELS and c["status_source"] == "auto"
        for e in c["evidence"]:
            assert e.keys() >= EVIDENCE_KEYS
    for a in data["achievements"]:
        assert a.keys() >= ACHIEVEMENT_KEYS
    canteen = data["commitments"][0]
    assert canteen["section"] == "二、… > 擦亮长者饭堂招牌"
    assert canteen["targets"] == [{"quantity": 100, "unit": "个", "comparator": ">=", "text": "打造100个"}]
    assert canteen["testable"] is True and canteen["times_stated"] == 1


def test_status_is_pending_without_summary_and_no_evidence_with_one(filled):
    statuses = {c["agency"]: c["status"] for c in report(filled)["commitments"]}
    assert statuses == {"广州市民政局": "no_evidence", "中山市民政局": "pending"}


def test_evidence_is_ranked_with_state_and_supports_follow_links(filled):
    data = report(filled)
    canteen, standard, zs = data["commitments"]
    assert [(e["score"], e["state"]) for e in canteen["evidence"]] == [
        (87.5, "suggested"),
        (31.2, "candidate"),
    ]
    assert canteen["evidence"][0]["shared_terms"] == ["长者饭堂", "示范点"]
    assert canteen["evidence"][0]["document"] == "seeds/gz_summary.txt"
    assert [(e["state"], e["score"]) for e in standard["evidence"]] == [("confirmed", None)]
    assert zs["evidence"] == []
    supports = {a["text"]: a["supports"] for a in data["achievements"]}
    assert supports == {"建成长者饭堂示范点80个": [canteen["id"]], "出台条例": [standard["id"]]}


def test_reviewer_rejection_overrides_the_matcher(filled):
    with write_session(filled) as session:
        canteen = list_commitments(session)[0]
        add_decision(
            session,
            commitment_id=canteen.id,
            action="reject",
            achievement_id=list_achievements(session)[0].id,
        )
    data = report(filled)
    assert data["commitments"][0]["evidence"][0]["state"] == "rejected"
    assert data["achievements"][0]["supports"] == []


def test_filters_narrow_commitments_and_achievements(filled):
    only_zs = report(filled, agency="中山市民政局")
    assert [c["text"] for c in only_zs["commitments"]] == ["完善救助体系"]
    assert only_zs["achievements"] == []
    assert [c["period"] for c in report(filled, period=2024)["commitments"]] == [2024, 2024]
    assert [c["agency"] for c in report(filled, status="pending")["commitments"]] == ["中山市民政局"]
    with pytest.raises(UsageError):
        report(filled, status="done")


def test_empty_database_gives_empty_lists(engine):
    data = report(engine)
    assert data["commitments"] == [] and data["achievements"] == []
    assert "no commitments match" in render_table_text(data)


def test_table_shows_labels_beside_ids_and_a_summary(filled):
    data = report(filled)
    text = render_table_text(data)
    assert "seeds/gz_plan.txt" in text and "seeds/zs.txt" in text
    first_id = data["commitments"][0]["id"]
    assert re.search(re.escape(first_id) + r"\s*│\s*未见佐证", text)
    assert "待核查" in text and "汇总" in text
    assert "\x1b[" not in text
    assert {k: dict(v) for k, v in summary_counts(data).items()} == {
        ("中山市民政局", 2025): {"pending": 1},
        ("广州市民政局", 2024): {"no_evidence": 2},
    }
