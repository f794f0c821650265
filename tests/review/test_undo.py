"""Undo: a reviewer's decisions are taken back newest first, the state they changed comes back (statuses
recomputed after a link decision), and the log keeps every decision beside its retraction."""

from __future__ import annotations

import pytest
from matched_db import Ids, template
from sqlmodel import func, select

from tracker.cli.main import cli
from tracker.review import decisions as annotate
from tracker.review.detail import load_detail
from tracker.review.worklist import load_rows
from tracker.store.decision_log import reviewer_notes
from tracker.store.engine import read_session, write_session
from tracker.store.models import Decision, Retraction

MARRIAGE = "推进婚俗改革"  # no_evidence: the matcher links nothing to it
REGULATION = "出台养老服务条例"  # in_progress: the draft regulation is suggested
DONE = "完成区级福利院改造"  # a plain candidate reporting work done
DRAFT = "养老服务条例草案已提交审议"


@pytest.fixture
def db_url(databases) -> str:
    """A copy of the matched database (``matched_db``, built once per backend)."""
    return databases.copy_of(template(databases.backend))


@pytest.fixture
def ids(engine, backend) -> Ids:
    return template(backend).value


def row(engine, commitment_id: str):
    with read_session(engine) as session:
        (found,) = load_rows(session, [commitment_id])
    return found


def states(engine, commitment_id: str) -> dict[str, str]:
    with read_session(engine) as session:
        detail = load_detail(session, commitment_id)
    assert detail is not None
    return {item.id: item.evidence.state for item in detail.evidence}


def undo(engine, reviewer: str) -> Decision | None:
    with write_session(engine) as session:
        return annotate.undo_last(session, reviewer=reviewer)


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_undo_of_a_status_brings_back_the_previous_status(engine, ids):
    cid = ids.c(MARRIAGE)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
        annotate.set_status(session, cid, "not_fulfilled", reviewer="li")
    assert (row(engine, cid).status, row(engine, cid).source) == ("not_fulfilled", "reviewer")

    taken = undo(engine, "li")
    assert taken is not None and (taken.action, taken.value) == ("status", "not_fulfilled")
    assert (row(engine, cid).status, row(engine, cid).source) == ("partial", "reviewer")

    undo(engine, "li")
    assert (row(engine, cid).status, row(engine, cid).source) == ("no_evidence", "auto")
    assert not row(engine, cid).decided


def test_undo_of_a_confirm_brings_back_the_evidence_and_the_automatic_status(engine, ids):
    cid, aid = ids.c(MARRIAGE), ids.a(DONE)
    before = states(engine, cid)
    assert before[aid] == "candidate" and row(engine, cid).status == "no_evidence"

    with write_session(engine) as session:
        annotate.decide_pair(session, "confirm", cid, aid, reviewer="li")
    assert states(engine, cid)[aid] == "confirmed"
    assert (row(engine, cid).status, row(engine, cid).source) == ("fulfilled", "auto")

    taken = undo(engine, "li")
    assert taken is not None and (taken.action, taken.commitment_id, taken.achievement_id) == (
        "confirm",
        cid,
        aid,
    )
    assert states(engine, cid) == before
    assert (row(engine, cid).status, row(engine, cid).source) == ("no_evidence", "auto")
    with read_session(engine) as session:
        detail = load_detail(session, cid)
    assert detail is not None and detail.reason == "the summary reports nothing linked to it"


def test_undo_of_a_reject_brings_the_suggestion_back(engine, ids):
    cid, aid = ids.c(REGULATION), ids.a(DRAFT)
    assert states(engine, cid)[aid] == "suggested" and row(engine, cid).status == "in_progress"
    with write_session(engine) as session:
        annotate.decide_pair(session, "reject", cid, aid, reviewer="li")
    assert states(engine, cid)[aid] == "rejected" and row(engine, cid).status == "no_evidence"
    undo(engine, "li")
    assert states(engine, cid)[aid] == "suggested" and row(engine, cid).status == "in_progress"


