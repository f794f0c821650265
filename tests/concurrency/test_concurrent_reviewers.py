"""Several reviewers deciding on one database at the same time, each in its own OS process: on SQLite two
(WAL, busy timeout, BEGIN IMMEDIATE), on PostgreSQL eight. No decision is lost, no error reaches a
reviewer, an undo only ever takes back its reviewer's own decision, and no automatic status is left
computed against a state another reviewer had already changed."""

from __future__ import annotations

import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from annotators import (
    PLAN,
    build,
    decisions_by_reviewer,
    note_text,
    retractions,
    review,
    stale_statuses,
    statuses_stored,
)

from tracker.review import decisions as annotate
from tracker.store.engine import make_engine, write_session

#: Backend -> (reviewer processes, decisions each, undos each).
WORKLOAD = {"sqlite": (2, 200, 20), "postgresql": (8, 100, 15)}
TIMEOUT = 120


def run_reviewers(url: str, processes: int, decisions: int, undos: int) -> dict[str, list[str]]:
    """Start the reviewer processes together (spawned: a fresh interpreter each, as a second ``tracker``
    is); their errors by reviewer."""
    statements = build(url)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(
            target=review, args=(url, statements, f"reviewer{n}", n, decisions, undos, start, results)
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    errors: dict[str, list[str]] = {}
    deadline = time.monotonic() + TIMEOUT
    try:
        while len(errors) < processes and time.monotonic() < deadline:
            try:
                reviewer, found = results.get(timeout=0.5)
            except queue.Empty:
                if any(worker.exitcode not in (None, 0) for worker in workers):
                    break  # a process died without reporting: it will not
                continue
            errors[reviewer] = found
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    assert [worker.exitcode for worker in workers] == [0] * processes
    return errors


def test_reviewers_in_parallel_processes_lose_nothing(db_backend, db_url):
    processes, decisions, undos = WORKLOAD[db_backend]
    errors = run_reviewers(db_url, processes, decisions, undos)

    reviewers = [f"reviewer{n}" for n in range(processes)]
    assert errors == {reviewer: [] for reviewer in reviewers}
    logged = decisions_by_reviewer(db_url)
    assert sorted(logged) == reviewers
    assert sum(len(mine) for mine in logged.values()) == processes * decisions
    retracted = retractions(db_url)
    assert len(retracted) == processes * undos
    for reviewer, mine in logged.items():
        assert len(mine) == decisions
        assert {d.value for d in mine if d.action == "note"} == {
            note_text(reviewer, step) for step in range(1, decisions, 6)
        }
        # Undo took back exactly this reviewer's latest decisions, and nobody else's.
        undone = {d.id for d in mine if d.id in retracted}
        assert undone == {d.id for d in mine[-undos:]}
        assert {retracted[i] for i in undone} == {reviewer}
    assert statuses_stored(db_url) == len(PLAN)  # every commitment had link decisions
    assert stale_statuses(db_url) == {}


def tracker_command() -> list[str]:
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker.cli"]


def test_two_annotate_commands_in_loops_on_one_sqlite_file(tmp_path):
    """Two shells running ``tracker annotate`` over and over on the same file: every line lands."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    commitment = build(url).commitments[0]
    rounds = 6
    env = os.environ | {"TRACKER_DB": url}
    failures: list[str] = []

    def loop(reviewer: str) -> None:
        for step in range(rounds):
            done = subprocess.run(
                [*tracker_command(), "annotate", "note", commitment, note_text(reviewer, step)]
                + ["--reviewer", reviewer],
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            if done.returncode != 0 or done.stderr:
                failures.append(f"{reviewer} {step}: exit {done.returncode}: {done.stderr.strip()}")

    threads = [threading.Thread(target=loop, args=(reviewer,)) for reviewer in ("li", "wang")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    logged = decisions_by_reviewer(url)
    for reviewer in ("li", "wang"):
        assert [d.value for d in logged[reviewer]] == [note_text(reviewer, step) for step in range(rounds)]


@pytest.mark.postgres
@pytest.mark.parametrize("earlier", [False, True], ids=["first-status", "status-stored"])
def test_on_postgresql_decisions_about_one_commitment_take_turns(postgres, tmp_path, earlier):
    """li's unlink of a piece of evidence is not committed yet when wang rejects another piece of the same
    commitment: wang's decision waits for li's, then goes in, and its automatic status counts li's too
    (without waiting, wang would compute it from the state before li's decision, and either fail on
    the status row li inserted or overwrite li's status with a stale one)."""
    url = postgres.new(tmp_path, "turns")
    statements = build(url)
    commitment, (a0, a1) = statements.commitments[0], statements.achievements[:2]
    zhao, li, wang = make_engine(url), make_engine(url), make_engine(url)
    errors: list[str] = []

    def wang_rejects() -> None:
        try:
            with write_session(wang) as session:
                annotate.decide_pair(session, "reject", commitment, a1, reviewer="wang")
        except Exception as exc:  # reported below
            errors.append(f"{type(exc).__name__}: {exc}")

    try:
        if earlier:
            with write_session(zhao) as session:
                annotate.decide_pair(session, "link", commitment, a0, reviewer="zhao")
        second = threading.Thread(target=wang_rejects)
        with write_session(li) as session:
            annotate.decide_pair(session, "unlink" if earlier else "link", commitment, a0, reviewer="li")
            second.start()
            second.join(timeout=0.5)
            assert second.is_alive(), "wang's decision did not wait for li's"
        second.join(timeout=TIMEOUT)
        assert errors == []
        assert stale_statuses(url) == {}
    finally:
        for engine in (zhao, li, wang):
            engine.dispose()
        postgres.drop(url)


@pytest.mark.postgres
def test_on_postgresql_two_undos_of_one_reviewer_at_once_take_back_two_decisions(postgres, tmp_path):
    """li presses undo in two windows at once: the second undo waits for the first and then takes back
    li's decision before, instead of the same one again (a duplicate retraction)."""
    url = postgres.new(tmp_path, "undos")
    first, second = build(url).commitments[:2]
    one, two = make_engine(url), make_engine(url)
    errors: list[str] = []

    def undo_again() -> None:
        try:
            with write_session(two) as session:
                annotate.undo_last(session, reviewer="li")
        except Exception as exc:  # reported below
            errors.append(f"{type(exc).__name__}: {exc}")

    try:
        with write_session(one) as session:
            annotate.set_status(session, first, "partial", reviewer="li")
            annotate.set_status(session, second, "partial", reviewer="li")
        other = threading.Thread(target=undo_again)
        with write_session(one) as session:
            annotate.undo_last(session, reviewer="li")
            other.start()
            other.join(timeout=0.5)
            assert other.is_alive(), "the second undo did not wait for the first"
        other.join(timeout=TIMEOUT)
        assert errors == []
        assert sorted(retractions(url)) == [d.id for d in decisions_by_reviewer(url)["li"]]
    finally:
        one.dispose()
        two.dispose()
        postgres.drop(url)
