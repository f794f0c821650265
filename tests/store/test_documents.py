"""Saving parsed documents: one transaction, idempotent per path, decisions survive re-ingest."""

from __future__ import annotations

import pytest
from factories import make_document, statement
from sqlalchemy import text
from sqlmodel import Session, func, select

from tracker.errors import StoreError
from tracker.review.status import current_statuses, list_commitments
from tracker.store import ids
from tracker.store.decision_log import add_decision
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import (
    Achievement,
    Candidate,
    Commitment,
    CommitmentStatus,
    Decision,
    Document,
    Part,
)
from tracker.store.queries import list_achievements, parts_by_document

PLAN = ["建成社区嵌入式养老服务综合体不少于10个", "打造100个长者饭堂示范点", "推进养老服务标准化建设"]
SUMMARY = ["建成长者饭堂1200个", "出台养老服务条例"]


def counts(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Document, Part, Commitment, Achievement, Candidate, Decision, CommitmentStatus)
        }


def snapshot(engine) -> dict[str, list[tuple]]:
    with read_session(engine) as session:
        return {
            "documents": [(d.id, d.sha256) for d in session.exec(select(Document)).all()],
            "commitments": sorted(
                (c.id, c.text, c.times_stated) for c in session.exec(select(Commitment)).all()
            ),
            "achievements": sorted((a.id, a.text) for a in session.exec(select(Achievement)).all()),
            "parts": sorted(p.id for p in session.exec(select(Part)).all()),
        }


def save(engine, doc):
    with write_session(engine) as session:
        return save_document(session, doc)


def test_first_save_inserts_parts_and_statements(engine):
    result = save(engine, make_document(plan=PLAN, summary=SUMMARY))
    assert result.outcome == "inserted"
    assert (result.commitments, result.achievements) == (3, 2)
    assert [(p.kind, p.period, p.statements) for p in result.parts] == [
        ("summary", 2023, 2),
        ("plan", 2024, 3),
    ]
    assert counts(engine) | {} == {
        "Document": 1,
        "Part": 2,
        "Commitment": 3,
        "Achievement": 2,
        "Candidate": 0,
        "Decision": 0,
        "CommitmentStatus": 0,
    }
    with read_session(engine) as session:
        parts = parts_by_document(session, result.document_id)
        assert [p.kind for p in parts] == ["summary", "plan"]
        first = list_commitments(session)[0]
        assert first.id == ids.commitment_id("广州市民政局", 2024, PLAN[0])
        assert first.id.startswith("c-") and len(first.id) == 18


def test_ids_are_the_same_in_two_databases(databases):
    seen = []
    for name in ("one", "two"):
        engine = make_engine(databases.new(name))
        save(engine, make_document(plan=PLAN, summary=SUMMARY))
        with read_session(engine) as session:
            seen.append(
                ([c.id for c in list_commitments(session)], [a.id for a in list_achievements(session)])
            )
        engine.dispose()
    assert seen[0] == seen[1]


def test_resaving_an_unchanged_document_is_a_no_op(engine):
    save(engine, make_document(plan=PLAN))
    with read_session(engine) as session:
        before = session.exec(select(Document)).one().ingested_at
    result = save(engine, make_document(plan=PLAN))
    assert result.outcome == "unchanged"
    assert result.commitments == 3
    with read_session(engine) as session:
        assert session.exec(select(Document)).one().ingested_at == before
    assert counts(engine)["Commitment"] == 3


def test_changed_document_replaces_rows_but_keeps_decisions(engine):
    first = save(engine, make_document(plan=PLAN, summary=SUMMARY))
    kept, dropped = (
        ids.commitment_id("广州市民政局", 2024, PLAN[0]),
        ids.commitment_id("广州市民政局", 2024, PLAN[2]),
    )
    achievement = ids.achievement_id("广州市民政局", 2023, SUMMARY[0])
    with write_session(engine) as session:
        session.add(
            Candidate(commitment_id=kept, achievement_id=achievement, rank=1, score=80.0, state="suggested")
        )
        session.add(CommitmentStatus(commitment_id=kept, status="fulfilled"))
        add_decision(session, commitment_id=kept, action="confirm", achievement_id=achievement, reviewer="li")
        add_decision(session, commitment_id=dropped, action="note", value="见附件", reviewer="li")

    result = save(engine, make_document(plan=PLAN[:2] + ["新增一项任务"], summary=SUMMARY))
    assert result.outcome == "replaced"
    assert result.document_id == first.document_id
    snap = snapshot(engine)
    assert {c[1] for c in snap["commitments"]} == {PLAN[0], PLAN[1], "新增一项任务"}
    assert counts(engine)["Candidate"] == 0
    assert counts(engine)["CommitmentStatus"] == 0
    with read_session(engine) as session:
        decisions = session.exec(select(Decision).order_by(Decision.id)).all()
    assert [(d.commitment_id, d.action) for d in decisions] == [(kept, "confirm"), (dropped, "note")]
    assert decisions[1].commitment_text == PLAN[2]


