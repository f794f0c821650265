"""Review as a team: the split of ``tracker assign``, blind double coding, the adjudication queue and its
rules, and assignments and codings carried by export and import (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest
from factories import make_document
from sqlmodel import select

from tracker.cli.main import cli
from tracker.errors import UsageError
from tracker.review import decisions, team
from tracker.review.desk import ReviewDesk, Step
from tracker.review.exchange import export_records, import_lines
from tracker.review.exchange_lines import parse_lines, render_jsonl
from tracker.store.assignments import coders, worklist_ids
from tracker.store.decision_log import reviewer_statuses
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Decision
from tracker.store.queries import list_commitments

PLAN = [f"建成第{n}批社区养老服务站" for n in range(1, 13)]
SUMMARY = ["建成社区养老服务站30个", "开展培训3期"]


def _fill(url: str) -> list[str]:
    """A plan of twelve commitments of 广州 2024 and its summary; the commitments' ids in document order."""
    engine = make_engine(url)
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=PLAN))
        save_document(session, make_document("sum.txt", summary=SUMMARY, summary_period=2024))
    with read_session(engine) as session:
        ids = [c.id for c in list_commitments(session)]
    engine.dispose()
    return ids


@pytest.fixture
def db_url(databases) -> str:
    return databases.copy_of(databases.backend.template("team", _fill))


@pytest.fixture
def ids(db_url, backend) -> list[str]:
    return backend.template("team", _fill).value


def _assign(db_url: str, reviewers=("张三", "李四"), overlap: float = 1.0) -> None:
    with write_session(make_engine(db_url)) as session:
        team.assign(session, list(reviewers), overlap=overlap)


def _status(db_url: str, cid: str, status: str, reviewer: str) -> None:
    with write_session(make_engine(db_url)) as session:
        decisions.set_status(session, cid, status, reviewer=reviewer)


# -- the split -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "names", "overlap"), [(32, 2, 0.2), (134, 3, 0.25), (598, 4, 0.33), (7, 3, 1.0)]
)
def test_the_split_is_balanced_contiguous_exact_and_stable(n, names, overlap):
    commitments = [f"c-{i:04x}" for i in range(n)]
    reviewers = [f"审核{i}" for i in range(names)]
    rows = team.split(commitments, reviewers, overlap)
    assert rows == team.split(commitments, reviewers, overlap)  # the same input, the same worklists
    first = [name for _cid, role, name in rows if role == 1]
    assert len(first) == n and first == sorted(first, key=reviewers.index)  # one stretch each, in order
    assert max(Counter(first).values()) - min(Counter(first).values()) <= 1
    second = [(cid, name) for cid, role, name in rows if role == 2]
    assert len(second) == round(overlap * n)
    owner = {cid: name for cid, role, name in rows if role == 1}
    assert all(owner[cid] != name for cid, name in second)
    load = Counter(name for _cid, _role, name in rows)
    assert max(load.values()) - min(load.values()) <= 1


def test_every_stretch_has_the_same_share_double_coded():
    commitments = [f"c-{i:04x}" for i in range(100)]
    rows = team.split(commitments, ["甲", "乙"], 0.2)
    owner = {cid: name for cid, role, name in rows if role == 1}
    doubled = Counter(owner[cid] for cid, role, _name in rows if role == 2)
    assert doubled == {"甲": 10, "乙": 10}


def test_the_split_refuses_what_it_cannot_do():
    with pytest.raises(UsageError, match="two reviewers"):
        team.split(["c-1"], ["甲"], 0.2)
    with pytest.raises(UsageError, match="between 0 and 1"):
        team.split(["c-1"], ["甲", "乙"], 1.5)
    with pytest.raises(UsageError, match="twice"):
        team.reviewer_names("张三,李四，张三")
    assert team.reviewer_names(" 张三、李四 ,王五") == ["张三", "李四", "王五"]


def test_assign_keeps_the_coders_a_commitment_has_unless_asked_to_split_again(db_url, ids):
    with write_session(make_engine(db_url)) as session:
        first = team.assign(session, ["张三", "李四"], overlap=0.5)
    assert first.assigned == 12 and first.double_coded == 6
    with write_session(make_engine(db_url)) as session:
        again = team.assign(session, ["王五"])
        assert again.assigned == 0 and again.kept == 12
        assert worklist_ids(session, "王五") == []
        redone = team.assign(session, ["王五", "赵六"], replace=True)
        assert redone.replaced == 12 and redone.assigned == 12
        assert worklist_ids(session, "张三") == []
        assert worklist_ids(session, "王五") + worklist_ids(session, "赵六") == ids  # document order


