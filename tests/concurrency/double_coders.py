"""Two coders double-coding one plan at the same time, each in an OS process of its own: the plan (every
commitment on both worklists), one coder's work (a look at the detail, then a status, commitment by
commitment in step with the other coder) and what the coder saw of the other's status meanwhile.

A module of its own, as ``annotators`` is, so that spawned processes can import the worker (pytest puts
this folder on sys.path, and spawned processes inherit it).
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from factories import make_document

from tracker.cli.main import cli
from tracker.review import team
from tracker.review.desk import ReviewDesk, Step
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.queries import list_commitments

CODERS = ("张三", "李四")
PLAN = [f"完成第{n}批老旧小区适老化改造" for n in range(1, 9)]
#: How each coder writes: 张三 through ``tracker annotate status``, 李四 through the review UI's desk.
PATHS = {"张三": "annotate", "李四": "desk"}
#: How long a coder waits for the other at each commitment before giving up (a process died).
STEP_TIMEOUT = 60


def status_of(coder: str, index: int) -> str:
    """What ``coder`` sets on the commitment at ``index``: 张三 always fulfilled, 李四 partial on the even
    ones and fulfilled on the odd ones, so that the even ones are disputed."""
    if coder == "李四" and index % 2 == 0:
        return "partial"
    return "fulfilled"


def build(url: str) -> list[str]:
    """A plan of eight commitments, every one assigned to both coders (overlap 1); their ids in
    document order."""
    engine = make_engine(url)
    with write_session(engine) as session:
        save_document(session, make_document("plans/gz2024.txt", plan=PLAN))
    with write_session(engine) as session:
        result = team.assign(session, list(CODERS), overlap=1.0)
        assert (result.assigned, result.double_coded) == (len(PLAN), len(PLAN)), result
    with read_session(engine) as session:
        ids = [c.id for c in list_commitments(session)]
    engine.dispose()
    return ids


def _peek(desk: ReviewDesk, cid: str, coder: str, other: str, decided: bool) -> list[str]:
    """What is wrong in the detail of ``cid`` as ``coder`` sees it: the other coder's status shown
    while ``coder`` has not set one (``decided``: has), or ``coder``'s own status missing once set."""
    detail = desk.detail(cid)
    if detail is None or detail.coding is None:
        return [f"{cid}: no detail or no coding"]
    seen = dict(detail.coding.statuses)
    wrong = []
    if not decided:
        if other in seen:
            wrong.append(f"{cid}: saw {other}'s {seen[other]} before deciding")
        if detail.row.source == "reviewer":
            wrong.append(f"{cid}: the status in force, {detail.row.status}, is a reviewer's, before deciding")
        if not detail.row.blinded:
            wrong.append(f"{cid}: not blinded before deciding")
    elif coder not in seen:
        wrong.append(f"{cid}: own status missing after deciding")
    return wrong


def code(url: str, ids: list[str], coder: str, start: Any, results: Any) -> None:
    """One coder's process: for each commitment in turn, wait for the other coder (so both are on the
    same commitment at once), look at its detail, set a status (through the path of :data:`PATHS`),
    and check what the detail showed. Puts (coder, errors, violations, checked) on ``results``."""
    other = next(name for name in CODERS if name != coder)
    engine = make_engine(url)
    desk = ReviewDesk(engine, coder)
    runner = CliRunner()
    errors: list[str] = []
    violations: list[str] = []
    checked = 0
    for index, cid in enumerate(ids):
        try:
            start.wait(timeout=STEP_TIMEOUT)
        except Exception as exc:  # the other coder is gone: report, do not hang
            errors.append(f"{cid}: waiting for {other}: {type(exc).__name__}")
            break
        status = status_of(coder, index)
        try:
            violations += _peek(desk, cid, coder, other, decided=False)
            checked += 1
            if PATHS[coder] == "desk":
                taken = desk.take(Step("status", cid, value=status))
                if taken.touched != cid or taken.detail is None or taken.detail.coding is None:
                    errors.append(f"{cid}: the desk's step touched {taken.touched}")
                elif taken.detail.coding.statuses.get(coder) != status:
                    violations.append(f"{cid}: the desk's detail after the step lacks {coder}'s {status}")
            else:
                done = runner.invoke(
                    cli, ["--db", url, "annotate", "status", cid, status, "--reviewer", coder]
                )
                if done.exit_code != 0 or done.stderr:
                    errors.append(f"{cid}: annotate exit {done.exit_code}: {done.stderr.strip()}")
            violations += _peek(desk, cid, coder, other, decided=True)
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(f"{cid}: {type(exc).__name__}: {exc}")
    engine.dispose()
    results.put((coder, errors, violations, checked))
