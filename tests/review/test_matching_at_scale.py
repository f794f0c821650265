"""Matching at scale gives the result of one plain run: in worker processes, in shards (one after the
other or at once), and incrementally after an ingest, which matches only the agencies it touched and
ends where a full run would; what an ingest does not touch keeps its rows."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from factories import make_document
from sqlalchemy import text
from sqlmodel import select

from tracker.match.pool import Shard, cores, shard_of, worker_count
from tracker.review import matching
from tracker.review.decisions import decide_pair
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Achievement, Commitment, MatchQueue
from tracker.store.queries import list_achievements, list_commitments

AGENCIES = ("广州市民政局", "佛山市民政局", "中山市民政局", "珠海市民政局", "江门市民政局", "惠州市民政局")
PLANS = (
    "建成长者饭堂示范点{n}个",
    "出台养老服务条例",
    "推进婚俗改革试点",
    "开展慈善宣传活动{n}场",
    "完成区级福利院改造",
    "新增家庭养老床位{n}张",
)
RESULTS = (
    "建成长者饭堂{n}个",
    "养老服务条例草案已提交审议",
    "婚俗改革试点通过验收",
    "举办慈善宣传活动{n}场",
    "召开工作会议",
    "新增家庭养老床位{n}张",
)
TABLES = {
    "candidate": "commitment_id, achievement_id, rank, score, state, shared_terms, weighs, why",
    "history_candidate": "commitment_id, relation, other_id, period, rank, score, state",
    "commitmentstatus": "commitment_id, status, source, detail",
}


def _document(agency: str, year: int, index: int):
    """``agency``'s summary of ``year - 1`` with its plan for ``year`` (every agency a little apart)."""
    plan = [p.format(n=10 * (index + 1) + year % 10) for p in PLANS[index % 2 :]]
    summary = [r.format(n=10 * (index + 1) + year % 10 - 3) for r in RESULTS[: 4 + index % 3]]
    return make_document(
        f"docs/{index}-{year}.txt", agency=agency, plan=plan, summary=summary,
        plan_period=year, summary_period=year - 1,
    )  # fmt: skip


def _outcome(agency: str, year: int, index: int):
    """A summary of ``year`` alone, in a document of its own."""
    results = [r.format(n=10 * (index + 1) + year % 10) for r in RESULTS]
    return make_document(
        f"docs/{index}-{year}-summary.txt", agency=agency, summary=results, summary_period=year
    )


def _build(url: str) -> None:
    engine = make_engine(url)
    with write_session(engine) as session:
        for index, agency in enumerate(AGENCIES):
            for year in (2023, 2024):
                save_document(session, _document(agency, year, index))
            if index % 2 == 0:
                save_document(session, _outcome(agency, 2024, index))
    engine.dispose()


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.execute(text(f"SELECT {columns} FROM {table} ORDER BY 1, 2, 3"))
            ]
            for table, columns in TABLES.items()
        }


@pytest.fixture
def built(databases):
    """A fresh copy of the unmatched database, its engine, and the dump of one plain run over it."""
    template = databases.backend.template("scale", _build)

    def fresh(name: str):
        return make_engine(databases.copy_of(template, name))

    reference = fresh("reference")
    matching.match_database(reference)
    expected = _dump(reference)
    reference.dispose()
    assert expected["candidate"] and expected["history_candidate"]
    return fresh, expected


def test_worker_processes_give_the_result_of_one_run(built):
    fresh, expected = built
    engine = fresh("processes")
    summary = matching.match_database(engine, processes=2)
    assert summary.processes == 2 and summary.commitments == len(expected["commitmentstatus"])
    assert _dump(engine) == expected
    engine.dispose()


def test_two_shards_one_after_the_other_give_the_result_of_one_run(built):
    fresh, expected = built
    assert {shard_of(agency, 2) for agency in AGENCIES} == {1, 2}  # both shards have work
    engine = fresh("shards")
    first = matching.match_database(engine, shard=Shard(1, 2))
    assert 0 < len(_dump(engine)["commitmentstatus"]) < len(expected["commitmentstatus"])
    second = matching.match_database(engine, shard=Shard(2, 2))
    assert first.commitments + second.commitments == len(expected["commitmentstatus"])
    assert _dump(engine) == expected
    engine.dispose()