# -- blind double coding -------------------------------------------------------------------------------


def test_a_coder_sees_nothing_of_the_other_coders_decisions_until_both_have_set_a_status(db_url, ids):
    _assign(db_url)
    cid = ids[0]
    engine = make_engine(db_url)
    with write_session(engine) as session:
        decisions.set_status(session, cid, "not_fulfilled", reviewer="李四")
        decisions.add_note(session, cid, "李四认为未完成", reviewer="李四")
    zhang, editor = ReviewDesk(engine, "张三"), ReviewDesk(engine, "编辑")
    row = next(r for r in zhang.worklist() if r.id == cid)
    assert row.blinded and not row.decided and row.source == "auto"
    detail = zhang.detail(cid)
    assert detail is not None and detail.notes == [] and detail.coding.statuses == {}
    seen = editor.detail(cid)  # not a coder: sees everything
    assert seen.row.status == "not_fulfilled" and seen.coding.statuses == {"李四": "not_fulfilled"}
    taken = zhang.take(Step("status", cid, value="fulfilled"))
    assert taken.detail.row.blinded is False
    assert taken.detail.coding.statuses == {"张三": "fulfilled", "李四": "not_fulfilled"}
    assert any("李四认为未完成" in note for note in taken.detail.notes)
    assert zhang.team().disputes == (cid,)


# -- disputes and adjudication --------------------------------------------------------------------------


def test_only_a_third_reviewer_settles_a_real_disagreement_and_the_settlement_stays_in_force(db_url, ids):
    _assign(db_url)
    disputed, agreed, waiting = ids[0], ids[1], ids[2]
    for cid, zhang, li in ((disputed, "fulfilled", "partial"), (agreed, "partial", "partial")):
        _status(db_url, cid, zhang, "张三")
        _status(db_url, cid, li, "李四")
    _status(db_url, waiting, "fulfilled", "张三")
    engine = make_engine(db_url)
    with read_session(engine) as session:
        assert team.disputes(session) == [disputed]
    with write_session(engine) as session:
        with pytest.raises(UsageError, match="coder 1"):
            team.adjudicate(session, disputed, "partial", reviewer="张三")
        with pytest.raises(UsageError, match="both coders set"):
            team.adjudicate(session, agreed, "fulfilled", reviewer="王五")
        with pytest.raises(UsageError, match="has not set a status"):
            team.adjudicate(session, waiting, "fulfilled", reviewer="王五")
    with write_session(engine) as session:
        team.adjudicate(session, disputed, "in_progress", reviewer="王五")
    with write_session(engine) as session:
        assert team.disputes(session) == []
        assert reviewer_statuses(session)[disputed] == "in_progress"
        with pytest.raises(UsageError, match="settled by adjudication"):
            decisions.set_status(session, disputed, "fulfilled", reviewer="李四")
    with write_session(engine) as session:
        decisions.undo_last(session, reviewer="王五")
    with read_session(engine) as session:
        assert team.disputes(session) == [disputed]  # undone: the disagreement waits again
        assert reviewer_statuses(session)[disputed] == "partial"  # the latest coder's status


def test_an_imported_status_older_than_the_adjudication_does_not_undo_it(db_url, ids):
    _assign(db_url)
    cid = ids[0]
    _status(db_url, cid, "fulfilled", "张三")
    _status(db_url, cid, "partial", "李四")
    engine = make_engine(db_url)
    with write_session(engine) as session:
        team.adjudicate(session, cid, "partial", reviewer="王五")
        session.add(Decision(commitment_id=cid, action="status", value="not_fulfilled", reviewer="张三"))
    with read_session(engine) as session:
        assert reviewer_statuses(session)[cid] == "partial"


# -- export and import ----------------------------------------------------------------------------------


