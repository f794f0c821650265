"""Reviewer decisions survive re-ingesting a changed document (issue #6 item 6): decisions on commitments
that are still there stay in force (they reattach by stable id), decisions on commitments that are gone
stay in the log and are reported as orphaned, re-matching keeps all of them, and undo goes on working.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import OUTCOME, PLAN
from factories import make_document
from sqlmodel import select

from tracker.review.matching import match_database
from tracker.statuses import label
from tracker.store.decision_log import add_decision, orphaned_decisions, retract_last_decision
from tracker.store.documents import needs_matching, save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Commitment, CommitmentStatus, Decision
from tracker.store.queries import candidates_for, list_achievements, list_commitments

FS = "佛山市民政局"
EDITED = "推动儿童福利机构纳入残疾儿童康复救助定点服务机构范围"
EDITED_NEW = "推动儿童福利机构全部纳入残疾儿童康复救助定点服务机构范围"
REMOVED = "深入推进“乡村著名行动”,助力乡村全面振兴"
DECIDED = ("fulfilled", "partial", "not_fulfilled", "unverifiable")
ORPHAN_LINE = (
    "{n} reviewer decisions refer to commitments or evidence no longer in any document "
    '(tracker report --format json lists them under "orphaned_decisions")'
)


def _engine():
    return make_engine("sqlite:///work.db")


def _log() -> list[tuple]:
    engine = _engine()
    with read_session(engine) as session:
        rows = session.exec(select(Decision).order_by(Decision.id)).all()
        log = [
            (d.id, d.commitment_id, d.achievement_id, d.action, d.value, d.reviewer, d.created_at)
            for d in rows
        ]
    engine.dispose()
    return log


def _review() -> dict[str, object]:
    """A status on each of the 32 commitments of 佛山's 2024 plan, then two confirmations and a note."""
    engine = _engine()
    with write_session(engine) as session:
        plan = list_commitments(session, agency=FS, period=2024)
        by_text = {c.text: c.id for c in plan}
        kept, edited, removed = plan[0].id, by_text[EDITED], by_text[REMOVED]
        statuses = {c.id: DECIDED[i % len(DECIDED)] for i, c in enumerate(plan)}
        for cid, status in statuses.items():
            add_decision(session, commitment_id=cid, action="status", value=status, reviewer="li")
        best = {
            cid: found[0].achievement_id for cid, found in candidates_for(session, [kept, edited]).items()
        }
        add_decision(session, commitment_id=kept, action="confirm", achievement_id=best[kept], reviewer="li")
        add_decision(
            session, commitment_id=edited, action="confirm", achievement_id=best[edited], reviewer="li"
        )
        add_decision(session, commitment_id=removed, action="note", value="见年报第3页", reviewer="li")
    engine.dispose()
    return {
        "ids": set(statuses),
        "statuses": statuses,
        "kept": kept,
        "edited": edited,
        "removed": removed,
        "evidence": best[kept],
    }


def _edit(path: str, *changes: tuple[str, str]) -> str:
    original = Path(path).read_text(encoding="utf-8")
    text = original
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    Path(path).write_text(text, encoding="utf-8")
    return original