def test_two_shards_at_once_neither_lose_nor_duplicate_a_row(built):
    fresh, expected = built
    engine = fresh("together")
    errors: list[BaseException] = []

    def shard(index: int) -> None:
        try:
            own = make_engine(engine.url.render_as_string(hide_password=False))
            matching.match_database(own, shard=Shard(index, 2))
            own.dispose()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=shard, args=(index,)) for index in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert _dump(engine) == expected
    engine.dispose()


def _as_full_run(fresh, engine, change) -> None:
    """The tables of ``engine`` are those a full run gives a fresh copy of the database after ``change``
    (a function of a write session)."""
    full = fresh(f"full-{id(change)}")
    with write_session(full) as session:
        change(session)
    matching.match_database(full)
    assert _dump(engine) == _dump(full)
    full.dispose()


def test_an_ingest_matches_only_the_agency_it_touches_and_ends_as_a_full_run(built, monkeypatch):
    fresh, _expected = built
    engine = fresh("incremental")
    matching.match_database(engine)
    before = _dump(engine)
    scored: list[str] = []
    real = matching.score_agency
    monkeypatch.setattr(matching, "score_agency", lambda *a, **k: scored.append(a[1].agency) or real(*a, **k))
    agency = AGENCIES[1]

    def change(session) -> None:  # 佛山's 2024 summary comes
        save_document(session, _outcome(agency, 2024, 1))

    with write_session(engine) as session:
        change(session)
    summary = matching.match_database(engine, changed=True)
    assert summary.changed and scored == [agency] and summary.blocks == 2  # its 2023 and 2024 plans
    with read_session(engine) as session:
        assert session.exec(select(MatchQueue)).all() == []
        mine = {c.id for c in list_commitments(session, agency=agency)}
    after = _dump(engine)
    for table in TABLES:  # every other agency keeps its rows exactly
        assert [r for r in after[table] if r[0] not in mine] == [r for r in before[table] if r[0] not in mine]
        assert any(r[0] in mine for r in after[table])
    assert after != before
    _as_full_run(fresh, engine, change)


def test_one_agency_to_match_is_matched_in_this_process_whatever_the_processes_asked(built):
    """A worker takes whole agencies: forking two to match the one agency an ingest touched only costs
    the fork and the hand-over of its result."""
    fresh, _expected = built
    engine = fresh("one-agency")
    matching.match_database(engine)
    agency = AGENCIES[1]

    def change(session) -> None:
        save_document(session, _outcome(agency, 2024, 1))

    with write_session(engine) as session:
        change(session)
    summary = matching.match_database(engine, changed=True, processes=2)
    assert summary.changed and summary.processes == 1 and summary.blocks == 2
    _as_full_run(fresh, engine, change)
    assert worker_count(2, 10_000, agencies=1) == 1 and worker_count(2, 10_000, agencies=5) == 2
    assert worker_count(None, 10_000, agencies=3) == min(3, cores())


def test_an_earlier_summary_saved_later_gives_the_next_years_plan_its_history(built):
    fresh, _expected = built
    engine = fresh("history")
    matching.match_database(engine)
    agency = AGENCIES[3]
    with read_session(engine) as session:
        plan = {c.id for c in list_commitments(session, agency=agency, period=2024)}

    def prior_evidence() -> set[tuple[str, str]]:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT commitment_id, other_id FROM history_candidate WHERE relation = 'prior_evidence'"
                )
            )
            return {(c, o) for c, o in rows if c in plan}

    def change(session) -> None:  # a separate 2023 summary of the agency
        save_document(session, _outcome(agency, 2023, 3))

    earlier = prior_evidence()
    with write_session(engine) as session:
        change(session)
    matching.match_database(engine, changed=True)
    with read_session(engine) as session:
        new = {a.id for a in list_achievements(session, agency=agency, period=2023)} - {
            o for _c, o in earlier
        }
    assert {o for _c, o in prior_evidence()} & new
    _as_full_run(fresh, engine, change)
    engine.dispose()


