"""One commitment's detail (evidence with the reviewer's decisions applied, hand links last, notes, where
it comes from) and the link picker's achievement search."""

from __future__ import annotations

import pytest
from factories import make_document
from matched_db import (
    EARLIER,
    FS,
    FS_EARLIER,
    FS_PATH,
    FS_PLAN,
    GZ,
    PLAN_PATH,
    SUMMARY,
    SUMMARY_PATH,
    Ids,
    template,
)

from tracker.review import decisions as annotate
from tracker.review.detail import Source, find_achievements, load_detail
from tracker.store.documents import save_document
from tracker.store.engine import read_session, write_session

MARRIAGE = "推进婚俗改革"
CANTEEN = "建成长者饭堂120个"


@pytest.fixture
def db_url(databases) -> str:
    """A copy of the matched database (``matched_db``, built once per backend)."""
    return databases.copy_of(template(databases.backend))


@pytest.fixture
def ids(engine, backend) -> Ids:
    return template(backend).value


def detail(engine, commitment_id: str):
    with read_session(engine) as session:
        found = load_detail(session, commitment_id)
    assert found is not None
    return found


def test_detail_applies_decisions_and_lists_a_hand_link_last(engine, ids):
    cid, earlier = ids.c(MARRIAGE), ids.a(EARLIER[0])
    candidates = [item.id for item in detail(engine, cid).evidence]
    assert earlier not in candidates and len(candidates) == len(SUMMARY)
    with write_session(engine) as session:
        annotate.decide_pair(session, "reject", cid, ids.a(CANTEEN), reviewer="li")
        annotate.decide_pair(session, "link", cid, earlier, reviewer="li")
        annotate.add_note(session, cid, "二〇二三年已试点", reviewer="wang")
        annotate.add_note(session, cid, "见总结第三段", reviewer="li")

    shown = detail(engine, cid)
    assert [item.id for item in shown.evidence] == [*candidates, earlier]
    states = {item.id: item.evidence.state for item in shown.evidence}
    assert states == {
        **{aid: "candidate" for aid in candidates},
        ids.a(CANTEEN): "rejected",
        earlier: "confirmed",
    }
    hand = shown.evidence[-1].evidence
    assert (hand.score, hand.rank, hand.candidate, hand.shared_terms) == (None, None, None, [])
    scores = [item.evidence.score for item in shown.evidence[:-1]]
    assert None not in scores and scores == sorted(scores, reverse=True)

    assert (shown.row.status, shown.row.source, shown.row.decided) == ("fulfilled", "auto", True)
    assert shown.reason == "evidence reports it done"
    assert [note.split(" ", 1)[0] for note in shown.notes] == ["wang", "li"]
    assert shown.notes[0].endswith(": 二〇二三年已试点") and shown.notes[1].endswith(": 见总结第三段")


def test_detail_says_where_the_commitment_and_its_evidence_come_from(engine, ids):
    cid, earlier = ids.c(MARRIAGE), ids.a(EARLIER[0])
    with write_session(engine) as session:
        annotate.decide_pair(session, "link", cid, earlier, reviewer="li")
    shown = detail(engine, cid)
    assert shown.source == Source(PLAN_PATH, "plan", 2024, "2024年工作计划")
    assert shown.source.describe() == f"{PLAN_PATH} · 计划 2024 · 2024年工作计划"
    sources = {item.id: item.source for item in shown.evidence}
    assert sources[ids.a(CANTEEN)] == Source(SUMMARY_PATH, "summary", 2024, "2024年工作总结")
    assert sources[earlier] == Source(PLAN_PATH, "summary", 2023, "2023年工作总结")
    assert sources[earlier].short() == "总结 2023 · gz2024.txt"


def test_detail_without_evidence_explains_the_status(engine, ids):
    shown = detail(engine, ids.c(FS_PLAN[0]))
    assert shown.evidence == [] and shown.notes == []
    assert (shown.row.status, shown.reason) == ("pending", "no summary for this agency and period yet")
    assert shown.source.path == FS_PATH


def test_an_undone_note_leaves_the_detail(engine, ids):
    cid = ids.c(MARRIAGE)
    with write_session(engine) as session:
        annotate.add_note(session, cid, "留下", reviewer="wang")
        annotate.add_note(session, cid, "撤回", reviewer="li")
        annotate.undo_last(session, reviewer="li")
    assert [note.rsplit(": ", 1)[1] for note in detail(engine, cid).notes] == ["留下"]


def test_detail_of_a_commitment_not_stored_is_none(engine, ids):
    with read_session(engine) as session:
        assert load_detail(session, "c-0000000000000000") is None


def search(engine, agency: str, words: str, **options) -> list[str]:
    with read_session(engine) as session:
        return [a.text for a in find_achievements(session, agency, words, **options)]


def test_find_achievements_keeps_to_the_agency(engine, ids):
    assert search(engine, GZ, "婚俗") == EARLIER
    assert search(engine, FS, "婚俗") == FS_EARLIER
    assert search(engine, "深圳市民政局", "婚俗") == []


def test_find_achievements_requires_every_word(engine, ids):
    assert search(engine, GZ, "完成 改造") == ["完成区级福利院改造"]
    assert search(engine, GZ, "完成\u3000试点") == EARLIER  # the full-width space of Chinese input
    assert search(engine, GZ, "完成 饭堂") == []
    assert search(engine, GZ, "完成") == ["完成区级福利院改造", *EARLIER]  # newest period first


def test_find_achievements_without_words_lists_the_agency_newest_first(engine, ids):
    assert search(engine, GZ, "  ") == [*SUMMARY, *EARLIER]
    assert search(engine, GZ, "", limit=2) == SUMMARY[:2]


def test_find_achievements_takes_like_wildcards_literally(engine, ids):
    assert search(engine, GZ, "%") == [] and search(engine, GZ, "_") == []


def test_find_achievements_ignores_the_case_of_latin_letters(engine, ids):
    """As SQLite's LIKE does, and PostgreSQL's does not: the search means the same on both."""
    with write_session(engine) as session:
        save_document(session, make_document("summaries/gz-ppp.txt", summary=["推广PPP模式建设养老机构"]))
    assert search(engine, GZ, "ppp") == search(engine, GZ, "PpP 养老") == ["推广PPP模式建设养老机构"]
