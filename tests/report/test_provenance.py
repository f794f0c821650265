"""The report says where every commitment and piece of evidence comes from and who decided what, and
filters by topic; it reads the database in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from reviewed_db import LINK_REVIEWER, NOTE, NOW, STATUS_REVIEWER, by_id, evidence_of
from sqlalchemy import event

from tracker.errors import UsageError
from tracker.ingest.topics import OTHER, TOPIC_KEYWORDS
from tracker.report.json_report import build_report
from tracker.review import decisions as annotate
from tracker.store.engine import make_engine, read_session, write_session

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PROVENANCE_KEYS = {"status_source", "status_reviewer", "status_decided_at", "part", "document", "notes"}


def test_a_reviewer_status_names_the_reviewer_and_the_time(report_data, reviewed):
    c = by_id(report_data, reviewed.status_commitment)
    assert (c["status"], c["status_source"], c["status_reviewer"]) == (
        "not_fulfilled",
        "reviewer",
        STATUS_REVIEWER,
    )
    assert ISO_UTC.match(c["status_decided_at"])
    assert c["notes"] == [{"text": NOTE, "reviewer": STATUS_REVIEWER, "at": c["notes"][0]["at"]}]
    assert ISO_UTC.match(c["notes"][0]["at"])


def test_automatic_statuses_have_no_reviewer(report_data, reviewed):
    automatic = [c for c in report_data["commitments"] if c["id"] != reviewed.status_commitment]
    assert automatic
    for c in automatic:
        assert c.keys() >= PROVENANCE_KEYS
        assert (c["status_source"], c["status_reviewer"], c["status_decided_at"]) == ("auto", None, None)
        assert c["notes"] == []


def test_every_commitment_and_piece_of_evidence_names_its_part(report_data):
    assert report_data["commitments"]
    for c in report_data["commitments"]:
        assert c["document"] == "seeds/004_ff62929cf9cd0f9d.txt"
        # 发表时间:2024-02-22 dates the file, and with it the plan part
        assert c["part"] == {
            "kind": "plan",
            "period": 2024,
            "heading": "2024年工作计划",
            "as_of": "2024-02-22",
        }
        for e in c["evidence"]:
            assert e["document"] == "dev-benchmark/fs2024_outcome.txt"
            assert e["part"]["kind"] == "summary" and e["part"]["period"] == 2024
    assert all(a["part"]["kind"] == "summary" for a in report_data["achievements"])


def test_reviewed_evidence_names_who_decided_and_when(report_data, reviewed):
    commitment, achievement = reviewed.confirmed
    confirmed = evidence_of(by_id(report_data, commitment), achievement)
    assert (confirmed["state"], confirmed["decided_by"]) == ("confirmed", LINK_REVIEWER)
    assert ISO_UTC.match(confirmed["decided_at"])
    commitment, achievement = reviewed.rejected
    rejected = evidence_of(by_id(report_data, commitment), achievement)
    assert (rejected["state"], rejected["decided_by"]) == ("rejected", LINK_REVIEWER)
    undecided = [
        e
        for c in report_data["commitments"]
        for e in c["evidence"]
        if e["state"] in ("suggested", "candidate")
    ]
    assert undecided and all(e["decided_by"] is None and e["decided_at"] is None for e in undecided)


def test_an_undone_decision_leaves_no_provenance(db_copy, reviewed):
    engine = make_engine(db_copy)
    with write_session(engine) as session:
        annotate.undo_last(session, reviewer=STATUS_REVIEWER)  # the note
        annotate.undo_last(session, reviewer=STATUS_REVIEWER)  # the status
    with read_session(engine) as session:
        c = by_id(build_report(session, now=NOW), reviewed.status_commitment)
    engine.dispose()
    assert (c["status_source"], c["status_reviewer"], c["status_decided_at"], c["notes"]) == (
        "auto",
        None,
        None,
        [],
    )


def test_topic_narrows_the_commitments_only(reviewed, report_data):
    engine = make_engine(reviewed.url)
    with read_session(engine) as session:
        elderly = build_report(session, topic="养老服务", now=NOW)
        nothing = build_report(session, topic="党建", status="pending", now=NOW)
    engine.dispose()
    expected = [c["id"] for c in report_data["commitments"] if c["topic"] == "养老服务"]
    assert expected and [c["id"] for c in elderly["commitments"]] == expected
    assert elderly["filters"]["topic"] == "养老服务"
    assert len(elderly["achievements"]) == len(report_data["achievements"])
    assert nothing["commitments"] == []


def test_an_unknown_topic_is_a_usage_error_listing_the_known_ones(reviewed):
    engine = make_engine(reviewed.url)
    with read_session(engine) as session, pytest.raises(UsageError) as error:
        build_report(session, topic="养老")
    engine.dispose()
    assert error.value.exit_code == 2
    assert all(topic in str(error.value) for topic in [*TOPIC_KEYWORDS, OTHER])


def test_the_report_reads_a_fixed_number_of_queries(reviewed, report_data):
    """Fewer queries than commitments, and as many for all of them as for a few: none per commitment."""
    assert len(report_data["commitments"]) > 25
    engine = make_engine(reviewed.url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = {}
    for name, filters in {"all": {}, "one topic": {"topic": "儿童福利"}, "none": {"period": 1999}}.items():
        statements.clear()
        with read_session(engine) as session:
            build_report(session, **filters)
        counts[name] = len(statements)
    engine.dispose()
    assert counts["all"] <= 20 and counts["one topic"] <= counts["all"] + 1, counts
