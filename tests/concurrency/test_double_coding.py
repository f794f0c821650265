"""Two coders double-coding the same commitments at the same time, each in an OS process of its own (on
SQLite and on PostgreSQL): both reach every commitment together, one through ``tracker annotate status``,
the other through the review desk. Every decision lands once, the disputes are exactly the commitments
they coded differently, and neither coder ever saw the other's status before setting their own.

Agreement by hand over the eight commitments (rows 张三, columns 李四)::

    张三 \\ 李四   fulfilled partial
    fulfilled        4        4
    partial          0        0

    p_o = 4/8 = 1/2;  p_e = (8·4 + 0·4) / 8² = 32/64 = 1/2;  κ = (1/2 − 1/2) / (1 − 1/2) = 0

On the coarse split both coders call all eight addressed: p_o = 1, p_e = 1, κ 1.0 by definition.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections import Counter

from annotators import decisions_by_reviewer
from double_coders import CODERS, PATHS, build, code, status_of

from tracker.review import team
from tracker.review.agreement import read_agreement
from tracker.review.desk import ReviewDesk
from tracker.store.engine import make_engine, read_session

TIMEOUT = 120


def run_coders(url: str, ids: list[str]) -> dict[str, tuple[list[str], list[str], int]]:
    """Start both coders' processes (spawned: a fresh interpreter each, as a second ``tracker`` is);
    each coder's (errors, violations, commitments checked)."""
    context = multiprocessing.get_context("spawn")
    step = context.Barrier(len(CODERS))  # passed once per commitment: the coders keep in step
    results = context.Queue()
    workers = [context.Process(target=code, args=(url, ids, coder, step, results)) for coder in CODERS]
    for worker in workers:
        worker.start()
    found: dict[str, tuple[list[str], list[str], int]] = {}
    deadline = time.monotonic() + TIMEOUT
    try:
        while len(found) < len(CODERS) and time.monotonic() < deadline:
            try:
                coder, errors, violations, checked = results.get(timeout=0.5)
            except queue.Empty:
                if any(worker.exitcode not in (None, 0) for worker in workers):
                    break  # a process died without reporting: it will not
                continue
            found[coder] = (errors, violations, checked)
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    assert [worker.exitcode for worker in workers] == [0] * len(CODERS)
    return found


def test_two_coders_at_once_stay_blind_and_leave_exactly_their_disputes(db_url):
    assert set(PATHS.values()) == {"annotate", "desk"}  # both ways of deciding are exercised
    ids = build(db_url)
    assert len(ids) == 8
    found = run_coders(db_url, ids)

    assert found == {coder: ([], [], len(ids)) for coder in CODERS}  # no error, no peek, all checked
    logged = decisions_by_reviewer(db_url)
    assert sorted(logged) == sorted(CODERS)
    for coder in CODERS:
        mine = logged[coder]
        assert {d.action for d in mine} == {"status"}
        assert Counter(d.commitment_id for d in mine) == Counter(ids)  # each decision exactly once
        assert {d.commitment_id: d.value for d in mine} == {
            cid: status_of(coder, i) for i, cid in enumerate(ids)
        }

    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            assert team.disputes(session) == ids[0::2]
            agreement = read_agreement(session)
        assert agreement.units == 8
        (pair,) = agreement.pairs
        assert (pair.first, pair.second) == CODERS  # 张三 < 李四 by code point
        assert pair.statuses.n == 8
        assert pair.statuses.percent == 0.5
        assert pair.statuses.confusion == ((4, 4), (0, 0))
        assert pair.statuses.kappa == 0.0
        assert (pair.coarse.percent, pair.coarse.kappa) == (1.0, 1.0)
        assert [d.commitment_id for d in agreement.disagreements] == ids[0::2]
        # both have decided: the blind is lifted, each sees the other's status
        for coder in CODERS:
            desk = ReviewDesk(engine, coder)
            for i, cid in enumerate(ids):
                detail = desk.detail(cid)
                assert detail is not None and detail.coding is not None
                assert detail.coding.statuses == {name: status_of(name, i) for name in CODERS}
            assert desk.team().disputes == tuple(ids[0::2])
    finally:
        engine.dispose()