def test_assignments_and_both_codings_travel_with_the_decisions(db_url, ids, databases):
    _assign(db_url, overlap=0.5)
    doubled = [cid for cid in ids if cid in _double(db_url)]
    _status(db_url, doubled[0], "fulfilled", "张三")
    _status(db_url, doubled[0], "partial", "李四")
    with read_session(make_engine(db_url)) as session:
        records = export_records(session)
        before = coders(session)
    assert sum(r["action"] == "assign" for r in records) == 18
    other = databases.copy_of(databases.backend.template("team", _fill), "other")
    with write_session(make_engine(other)) as session:
        result = import_lines(session, parse_lines(render_jsonl(records)))
    assert result.conflicts == [] and result.applied == 20
    with read_session(make_engine(other)) as session:
        assert coders(session) == before
        assert team.disputes(session) == [doubled[0]]  # two codings, not a conflict
    with write_session(make_engine(other)) as session:
        again = import_lines(session, parse_lines(render_jsonl(records)))
    assert again.applied == 0 and again.already_present == 20


def test_an_imported_assignment_that_gives_a_role_to_someone_else_is_a_conflict(db_url, ids):
    _assign(db_url, reviewers=("张三", "李四"), overlap=0.0)
    line = {
        "action": "assign",
        "commitment_id": ids[0],
        "commitment_text": PLAN[0],
        "agency": "广州市民政局",
        "period": 2024,
        "role": 1,
        "reviewer": "王五",
        "position": 0,
        "created_at": "2026-12-02T00:00:00Z",
    }
    with write_session(make_engine(db_url)) as session:
        result = import_lines(session, parse_lines(render_jsonl([line])))
        assert [c.commitment_id for c in result.conflicts] == [ids[0]] and result.exit_code == 1
        assert coders(session)[ids[0]].first == "张三"
        forced = import_lines(session, parse_lines(render_jsonl([line])), force=True)
        assert forced.applied == 1 and coders(session)[ids[0]].first == "王五"


def _double(db_url: str) -> set[str]:
    with read_session(make_engine(db_url)) as session:
        return {cid for cid, c in coders(session).items() if c.double}


# -- the command line -----------------------------------------------------------------------------------


def test_the_commands_of_a_team_review(runner, db_url, ids):
    done = runner.invoke(cli, ["--db", db_url, "assign", "--reviewers", "张三,李四", "--overlap", "0.5"])
    assert done.exit_code == 0, done.output
    assert "assigned 12 commitments, 6 double-coded" in done.output
    doubled = [cid for cid in ids if cid in _double(db_url)]
    # the group's --reviewer is every command's default reviewer
    set_by = runner.invoke(
        cli, ["--db", db_url, "--reviewer", "李四", "annotate", "status", doubled[0], "已兑现"]
    )
    assert set_by.exit_code == 0 and "reviewer 李四" in set_by.output
    mine = runner.invoke(cli, ["--db", db_url, "annotate", "worklist", "--reviewer", "张三"])
    line = next(text for text in mine.output.splitlines() if text.startswith(doubled[0]))
    assert "盲审 blind" in line  # 李四's status is not shown to 张三
    runner.invoke(cli, ["--db", db_url, "annotate", "status", doubled[0], "partial", "--reviewer", "张三"])
    queue = runner.invoke(cli, ["--db", db_url, "annotate", "worklist", "--disputes"])
    assert queue.output.startswith(doubled[0]) and "已兑现" in queue.output and "部分兑现" in queue.output
    refused = runner.invoke(
        cli, ["--db", db_url, "annotate", "adjudicate", doubled[0], "partial", "--reviewer", "李四"]
    )
    assert refused.exit_code == 2 and "coder" in refused.output and "Traceback" not in refused.output
    settled = runner.invoke(
        cli, ["--db", db_url, "annotate", "adjudicate", doubled[0], "部分兑现", "--reviewer", "王五"]
    )
    assert settled.exit_code == 0 and "adjudicated" in settled.output
    for fmt in ("table", "md", "json"):
        shown = runner.invoke(cli, ["--db", db_url, "agreement", "--format", fmt])
        assert shown.exit_code == 0 and "张三" in shown.output, shown.output
    bad = runner.invoke(cli, ["--db", db_url, "assign", "--reviewers", "张三", "--overlap", "0.2"])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1


def test_no_decision_is_touched_by_assigning_again(db_url, ids):
    _status(db_url, ids[0], "fulfilled", "张三")
    _assign(db_url)
    with write_session(make_engine(db_url)) as session:
        team.assign(session, ["甲", "乙"], overlap=0.3, replace=True)
    with read_session(make_engine(db_url)) as session:
        assert [(d.reviewer, d.value) for d in session.exec(select(Decision)).all()] == [
            ("张三", "fulfilled")
        ]