def test_documents_replaced_and_redated_are_matched_again(built):
    fresh, _expected = built
    engine = fresh("replaced")
    matching.match_database(engine)
    agency = AGENCIES[0]
    plan = [p.format(n=1) for p in PLANS[:2]]
    shorter = make_document("docs/0-2024.txt", agency=agency, plan=plan, plan_period=2025)
    with write_session(engine) as session:  # a plan replaced by a shorter one for another year
        save_document(session, shorter)
    summary = matching.match_database(engine, changed=True)
    assert summary.blocks == 2  # 2025, and 2023, whose summary was in the replaced document
    with read_session(engine) as session:
        assert {c.period for c in list_commitments(session, agency=agency)} == {2023, 2025}
    outcome = _outcome(agency, 2024, 0)
    outcome.redate(dt.date(2024, 6, 30))  # the same summary, dated mid-year: an interim report
    with write_session(engine) as session:
        assert save_document(session, outcome).outcome == "redated"
    assert matching.match_database(engine, changed=True).agencies == {agency}
    with read_session(engine) as session:
        assert session.exec(select(MatchQueue)).all() == []
        statuses = dict(session.execute(text("SELECT commitment_id, status FROM commitmentstatus")).all())
        assert all(c.id in statuses for c in list_commitments(session))

    def change(session) -> None:
        save_document(session, make_document("docs/0-2024.txt", agency=agency, plan=plan, plan_period=2025))
        redated = _outcome(agency, 2024, 0)
        redated.redate(dt.date(2024, 6, 30))
        save_document(session, redated)

    _as_full_run(fresh, engine, change)
    engine.dispose()


def test_another_link_decision_matches_every_agency_again(built, monkeypatch):
    fresh, _expected = built
    engine = fresh("refit")
    matching.match_database(engine)
    with write_session(engine) as session:  # as if the link decision had been fitted again
        session.execute(text("UPDATE match_state SET value = 'another' WHERE name = 'matcher'"))
    summary = matching.match_database(engine, changed=True)
    assert not summary.changed and summary.agencies == set(AGENCIES)
    assert not matching.match_database(engine, changed=True).agencies  # and then nothing is queued
    engine.dispose()


def test_a_reviewers_link_to_another_year_counts_after_an_incremental_run(built):
    fresh, _expected = built
    engine = fresh("links")
    matching.match_database(engine)
    agency = AGENCIES[2]
    with read_session(engine) as session:
        commitment = list_commitments(session, agency=agency, period=2024)[-1]
        earlier = next(a for a in list_achievements(session, agency=agency, period=2023))
    with write_session(engine) as session:
        decide_pair(session, "link", commitment.id, earlier.id, reviewer="li")
        save_document(session, _outcome(agency, 2023, 2))  # the agency changes: it is matched again
    matching.match_database(engine, changed=True)
    with read_session(engine) as session:
        query = text("SELECT status FROM commitmentstatus WHERE commitment_id = :c")
        assert session.execute(query, {"c": commitment.id}).one()[0] not in ("no_evidence", "pending")
        assert session.get(Commitment, commitment.id) and session.get(Achievement, earlier.id)
    engine.dispose()


def test_a_link_to_another_agencys_evidence_follows_that_evidence_when_its_document_changes(built):
    fresh, _expected = built
    engine = fresh("cross")
    matching.match_database(engine)
    mine, theirs = AGENCIES[1], AGENCIES[0]  # 佛山 has no 2024 summary; 广州 has one
    with read_session(engine) as session:
        commitment = list_commitments(session, agency=mine, period=2024)[0]
        evidence = list_achievements(session, agency=theirs, period=2024)[0]
    with write_session(engine) as session:
        decide_pair(session, "link", commitment.id, evidence.id, reviewer="li")

    def status() -> str:
        with read_session(engine) as session:
            query = text("SELECT status FROM commitmentstatus WHERE commitment_id = :c")
            return session.execute(query, {"c": commitment.id}).one()[0]

    assert status() == "fulfilled"
    with write_session(engine) as session:  # 广州's 2024 summary replaced: the linked statement is gone
        other = _outcome(theirs, 2024, 0)
        other.parts[0].statements = other.parts[0].statements[1:]
        other.sha256 = "1" * 64
        save_document(session, other)
    summary = matching.match_database(engine, changed=True)
    assert summary.agencies == {theirs}
    assert status() == "pending"  # 佛山 2024 has no report of its own
    engine.dispose()
