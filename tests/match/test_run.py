"""Matching the real seeds and the development benchmark: decisions survive, quality does not regress."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tracker.report.json_report import build_report
from tracker.review.decisions import decide_pair
from tracker.review.matching import match_database
from tracker.review.status import current_statuses
from tracker.store.decision_log import add_decision
from tracker.store.documents import load_paths, save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Decision
from tracker.store.queries import list_achievements, list_commitments

# Not imported from conftest: run beside tests/report, "conftest" may name that folder's.
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEV_BENCHMARK = ROOT.parent / "shared" / "dev-benchmark"
OUTCOME = DEV_BENCHMARK / "fs2024_outcome.txt"
GOLD = DEV_BENCHMARK / "fs2024_gold.jsonl"


def _build(url: str) -> None:
    engine = make_engine(url)
    result = load_paths(engine, [str(SEEDS), str(OUTCOME)])
    assert not result.errors
    match_database(engine)
    engine.dispose()


def _built(databases, name: str):
    """A copy of seeds + dev outcome, matched (built once per backend)."""
    if not OUTCOME.exists():
        pytest.skip("../shared/dev-benchmark is not beside this checkout")
    engine = make_engine(databases.copy_of(databases.backend.template("dev", _build), name))
    yield engine
    engine.dispose()


@pytest.fixture
def dev_engine(databases):
    """Seeds + dev outcome, matched; tests may add review decisions to it."""
    yield from _built(databases, "dev")


@pytest.fixture
def unreviewed_engine(databases):
    """The same, never reviewed: what the matcher alone achieves."""
    yield from _built(databases, "unreviewed")


def _foshan_2024(report: dict) -> dict[str, dict]:
    return {
        c["text"]: c for c in report["commitments"] if c["agency"] == "佛山市民政局" and c["period"] == 2024
    }


def test_statuses_pending_where_no_report_exists(dev_engine) -> None:
    with read_session(dev_engine) as session:
        report = build_report(session)
    by_scope = {(c["agency"], c["period"], c["status"]) for c in report["commitments"]}
    # Guangzhou 2024 and Zhongshan 2025 have no summary; Zhuhai 2021's only report is the article that
    # set the targets, which does not count as their outcome.
    assert {s for a, p, s in by_scope if (a, p) in {("广州市民政局", 2024), ("中山市民政局", 2025)}} == {
        "pending"
    }
    assert {s for a, p, s in by_scope if (a, p) == ("珠海市民政局", 2021)} == {"pending"}
    statuses = {c["status"] for c in _foshan_2024(report).values()}
    assert "no_evidence" in statuses and "fulfilled" in statuses


def test_evidence_is_ranked_and_explained(dev_engine) -> None:
    with read_session(dev_engine) as session:
        report = build_report(session, agency="佛山市民政局", period=2024)
    beds = _foshan_2024(report)["进一步推进《佛山市养老服务条例》立法工作"]
    best = beds["evidence"][0]
    assert "条例" in best["text"] and best["state"] == "suggested"
    assert "条例" in best["shared_terms"]
    assert len(beds["evidence"]) >= 5
    scores = [e["score"] for e in beds["evidence"]]
    assert scores == sorted(scores, reverse=True)
    assert beds["status"] == "in_progress"  # 草案 submitted for 审议, being revised


def test_rematch_keeps_every_reviewer_decision(dev_engine) -> None:
    with read_session(dev_engine) as session:
        report = _foshan_2024(build_report(session, agency="佛山市民政局", period=2024))
    target = report["做好低保、特困提标工作"]
    suggested = next(e for e in target["evidence"] if e["state"] == "suggested")
    candidate = next(e for e in target["evidence"] if e["state"] == "candidate")
    with write_session(dev_engine) as session:
        add_decision(
            session,
            commitment_id=target["id"],
            action="reject",
            achievement_id=suggested["id"],
            reviewer="li",
        )
        add_decision(
            session,
            commitment_id=target["id"],
            action="confirm",
            achievement_id=candidate["id"],
            reviewer="li",
        )
        add_decision(session, commitment_id=target["id"], action="status", value="partial", reviewer="li")
        add_decision(
            session, commitment_id=target["id"], action="note", value="特困标准未见提标幅度", reviewer="li"
        )
    with read_session(dev_engine) as session:
        before = [
            (d.commitment_id, d.achievement_id, d.action, d.value) for d in session.exec(select(Decision))
        ]
    match_database(dev_engine)
    match_database(dev_engine, scorer="char_tfidf")
    match_database(dev_engine)
    with read_session(dev_engine) as session:
        after = [
            (d.commitment_id, d.achievement_id, d.action, d.value) for d in session.exec(select(Decision))
        ]
        again = _foshan_2024(build_report(session, agency="佛山市民政局", period=2024))[
            "做好低保、特困提标工作"
        ]
    assert after == before
    states = {e["id"]: e["state"] for e in again["evidence"]}
    assert states[suggested["id"]] == "rejected"
    assert states[candidate["id"]] == "confirmed"
    assert (again["status"], again["status_source"]) == ("partial", "reviewer")


def test_report_shows_target_beside_actual(tmp_path, databases) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "广州市民政局2024年工作计划\n一、加强基层党组织规范化建设\n推进“一支部一品牌”建设,创建不少于45个高标准支部品牌。"
        "实施居家适老化改造不少于300户。\n",
        encoding="utf-8",
    )
    summary = tmp_path / "summary.txt"
    summary.write_text(
        "广州市民政局2024年工作总结\n一、基层党组织建设\n全年创建高标准支部品牌61个。完成居家适老化改造231户。\n",
        encoding="utf-8",
    )
    engine = make_engine(databases.new("t"))
    assert not load_paths(engine, [str(plan), str(summary)]).errors
    match_database(engine)
    with read_session(engine) as session:
        report = {c["text"]: c for c in build_report(session)["commitments"]}
    engine.dispose()
    brands = report["创建不少于45个高标准支部品牌"]
    assert brands["status"] == "fulfilled"
    assert [(c["target"], c["actual"], c["ratio"], c["met"]) for c in brands["comparisons"]] == [
        ("不少于45个", "61个", 1.356, True)
    ]
    homes = report["实施居家适老化改造不少于300户"]
    assert homes["status"] == "partial"
    assert [(c["ratio"], c["met"]) for c in homes["comparisons"]] == [(0.77, False)]


@pytest.mark.parametrize("scope", [{}, {"period": 2024}, {"agency": "广州市民政局", "period": 2024}])
def test_a_hand_link_to_another_year_counts_in_every_match_scope(engine, make_doc, scope) -> None:
    with write_session(engine) as session:
        save_document(session, make_doc("plan.txt", plan=["推进婚俗改革"], summary=["完成婚俗改革试点"]))
        save_document(session, make_doc("sum.txt", summary=["召开工作会议"], summary_period=2024))
    match_database(engine)
    with write_session(engine) as session:
        (commitment,) = list_commitments(session)
        (earlier,) = list_achievements(session, period=2023)
        decide_pair(session, "link", commitment.id, earlier.id, reviewer="li")
    match_database(engine, **scope)
    with read_session(engine) as session:
        assert current_statuses(session, [commitment])[commitment.id].status == "fulfilled"