def test_undo_of_a_hand_link_removes_it_from_the_evidence(engine, ids):
    cid, earlier = ids.c(MARRIAGE), ids.a("完成婚俗改革试点")
    with write_session(engine) as session:
        annotate.decide_pair(session, "link", cid, earlier, reviewer="li")
    assert states(engine, cid)[earlier] == "confirmed" and row(engine, cid).status == "fulfilled"
    undo(engine, "li")
    assert earlier not in states(engine, cid)
    assert row(engine, cid).status == "no_evidence"


def test_undo_takes_back_only_the_reviewers_decisions_newest_first(engine, ids):
    marriage, charity = ids.c(MARRIAGE), ids.c("开展慈善宣传活动")
    with write_session(engine) as session:
        annotate.set_status(session, marriage, "partial", reviewer="li")
        annotate.add_note(session, charity, "王的意见", reviewer="wang")
        annotate.decide_pair(session, "confirm", marriage, ids.a(DONE), reviewer="li")
        annotate.add_note(session, marriage, "李的意见", reviewer="li")
        annotate.set_status(session, charity, "in_progress", reviewer="wang")

    taken = [undo(engine, "li") for _ in range(4)]
    assert [(d.action, d.value) for d in taken if d is not None] == [
        ("note", "李的意见"),
        ("confirm", None),
        ("status", "partial"),
    ]
    assert taken[3] is None
    assert undo(engine, "li") is None

    assert count(engine, Decision) == 5
    with read_session(engine) as session:
        retractions = session.exec(select(Retraction)).all()
        notes = reviewer_notes(session)
    assert sorted((r.decision_id, r.reviewer) for r in retractions) == sorted(
        (d.id, "li") for d in taken if d is not None
    )
    assert [n.value for n in notes[charity]] == ["王的意见"] and marriage not in notes
    assert (row(engine, charity).status, row(engine, charity).source) == ("in_progress", "reviewer")
    assert (row(engine, marriage).status, row(engine, marriage).source) == ("no_evidence", "auto")


def test_undo_of_one_reviewer_leaves_the_status_another_set(engine, ids):
    cid = ids.c(MARRIAGE)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "in_progress", reviewer="wang")
        annotate.set_status(session, cid, "partial", reviewer="li")
    undo(engine, "li")
    assert (row(engine, cid).status, row(engine, cid).source) == ("in_progress", "reviewer")


def test_undo_with_nothing_decided_changes_nothing(engine, ids):
    assert undo(engine, "li") is None
    assert (count(engine, Decision), count(engine, Retraction)) == (0, 0)


# --- tracker annotate undo -------------------------------------------------------------------------


def invoke(runner, db_url, *args):
    result = runner.invoke(cli, ["--db", db_url, "annotate", *args])
    assert "Traceback" not in result.output
    return result


def test_cli_undo_says_what_it_took_back(runner, engine, ids, db_url):
    cid, aid = ids.c(MARRIAGE), ids.a(DONE)
    assert invoke(runner, db_url, "status", cid, "partial", "--reviewer", "li").exit_code == 0
    assert invoke(runner, db_url, "confirm", cid, aid, "--reviewer", "li").exit_code == 0
    assert invoke(runner, db_url, "note", cid, "待核实").exit_code == 0  # reviewer tester

    first = invoke(runner, db_url, "undo", "--reviewer", "li")
    assert first.exit_code == 0, first.stderr
    assert first.output == f"took back confirm {cid} ← {aid} (reviewer li)\n"
    second = invoke(runner, db_url, "undo", "--reviewer", "li")
    assert second.output == f"took back status {cid}: partial 部分兑现 (reviewer li)\n"
    third = invoke(runner, db_url, "undo", "--reviewer", "li")
    assert (third.exit_code, third.output) == (0, "nothing to undo for reviewer li\n")

    assert row(engine, cid).status == "no_evidence"
    mine = invoke(runner, db_url, "undo")
    assert (mine.exit_code, mine.output) == (0, f"took back note {cid} (reviewer tester)\n")
    assert count(engine, Decision) == 3 and count(engine, Retraction) == 3


def test_cli_undo_needs_an_existing_database(runner):
    result = runner.invoke(cli, ["annotate", "undo"])
    assert result.exit_code == 1
    assert result.stderr.startswith("tracker: database commitments.db does not exist")