def _report(run) -> dict:
    code, out, err = run("report", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _fs_plan(report: dict) -> dict[str, dict]:
    return {c["id"]: c for c in report["commitments"] if c["agency"] == FS and c["period"] == 2024}


def _assert_in_force(report: dict, review: dict, ids: set[str]) -> None:
    plan = _fs_plan(report)
    for cid in ids:
        c = plan[cid]
        assert (c["status"], c["status_source"], c["status_reviewer"]) == (
            review["statuses"][cid],
            "reviewer",
            "li",
        ), c["text"]


def _evidence_state(report: dict, cid: str, aid: str) -> str:
    return next(e["state"] for e in _fs_plan(report)[cid]["evidence"] if e["id"] == aid)


def test_decisions_survive_a_changed_document_and_orphans_are_reported(run):
    review = _review()
    log = _log()
    assert len(log) == 35
    original = _edit(PLAN, (EDITED, EDITED_NEW), (REMOVED + "。", ""))

    code, out, err = run("ingest", "seeds")
    assert code == 0 and err == ""
    assert f"{PLAN}  [UTF-8]  {FS}  (replaced)" in out
    assert out.splitlines()[-1] == ORPHAN_LINE.format(n=4)
    assert _log() == log  # the log is never touched by an ingest

    report = _report(run)
    plan = _fs_plan(report)
    edited_new = next(cid for cid, c in plan.items() if c["text"] == EDITED_NEW)
    kept_ids = review["ids"] - {review["edited"], review["removed"]}
    assert set(plan) == kept_ids | {edited_new}
    _assert_in_force(report, review, kept_ids)  # 30 statuses still the reviewer's
    assert _evidence_state(report, review["kept"], review["evidence"]) == "confirmed"
    assert plan[edited_new]["status_source"] == "auto"
    orphans = report["orphaned_decisions"]
    assert [(d["action"], d["commitment_id"], d["commitment_text"], d["missing"]) for d in orphans] == [
        ("status", review["edited"], EDITED, ["commitment"]),
        ("status", review["removed"], REMOVED, ["commitment"]),
        ("confirm", review["edited"], EDITED, ["commitment"]),
        ("note", review["removed"], REMOVED, ["commitment"]),
    ]
    assert [d["id"] for d in orphans] == [
        row[0] for row in log if row[1] in (review["edited"], review["removed"])
    ]
    assert (
        orphans[0]["value"] == review["statuses"][review["edited"]] and orphans[3]["value"] == "见年报第3页"
    )
    assert {d["reviewer"] for d in orphans} == {"li"} and all(d["created_at"].endswith("Z") for d in orphans)
    assert orphans[2]["achievement_id"] is not None

    # Re-matching recomputes the automatic side only.
    code, out, err = run("match")
    assert code == 0 and err == ""
    rematched = _report(run)
    _assert_in_force(rematched, review, kept_ids)
    assert _evidence_state(rematched, review["kept"], review["evidence"]) == "confirmed"
    assert rematched["orphaned_decisions"] == orphans
    assert _log() == log

    # Undo takes back the latest decisions, orphaned or not.
    for expected_left in (3, 2):
        code, out, err = run("annotate", "undo", "--reviewer", "li")
        assert code == 0 and err == ""
        assert len(_report(run)["orphaned_decisions"]) == expected_left
    code, out, err = run("annotate", "undo", "--reviewer", "li")  # the confirmation of a kept commitment
    assert code == 0
    after_undo = _report(run)
    assert _evidence_state(after_undo, review["kept"], review["evidence"]) != "confirmed"
    _assert_in_force(after_undo, review, kept_ids)

    # The old text back: its decisions still live reattach, nothing is orphaned.
    Path(PLAN).write_text(original, encoding="utf-8")
    code, out, err = run("ingest", "seeds")
    assert code == 0 and "reviewer decision" not in out
    restored = _report(run)
    assert restored["orphaned_decisions"] == []
    _assert_in_force(restored, review, review["ids"])


def test_markdown_and_html_reports_list_orphaned_decisions(run):
    review = _review()
    _edit(PLAN, (REMOVED + "。", ""))
    assert run("ingest", "seeds")[0] == 0
    code, md, _ = run("report", "--format", "md")
    assert code == 0
    assert "## 失去对象的审核决定（2 条）" in md
    status = review["statuses"][review["removed"]]
    assert f"- 设定状态 {label(status)} · li · " in md and f"承诺已不在: {REMOVED}" in md
    code, html, _ = run("report", "--format", "html")
    assert code == 0
    assert '<section class="panel" id="orphaned-decisions"><h2>失去对象的审核决定 <small>2 条</small>' in html
    assert "备注 见年报第3页 · li · " in html


def test_an_ingest_stopped_before_matching_is_matched_by_the_next(run):
    """The same state as a kill between saving and matching: ``--no-match``. Before the fix the next
    ``tracker ingest`` found every file unchanged and never matched the replaced document."""
    _edit(PLAN, (EDITED, EDITED_NEW))
    code, out, _ = run("ingest", "--no-match", "seeds")
    assert code == 0 and "(replaced)" in out and "matched" not in out
    engine = _engine()
    with read_session(engine) as session:
        assert needs_matching(session)
    Path("empty.txt").write_text("")
    code, out, err = run("ingest", "empty.txt")  # a failed run changes nothing, not even matches
    assert code == 1 and err == "tracker: empty.txt: file is empty\n" and "matched" not in out
    with read_session(engine) as session:
        assert needs_matching(session)
    code, out, _ = run("ingest", "seeds")
    assert code == 0 and "unchanged, nothing to do" in out and "matched 32 commitments" in out
    with read_session(engine) as session:
        assert not needs_matching(session)
        commitments = set(session.exec(select(Commitment.id)).all())
        assert set(session.exec(select(CommitmentStatus.commitment_id)).all()) == commitments
    code, out, _ = run("ingest", "seeds")
    assert code == 0 and "matched" not in out  # now nothing is left to do
    engine.dispose()


def test_a_changed_summary_clears_the_statuses_it_reported_on(run):
    """A summary saved without matching leaves the statuses of its agency-year stale: they are removed
    with the save (the fallback shows meanwhile), so the next ingest matches them again."""
    lines = Path(OUTCOME).read_text(encoding="utf-8").split("\n")
    dropped = next(line for line in lines if len(line) > 40)
    _edit(OUTCOME, (dropped + "\n", ""))
    engine = _engine()
    with read_session(engine) as session:
        before = dict(session.exec(select(CommitmentStatus.commitment_id, CommitmentStatus.status)).all())
        fs2024 = {c.id for c in list_commitments(session, agency=FS, period=2024)}
    assert run("ingest", "--no-match", "dev-benchmark")[0] == 0
    with read_session(engine) as session:
        after = dict(session.exec(select(CommitmentStatus.commitment_id, CommitmentStatus.status)).all())
        assert needs_matching(session)
    assert set(after) == set(before) - fs2024 and fs2024
    code, out, _ = run("ingest", "dev-benchmark")
    assert code == 0 and "matched" in out
    with read_session(engine) as session:
        assert not needs_matching(session)
    engine.dispose()


def test_orphaned_decisions_are_the_live_ones_about_missing_statements(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    plan, summary = ["建成长者饭堂100个", "出台养老服务条例"], ["建成长者饭堂120个", "条例已出台"]
    with write_session(engine) as session:
        save_document(session, make_document("a.txt", plan=plan, summary=summary, summary_period=2024))
    with write_session(engine) as session:
        (c1, c2) = [c.id for c in list_commitments(session)]
        (x1, x2) = [a.id for a in list_achievements(session)]
        add_decision(session, commitment_id=c1, action="confirm", achievement_id=x1, reviewer="li")
        add_decision(session, commitment_id=c2, action="status", value="fulfilled", reviewer="li")
        add_decision(session, commitment_id=c2, action="link", achievement_id=x2, reviewer="li")
        add_decision(session, commitment_id="c-gone", action="note", value="?", reviewer="wang")
        assert orphaned_decisions(session)[0].commitment_id == "c-gone"
        retract_last_decision(session, "wang")
        assert orphaned_decisions(session) == []
    # The summary loses its second achievement, the plan its second commitment.
    with write_session(engine) as session:
        save_document(
            session, make_document("a.txt", plan=plan[:1], summary=summary[:1], summary_period=2024)
        )
        assert [(d.action, d.commitment_id) for d in orphaned_decisions(session)] == [
            ("status", c2),
            ("link", c2),
        ]
    with write_session(engine) as session:
        save_document(session, make_document("a.txt", plan=plan, summary=summary[:1], summary_period=2024))
        assert [(d.action, d.achievement_id) for d in orphaned_decisions(session)] == [("link", x2)]
    match_database(engine)
    with read_session(engine) as session:
        assert [(d.action, d.achievement_id) for d in orphaned_decisions(session)] == [("link", x2)]
    engine.dispose()
