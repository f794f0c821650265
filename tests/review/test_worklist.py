"""The worklist: one row per commitment with its current status and whether a reviewer decided it, and
the overview of those rows per (agency, period)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from backends import own_database
from factories import make_document
from matched_db import FS, FS_EARLIER, FS_PLAN, GZ, PLAN, Ids, build, template

from tracker.review import decisions as annotate
from tracker.review.evidence import evidence_for
from tracker.review.matching import match_database
from tracker.review.status import current_statuses
from tracker.review.worklist import (
    ReviewRow,
    Summaries,
    Worklist,
    block_summaries,
    load_rows,
    refreshed,
    summarize,
)
from tracker.store.documents import save_document
from tracker.store.engine import read_session, write_session
from tracker.store.queries import list_commitments

MARRIAGE, REGULATION, CHARITY = "推进婚俗改革", "出台养老服务条例", "开展慈善宣传活动"
DRAFT = "养老服务条例草案已提交审议"


@pytest.fixture
def db_url(databases, request) -> str:
    """For a test that takes ``ids``, a copy of the matched database (``matched_db``, built once per
    backend); for the others, the empty one of tests/conftest.py."""
    if "ids" in request.fixturenames:
        return databases.copy_of(template(databases.backend))
    return own_database(databases, request)


@pytest.fixture
def ids(engine, backend) -> Ids:
    return template(backend).value


def rows(engine, ids: list[str] | None = None) -> list[ReviewRow]:
    with read_session(engine) as session:
        return load_rows(session, ids)


def by_text(engine) -> dict[str, ReviewRow]:
    return {row.text: row for row in rows(engine)}


def test_rows_come_in_document_order_with_the_matchers_status(engine, ids):
    found = rows(engine)
    assert [row.text for row in found] == FS_PLAN + PLAN  # plans/fs2024.txt sorts before plans/gz2024.txt
    assert [row.order for row in found] == list(range(len(found)))
    assert {row.source for row in found} == {"auto"} and not any(row.decided for row in found)
    status = {row.text: row.status for row in found}
    assert (status[FS_PLAN[0]], status[REGULATION], status[MARRIAGE]) == (
        "pending",
        "in_progress",
        "no_evidence",
    )
    with read_session(engine) as session:
        evidence = evidence_for(session, [row.id for row in found])
    best = {row.id: row.best_score for row in found}
    assert best[ids.c(FS_PLAN[0])] is None
    assert best[ids.c(MARRIAGE)] == max(item.score or 0 for item in evidence[ids.c(MARRIAGE)])


def test_before_matching_the_status_says_whether_a_summary_exists(engine):
    ids = build(engine, match=False)
    found = {row.id: row for row in rows(engine)}
    assert (found[ids.c(FS_PLAN[0])].status, found[ids.c(MARRIAGE)].status) == ("pending", "no_evidence")
    assert {row.source for row in found.values()} == {"auto"}
    assert {row.best_score for row in found.values()} == {None}


def test_a_status_or_a_link_decision_decides_a_commitment_but_a_note_does_not(engine, ids):
    with write_session(engine) as session:
        annotate.add_note(session, ids.c(CHARITY), "仅有宣传材料", reviewer="li")
        annotate.set_status(session, ids.c(MARRIAGE), "unverifiable", reviewer="li")
        annotate.decide_pair(session, "reject", ids.c(REGULATION), ids.a(DRAFT), reviewer="li")
    found = by_text(engine)
    assert not found[CHARITY].decided and found[CHARITY].source == "auto"
    assert found[MARRIAGE].decided
    assert (found[MARRIAGE].status, found[MARRIAGE].source) == ("unverifiable", "reviewer")
    assert found[REGULATION].decided
    assert (found[REGULATION].status, found[REGULATION].source) == ("no_evidence", "auto")
    assert not found[PLAN[0]].decided


def test_rows_of_some_commitments_only(engine, ids):
    wanted = [ids.c(CHARITY), ids.c(FS_PLAN[0])]
    assert [row.text for row in rows(engine, wanted)] == [FS_PLAN[0], CHARITY]
    assert rows(engine, []) == []


def test_refreshed_puts_fresh_rows_in_place_and_keeps_their_order(engine, ids):
    before = rows(engine)
    cid = ids.c(MARRIAGE)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
    fresh = rows(engine, [cid])
    assert fresh[0].order == 0
    after = refreshed(before, fresh)
    assert [row.id for row in after] == [row.id for row in before]
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    ((old, new),) = changed
    assert (new.id, new.status, new.source, new.decided, new.order) == (
        cid,
        "partial",
        "reviewer",
        True,
        old.order,
    )


def test_summarize_counts_each_agency_year_by_status_and_decided(engine, ids):
    with write_session(engine) as session:
        annotate.set_status(session, ids.c(MARRIAGE), "partial", reviewer="li")
        annotate.decide_pair(session, "reject", ids.c(REGULATION), ids.a(DRAFT), reviewer="li")
        annotate.add_note(session, ids.c(CHARITY), "仅有宣传材料", reviewer="li")
    found = rows(engine)
    blocks = summarize(found)
    assert [(b.agency, b.period, b.total, b.decided) for b in blocks] == [(FS, 2024, 1, 0), (GZ, 2024, 4, 2)]
    status = {row.text: row.status for row in found}
    gz = blocks[1]
    assert (status[MARRIAGE], status[REGULATION]) == ("partial", "no_evidence")
    assert gz.by_status == Counter(status[text] for text in PLAN)
    assert gz.by_topic == {"养老服务": gz.by_status}
    assert blocks[0].by_status == Counter({"pending": 1})


def row(
    cid: str, agency: str, period: int, status: str, *, topic: str = "", decided: bool = False
) -> ReviewRow:
    return ReviewRow(cid, agency, period, 0, "", topic, cid, status, "auto", None, decided)


def test_summarize_sorts_blocks_and_files_rows_without_a_topic_under_other():
    blocks = summarize(
        [
            row("c-1", GZ, 2025, "pending"),
            row("c-2", GZ, 2024, "fulfilled", topic="殡葬管理", decided=True),
            row("c-3", GZ, 2024, "fulfilled"),
            row("c-4", GZ, 2024, "partial", topic="殡葬管理"),
        ]
    )
    assert [(b.period, b.total, b.decided) for b in blocks] == [(2024, 3, 1), (2025, 1, 0)]
    assert blocks[0].by_status == Counter({"fulfilled": 2, "partial": 1})
    assert blocks[0].by_topic == {
        "殡葬管理": Counter({"fulfilled": 1, "partial": 1}),
        "其他": Counter({"fulfilled": 1}),
    }
    assert summarize([]) == []


def test_a_documents_own_summary_does_not_count_as_a_report_before_or_after_matching(engine):
    # A mid-year article with its 2021 results and its end-of-year 2021 targets: nothing else reports
    # on 2021, so its targets wait for a later report (pending), before matching and after it alike.
    with write_session(engine) as session:
        save_document(
            session,
            make_document("articles/zh2021.txt", plan=["建成养老服务站10个"], summary=["建成养老服务站6个"],
                          plan_period=2021, summary_period=2021),
        )  # fmt: skip
    with read_session(engine) as session:
        before = {row.text: row.status for row in load_rows(session)}
    match_database(engine)
    with read_session(engine) as session:
        after = {row.text: row.status for row in load_rows(session)}
        shown = {
            c.text: view.status
            for c, view in zip(
                list_commitments(session),
                current_statuses(session, list_commitments(session)).values(),
                strict=True,
            )
        }
    assert before == after == shown == {"建成养老服务站10个": "pending"}


def test_evidence_a_reviewer_links_counts_before_the_years_summary_exists(engine, ids):
    # 佛山 has no 2024 summary, so its 2024 commitment is pending; a reviewer links a result reported
    # in its 2023 summary, and the status follows that evidence instead of staying pending.
    assert by_text(engine)[FS_PLAN[0]].status == "pending"
    with write_session(engine) as session:
        annotate.decide_pair(session, "link", ids.c(FS_PLAN[0]), ids.a(FS_EARLIER[0], FS), reviewer="li")
    assert by_text(engine)[FS_PLAN[0]].status == "fulfilled"
    with write_session(engine) as session:
        annotate.undo_last(session, reviewer="li")
    assert by_text(engine)[FS_PLAN[0]].status == "pending"


def test_the_overview_the_database_counts_is_the_summary_of_the_rows(engine, ids):
    # The first screen shows these counts before a row is read: the same numbers, topics in the same
    # order (the chart lists equal counts in the order their topics first appear).
    with write_session(engine) as session:
        annotate.set_status(session, ids.c(MARRIAGE), "partial", reviewer="li")
        annotate.set_status(session, ids.c(CHARITY), "fulfilled", reviewer="li")
        annotate.set_status(session, ids.c(CHARITY), "unverifiable", reviewer="li")
        annotate.decide_pair(session, "reject", ids.c(REGULATION), ids.a(DRAFT), reviewer="li")
        annotate.add_note(session, ids.c(PLAN[0]), "仅有宣传材料", reviewer="li")
        annotate.decide_pair(session, "link", ids.c(FS_PLAN[0]), ids.a(FS_EARLIER[0], FS), reviewer="li")
    with read_session(engine) as session:
        counted = block_summaries(session)
        expected = summarize(load_rows(session))
    assert counted == expected
    assert [list(b.by_topic) for b in counted] == [list(b.by_topic) for b in expected]
    assert sum(b.decided for b in counted) == 4


def test_the_worklist_moves_a_decided_rows_counts_and_keeps_the_rest(engine, ids):
    before = rows(engine)
    worklist = Worklist(list(before))
    gz = worklist.block(GZ, 2024)
    assert [r.agency for r in gz] == [GZ] * len(PLAN) and worklist.block(GZ, 1999) == []
    with write_session(engine) as session:
        annotate.set_status(session, ids.c(MARRIAGE), "partial", reviewer="li")
        annotate.add_note(session, ids.c(CHARITY), "仅有宣传材料", reviewer="li")
    fresh = rows(engine, [ids.c(MARRIAGE), ids.c(CHARITY)])
    stranger = replace(fresh[0], id="c-none")
    changed = worklist.replace([*fresh, stranger])
    assert [r.id for r in changed] == [ids.c(MARRIAGE)] and changed[0].status == "no_evidence"
    assert worklist.rows == refreshed(before, fresh) and len(worklist) == len(before)
    assert worklist.get(ids.c(MARRIAGE)).status == "partial" and worklist.get("c-none") is None
    assert gz is worklist.block(GZ, 2024) and ids.c(MARRIAGE) in {r.id for r in gz if r.decided}
    recounted = Summaries.of(summarize(worklist.rows))
    assert worklist.summaries.blocks == recounted.blocks and worklist.summaries.total == recounted.total
    assert worklist.summaries.revisions[(GZ, 2024)] == 1 and not worklist.summaries.revisions[(FS, 2024)]


def test_a_block_summary_never_moves_a_topic_out_of_its_place():
    block = summarize([row("c-1", GZ, 2024, "pending", topic="养老"), row("c-2", GZ, 2024, "pending")])[0]
    summaries = Summaries.of([block])
    old = row("c-1", GZ, 2024, "pending", topic="养老")
    summaries.move(old, replace(old, status="fulfilled", decided=True))
    assert list(block.by_topic) == ["养老", "其他"] and list(summaries.total.by_topic) == ["养老", "其他"]
    assert block.by_topic["养老"] == Counter({"fulfilled": 1}) and block.decided == 1
    assert summaries.total.by_status == Counter({"fulfilled": 1, "pending": 1})