def test_failing_save_leaves_the_database_as_it_was(engine):
    save(engine, make_document(plan=PLAN, summary=SUMMARY))
    before = snapshot(engine)
    broken = make_document(plan=PLAN + ["坏的一条"], summary=["另一份总结"])
    broken.parts[1].statements[-1].text = None  # NOT NULL violation after the old rows were deleted
    with pytest.raises(StoreError, match="seeds/demo.txt: not saved"):
        save(engine, broken)
    assert snapshot(engine) == before


def test_failing_save_inside_a_caller_transaction_rolls_back_only_that_document(engine):
    with write_session(engine) as session:
        save_document(session, make_document("a.txt", plan=["第一项"]))
        broken = make_document("b.txt", plan=["第二项"])
        broken.parts[0].statements[0].text = None
        with pytest.raises(StoreError):
            save_document(session, broken)
    assert [d[0] for d in snapshot(engine)["documents"]] == [ids.document_id("a.txt")]


def test_repeated_statement_in_one_document_is_merged(engine):
    doc = make_document(plan=[PLAN[0], PLAN[1], PLAN[0]])
    doc.parts[0].statements[2].times_stated = 2
    result = save(engine, doc)
    assert result.merged == 1
    assert result.commitments == 2
    times = {c[1]: c[2] for c in snapshot(engine)["commitments"]}
    assert times[PLAN[0]] == 3


def test_statement_owned_by_another_document_is_kept_and_counted(engine):
    save(engine, make_document("seeds/a.txt", plan=PLAN))
    result = save(engine, make_document("seeds/b.txt", plan=[PLAN[0], "只在b里的任务"]))
    assert result.already_stated == {"seeds/a.txt": 1}
    assert result.commitments == 1
    with read_session(engine) as session:
        row = session.get(Commitment, ids.commitment_id("广州市民政局", 2024, PLAN[0]))
        assert row.document_id == ids.document_id("seeds/a.txt")


def test_targets_round_trip_as_json(engine, target):
    doc = make_document(plan=[])
    doc.parts[0].statements.append(
        statement("打造100个长者饭堂示范点", quantities=[target], deadline="2024年底")
    )
    save(engine, doc)
    with read_session(engine) as session:
        row = list_commitments(session)[0]
    assert row.targets == [{"quantity": 100, "unit": "个", "comparator": ">=", "text": "打造100个"}]
    assert row.deadline == "2024年底"


def test_status_fallback_and_reviewer_override(engine):
    save(engine, make_document("plan.txt", plan=PLAN, plan_period=2024))
    with read_session(engine) as session:
        assert {v.status for v in current_statuses(session, list_commitments(session)).values()} == {
            "pending"
        }
    save(engine, make_document("summary.txt", summary=SUMMARY, summary_period=2024))
    with write_session(engine) as session:
        first = list_commitments(session)[0]
        add_decision(session, commitment_id=first.id, action="status", value="partial", reviewer="li")
    with read_session(engine) as session:
        rows = list_commitments(session)
        views = current_statuses(session, rows)
        assert (views[first.id].status, views[first.id].source) == ("partial", "reviewer")
        assert {views[r.id].status for r in rows[1:]} == {"no_evidence"}
        assert [r.id for r in list_commitments(session, status="partial")] == [first.id]
        assert list_commitments(session, period=2023) == []


@pytest.mark.parametrize(
    "action, value, message", [("status", "done", "unknown status"), ("approve", None, "action")]
)
def test_unknown_decision_is_refused(engine, action, value, message):
    with write_session(engine) as session, pytest.raises(StoreError, match=message):
        add_decision(session, commitment_id="c-0", action=action, value=value)


def test_sqlite_is_tuned(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(Exception, match="(?i)foreign key"), Session(engine) as session:
        session.add(Candidate(commitment_id="c-missing", achievement_id="a-missing", rank=1, score=1.0))
        session.commit()


@pytest.mark.parametrize("url", ["nosuchdb://x", "sqlite:////no/such/folder/x.db"])
def test_unusable_database_url_is_a_store_error(url):
    with pytest.raises(StoreError):
        make_engine(url)
