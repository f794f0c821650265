"""`tracker match` scores without holding the write lock: a reviewer decides while it runs, and the
decision counts in what the run writes; an agency whose documents were saved meanwhile is matched again
before the run ends."""

from __future__ import annotations

import threading

import matched_db
import pytest
from factories import make_document

from tracker.review import decisions, matching
from tracker.review.status import current_statuses
from tracker.store import engine as engine_module
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.queries import candidates_for, list_achievements, list_commitments


class PausedScoring:
    """Stands in for the matcher of one agency: scores as usual, then waits (the first ``pauses``
    times) until the test lets it go on, so the test can act while a run is between scoring an agency
    and writing it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, pauses: int = 1) -> None:
        self.real = matching.score_agency
        self.scored = threading.Event()
        self.go_on = threading.Event()
        self.pauses = pauses
        self.calls: list[str] = []
        monkeypatch.setattr(matching, "score_agency", self)

    def __call__(self, matcher, statements, *args, **options):
        result = self.real(matcher, statements, *args, **options)
        self.calls.append(statements.agency)
        if len(self.calls) <= self.pauses:
            self.scored.set()
            assert self.go_on.wait(60)
        return result


def run_in_thread(engine) -> tuple[threading.Thread, list]:
    done: list = []
    thread = threading.Thread(target=lambda: done.append(matching.match_database(engine)), daemon=True)
    thread.start()
    return thread, done


def status_of(engine, text: str) -> tuple[str, str]:
    with read_session(engine) as session:
        rows = [c for c in list_commitments(session) if c.text == text]
        view = current_statuses(session, rows)[rows[0].id]
    return view.status, view.source


def test_a_reviewer_decides_while_the_matcher_scores(engine, db_url, monkeypatch):
    ids = matched_db.build(engine)
    assert status_of(engine, "推进婚俗改革") == ("no_evidence", "auto")
    paused = PausedScoring(monkeypatch)
    thread, done = run_in_thread(engine)
    assert paused.scored.wait(60)
    # A reviewer's connection that would give up after 200 ms: the matcher must not hold the lock.
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    reviewer = make_engine(db_url)
    with write_session(reviewer) as session:
        decisions.decide_pair(session, "confirm", ids.c("推进婚俗改革"), ids.a("召开工作会议"), reviewer="li")
    reviewer.dispose()
    paused.go_on.set()
    thread.join(60)
    assert done and done[0].commitments == len(matched_db.PLAN) + len(matched_db.FS_PLAN)
    # The run read the log before the decision; what it wrote still counts the confirmed evidence.
    assert status_of(engine, "推进婚俗改革") == ("fulfilled", "auto")


def test_an_agency_whose_documents_are_saved_while_it_is_scored_is_matched_again(engine, db_url, monkeypatch):
    matched_db.build(engine)
    paused = PausedScoring(monkeypatch)
    thread, done = run_in_thread(engine)
    assert paused.scored.wait(60)
    other = make_engine(db_url)
    with write_session(other) as session:  # the summary now reports the reform too
        summary = [*matched_db.SUMMARY, "深入推进婚俗改革,举办集体婚礼6场"]
        save_document(session, make_document(matched_db.SUMMARY_PATH, summary=summary, summary_period=2024))
    other.dispose()
    paused.go_on.set()
    thread.join(60)
    assert done and paused.calls.count(matched_db.GZ) == 2 and paused.calls.count(matched_db.FS) == 1
    assert done[0].waiting == 0
    # The agency was scored again with the new summary: its new statement is evidence for the reform.
    with read_session(engine) as session:
        reform = next(c for c in list_commitments(session) if c.text == "推进婚俗改革")
        offered = [c.achievement_id for c in candidates_for(session, [reform.id]).get(reform.id, [])]
        new = next(a.id for a in list_achievements(session) if a.text.startswith("深入推进婚俗改革"))
    assert new in offered
    assert status_of(engine, "推进婚俗改革")[0] != "no_evidence"
