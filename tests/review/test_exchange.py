"""Exchanging review decisions: export → a database built elsewhere from the same documents → import
loses nothing (undo history included), importing twice changes nothing, conflicts and orphans are
reported and not applied, statements whose ids differ are found by text, and a bad file writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_document
from matched_db import FS, FS_PLAN, GZ, Ids, template
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from tracker.cli.main import cli
from tracker.report.json_report import build_report
from tracker.review import decisions as annotate
from tracker.review.exchange import export_records, import_lines
from tracker.review.exchange_lines import parse_lines
from tracker.store.decision_log import reviewer_links, reviewer_notes, reviewer_statuses
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session

MARRIAGE = "推进婚俗改革"
REGULATION = "出台养老服务条例"
CANTEEN_PLAN = "建成长者饭堂示范点100个"
CHARITY = "开展慈善宣传活动"
DONE = "完成区级福利院改造"
DRAFT = "养老服务条例草案已提交审议"
CANTEEN = "建成长者饭堂120个"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def db_url(databases) -> str:
    """The source database: a copy of the matched one (``matched_db``, built once per backend)."""
    return databases.copy_of(template(databases.backend))


@pytest.fixture
def ids(engine, backend) -> Ids:
    """The source database, matched."""
    return template(backend).value


@pytest.fixture
def target_url(databases, request) -> str:
    """For a test that takes ``target``, another copy of the matched database; else an empty one."""
    if "target" in request.fixturenames:
        return databases.copy_of(template(databases.backend), "target")
    return databases.new("target")


@pytest.fixture
def target(target_url) -> Engine:
    """A second database built from the same documents, with no decision yet."""
    engine = make_engine(target_url)
    yield engine
    engine.dispose()


def review(engine: Engine, ids: Ids) -> None:
    """Every kind of decision by two reviewers, superseded ones and undone ones among them."""
    marriage, regulation, charity = ids.c(MARRIAGE), ids.c(REGULATION), ids.c(CHARITY)
    with write_session(engine) as session:
        annotate.decide_pair(session, "confirm", marriage, ids.a(DONE), reviewer="li")
        annotate.decide_pair(session, "reject", regulation, ids.a(DRAFT), reviewer="li")
        annotate.decide_pair(session, "link", marriage, ids.a("完成婚俗改革试点"), reviewer="wang")
        annotate.set_status(session, charity, "partial", reviewer="li")
        annotate.set_status(session, charity, "not_fulfilled", reviewer="wang")  # wang overrules li
        annotate.add_note(session, charity, "区级清单未见", reviewer="wang")
        annotate.set_status(session, regulation, "in_progress", reviewer="li")
    with write_session(engine) as session:
        annotate.undo_last(session, reviewer="li")  # the in_progress status
        annotate.decide_pair(session, "unlink", marriage, ids.a("完成婚俗改革试点"), reviewer="wang")
        annotate.undo_last(session, reviewer="wang")  # the unlink: the link is back


def log(engine: Engine) -> list[dict]:
    """The whole log with each decision's retraction, in log order, without row ids."""
    with read_session(engine) as session:
        return [{k: v for k, v in r.items() if k != "decision_id"} for r in export_records(session)]


def state(engine: Engine) -> tuple:
    """Everything derived from the decisions: reviewer statuses, links, notes, and the whole report."""
    with read_session(engine) as session:
        notes = {cid: [(d.value, d.reviewer) for d in ds] for cid, ds in reviewer_notes(session).items()}
        return (
            reviewer_statuses(session),
            reviewer_links(session),
            notes,
            build_report(session, now=NOW),
        )


def all_rows(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    tables = MetaData()
    with engine.connect() as conn:
        tables.reflect(conn)
        rows = {
            t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in tables.sorted_tables
        }
    engine.dispose()
    return rows


def export(runner, db_url, path: Path, *args) -> list[dict]:
    result = runner.invoke(cli, ["--db", db_url, "export-annotations", "-o", str(path), *args])
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def import_(runner, db_url, path: Path, *args):
    result = runner.invoke(cli, ["--db", db_url, "import-annotations", str(path), *args])
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


def write_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --- the round trip --------------------------------------------------------------------------------

LOG = [
    ("confirm", "li", False),
    ("reject", "li", False),
    ("link", "wang", False),
    ("status", "li", False),
    ("status", "wang", False),
    ("note", "wang", False),
    ("status", "li", True),
    ("unlink", "wang", True),
]


def test_round_trip_into_a_fresh_database_loses_nothing(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    review(engine, ids)
    lines = export(runner, db_url, tmp_path / "all.jsonl")
    assert [(line["action"], line["reviewer"], line["retracted"]) for line in lines] == LOG
    assert lines[6]["retracted_by"] == "li" and lines[6]["retracted_at"] > lines[6]["created_at"]

    result = import_(runner, target_url, tmp_path / "all.jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.output == "applied 8, already present 0, matched by text 0, conflicts 0, orphaned 0\n"
    assert log(target) == log(engine)
    assert state(target) == state(engine)


def test_undo_history_survives_the_round_trip(runner, engine, ids, db_url, target, target_url, tmp_path):
    review(engine, ids)
    export(runner, db_url, tmp_path / "all.jsonl")
    assert import_(runner, target_url, tmp_path / "all.jsonl").exit_code == 0
    for reviewer in ("li", "wang", "li", "li", "wang"):
        with write_session(engine) as here, write_session(target) as there:
            mine, theirs = (
                annotate.undo_last(here, reviewer=reviewer),
                annotate.undo_last(there, reviewer=reviewer),
            )
        assert mine is not None and theirs is not None
        assert (mine.action, mine.commitment_id, mine.achievement_id, mine.value, mine.created_at) == (
            theirs.action,
            theirs.commitment_id,
            theirs.achievement_id,
            theirs.value,
            theirs.created_at,
        )
        assert state(target) == state(engine)


def test_importing_twice_changes_nothing(runner, engine, ids, db_url, target, target_url, tmp_path):
    review(engine, ids)
    export(runner, db_url, tmp_path / "all.jsonl")
    assert import_(runner, target_url, tmp_path / "all.jsonl").exit_code == 0
    before = all_rows(target_url)
    again = import_(runner, target_url, tmp_path / "all.jsonl")
    assert again.exit_code == 0
    assert again.output == "applied 0, already present 8, matched by text 0, conflicts 0, orphaned 0\n"
    assert all_rows(target_url) == before


def test_importing_into_the_source_itself_changes_nothing(runner, engine, ids, db_url, tmp_path):
    review(engine, ids)
    export(runner, db_url, tmp_path / "all.jsonl")
    before = all_rows(db_url)
    result = import_(runner, db_url, tmp_path / "all.jsonl")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0,
        "applied 0, already present 8, matched by text 0, conflicts 0, orphaned 0",
    )
    assert all_rows(db_url) == before


def test_export_of_one_reviewer(runner, engine, ids, db_url, tmp_path):
    review(engine, ids)
    lines = export(runner, db_url, tmp_path / "wang.jsonl", "--reviewer", "wang")
    assert [(line["action"], line["reviewer"]) for line in lines] == [
        (action, reviewer) for action, reviewer, _ in LOG if reviewer == "wang"
    ]
    first = lines[0]
    assert (first["commitment_text"], first["agency"], first["period"], first["achievement_text"]) == (
        MARRIAGE,
        GZ,
        2024,
        "完成婚俗改革试点",
    )
    assert (first["achievement_agency"], first["achievement_period"]) == (GZ, 2023)
    assert first["created_at"].endswith("Z") and first["value"] is None


def test_export_to_stdout_is_json_lines(runner, engine, ids, db_url):
    review(engine, ids)
    result = runner.invoke(cli, ["--db", db_url, "export-annotations"])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["action"] for line in result.output.splitlines()] == [a for a, _, _ in LOG]
    assert "区级清单未见" in result.output  # Chinese stays readable


def test_a_retraction_the_database_lacks_is_added(runner, engine, ids, db_url, target, target_url, tmp_path):
    """The target imported li's status before li undid it; the next import carries the undo over."""
    cid = ids.c(CHARITY)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
    export(runner, db_url, tmp_path / "before.jsonl")
    assert import_(runner, target_url, tmp_path / "before.jsonl").exit_code == 0
    assert state(target)[0] == {cid: "partial"}
    with write_session(engine) as session:
        annotate.undo_last(session, reviewer="li")
    export(runner, db_url, tmp_path / "after.jsonl")
    result = import_(runner, target_url, tmp_path / "after.jsonl")
    assert result.output == "applied 1, already present 0, matched by text 0, conflicts 0, orphaned 0\n"
    assert state(target) == state(engine) and state(target)[0] == {}
    assert log(target) == log(engine)


# --- conflicts -------------------------------------------------------------------------------------


def test_a_different_status_by_another_reviewer_is_a_conflict_and_not_applied(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    cid = ids.c(CHARITY)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
        annotate.add_note(session, cid, "李的意见", reviewer="li")
    with write_session(target) as session:
        annotate.set_status(session, cid, "fulfilled", reviewer="wang")
    export(runner, db_url, tmp_path / "li.jsonl")
    before = state(target)

    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert result.exit_code == 1
    conflict, summary = result.output.splitlines()
    assert conflict.startswith(f"line 1: conflict on {cid}: file says partial 部分兑现 by li at ")
    assert "; database says fulfilled 已兑现 by wang at " in conflict and conflict.endswith("; not applied")
    assert summary == "applied 1, already present 0, matched by text 0, conflicts 1, orphaned 0"
    after = state(target)
    assert after[0] == before[0] == {cid: "fulfilled"}  # the status stays wang's
    assert after[2] == {cid: [("李的意见", "li")]}  # the note went in


def test_the_file_wins_a_conflict_only_with_force(runner, engine, ids, db_url, target, target_url, tmp_path):
    cid = ids.c(CHARITY)
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
    with write_session(target) as session:
        annotate.set_status(session, cid, "fulfilled", reviewer="wang")
    export(runner, db_url, tmp_path / "li.jsonl")

    dry = import_(runner, target_url, tmp_path / "li.jsonl", "--dry-run", "--force")
    assert dry.exit_code == 0 and dry.output.splitlines()[-1].startswith(
        "dry run, nothing written: applied 1"
    )
    assert state(target)[0] == {cid: "fulfilled"}

    forced = import_(runner, target_url, tmp_path / "li.jsonl", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.splitlines()[0].endswith("; applied anyway (--force)")
    assert forced.output.splitlines()[-1] == (
        "applied 1, already present 0, matched by text 0, conflicts 1 (applied with --force), orphaned 0"
    )
    assert state(target)[0] == {cid: "partial"}
    assert [(d["action"], d["reviewer"]) for d in log(target)] == [("status", "wang"), ("status", "li")]


def test_confirm_against_reject_of_the_same_pair_is_a_conflict(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    cid, aid = ids.c(REGULATION), ids.a(DRAFT)
    with write_session(engine) as session:
        annotate.decide_pair(session, "confirm", cid, aid, reviewer="li")
    with write_session(target) as session:
        annotate.decide_pair(session, "reject", cid, aid, reviewer="wang")
    export(runner, db_url, tmp_path / "li.jsonl")
    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        f"line 1: conflict on {cid} ← {aid}: file says confirm by li at "
    )
    assert "database says reject by wang at" in result.output
    assert state(target)[1] == {(cid, aid): "rejected"}


def test_a_newer_decision_of_the_same_reviewer_is_no_conflict_an_older_one_is(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    older, newer = ids.c(CHARITY), ids.c(MARRIAGE)
    with write_session(target) as session:
        annotate.set_status(session, older, "fulfilled", reviewer="li")  # before the file's decision
    with write_session(engine) as session:
        annotate.set_status(session, older, "partial", reviewer="li")
        annotate.set_status(session, newer, "partial", reviewer="li")
    with write_session(target) as session:
        annotate.set_status(session, newer, "fulfilled", reviewer="li")  # after the file's decision
    export(runner, db_url, tmp_path / "li.jsonl")
    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"line 2: conflict on {newer}: file says partial")
    assert result.output.splitlines()[-1].startswith(
        "applied 1, already present 0, matched by text 0, conflicts 1"
    )
    assert state(target)[0] == {older: "partial", newer: "fulfilled"}


def test_an_agreeing_decision_is_no_conflict(runner, engine, ids, db_url, target, target_url, tmp_path):
    cid = ids.c(CHARITY)
    # li agrees later than wang (an older agreeing line is superseded instead: test_exchange_regressions)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="wang")
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
    export(runner, db_url, tmp_path / "li.jsonl")
    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0,
        "applied 1, already present 0, matched by text 0, conflicts 0, orphaned 0",
    )


def test_a_file_changing_its_mind_after_agreeing_still_conflicts(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    """li agrees with wang's status here, then changes it: that second line would overrule wang."""
    cid = ids.c(CHARITY)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="wang")
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
        annotate.set_status(session, cid, "fulfilled", reviewer="li")
    export(runner, db_url, tmp_path / "li.jsonl")
    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"line 2: conflict on {cid}: file says fulfilled")
    assert state(target)[0] == {cid: "partial"}


def test_a_decision_the_file_already_overruled_is_no_conflict(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    """wang saw li's imported status on the other machine and changed it: the file knows li's decision."""
    cid = ids.c(CHARITY)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
    export(runner, target_url, tmp_path / "li.jsonl")
    assert import_(runner, db_url, tmp_path / "li.jsonl").exit_code == 0
    with write_session(engine) as session:
        annotate.set_status(session, cid, "not_fulfilled", reviewer="wang")
    export(runner, db_url, tmp_path / "both.jsonl")
    result = import_(runner, target_url, tmp_path / "both.jsonl")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0,
        "applied 1, already present 1, matched by text 0, conflicts 0, orphaned 0",
    )
    assert state(target)[0] == {cid: "not_fulfilled"}


def test_a_conflicting_import_repeated_changes_nothing(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    cid = ids.c(CHARITY)
    with write_session(target) as session:
        annotate.set_status(session, cid, "fulfilled", reviewer="zhao")
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
        annotate.set_status(session, cid, "in_progress", reviewer="zhao")  # zhao's own later word
    export(runner, db_url, tmp_path / "all.jsonl")
    first = import_(runner, target_url, tmp_path / "all.jsonl")
    assert first.exit_code == 1 and "conflicts 1" in first.output
    assert state(target)[0] == {cid: "in_progress"}
    before = all_rows(target_url)
    second = import_(runner, target_url, tmp_path / "all.jsonl")
    assert second.output.splitlines()[-1] == (
        "applied 0, already present 1, matched by text 0, conflicts 0, orphaned 0, superseded 1"
    )
    assert all_rows(target_url) == before


def test_dry_run_reports_conflicts_and_writes_nothing(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    review(engine, ids)
    with write_session(target) as session:
        annotate.set_status(session, ids.c(CHARITY), "fulfilled", reviewer="zhao")
    export(runner, db_url, tmp_path / "all.jsonl")
    before = all_rows(target_url)
    result = import_(runner, target_url, tmp_path / "all.jsonl", "--dry-run")
    assert result.exit_code == 1
    assert result.output.count("conflict on") == 2  # li's and wang's status of 开展慈善宣传活动
    assert result.output.splitlines()[-1] == (
        "dry run, nothing written: applied 6, already present 0, matched by text 0, conflicts 2, orphaned 0"
    )
    assert all_rows(target_url) == before


# --- finding statements -----------------------------------------------------------------------------


def test_lines_about_statements_missing_here_are_orphaned(runner, engine, ids, db_url, tmp_path, target_url):
    """The target lacks the 佛山 plan: its decisions are orphaned; the others go in."""
    fs = ids.c(FS_PLAN[0])
    with write_session(engine) as session:
        annotate.set_status(session, fs, "partial", reviewer="li")
        annotate.set_status(session, ids.c(CHARITY), "partial", reviewer="li")
    export(runner, db_url, tmp_path / "li.jsonl")
    partial = make_engine(target_url)
    with write_session(partial) as session:
        save_document(session, make_document("plans/gz2024.txt", plan=[CHARITY]))
    partial.dispose()
    result = import_(runner, target_url, tmp_path / "li.jsonl")
    assert result.exit_code == 0
    orphan, summary = result.output.splitlines()
    assert orphan == (
        f"line 1: orphaned: commitment {fs} not found, by id or by text in {FS} 2024: {FS_PLAN[0]}"
    )
    assert summary == "applied 1, already present 0, matched by text 0, conflicts 0, orphaned 1"


def test_statements_whose_ids_differ_are_found_by_text(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    cid, aid = ids.c(REGULATION), ids.a(DRAFT)
    with write_session(engine) as session:
        annotate.decide_pair(session, "confirm", cid, aid, reviewer="li")
    lines = export(runner, db_url, tmp_path / "li.jsonl")
    lines[0] |= {
        "commitment_id": "c-0000000000000000",
        "commitment_text": "\u3000出台 养老服务條例",  # normalised (spaces, Traditional) before comparing
        "achievement_id": "a-0000000000000000",
    }
    result = import_(runner, target_url, write_lines(tmp_path / "edited.jsonl", lines))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"line 1: commitment c-0000000000000000 matched by text as {cid}",
        f"line 1: achievement a-0000000000000000 matched by text as {aid}",
        "applied 1, already present 0, matched by text 1, conflicts 0, orphaned 0",
    ]
    assert state(target)[1] == {(cid, aid): "confirmed"}


def test_text_of_another_agency_or_year_is_not_a_match(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    with write_session(engine) as session:
        annotate.set_status(session, ids.c(CHARITY), "partial", reviewer="li")
    (line,) = export(runner, db_url, tmp_path / "li.jsonl")
    edited = [
        line | {"commitment_id": "c-0000000000000000", "agency": FS},
        line | {"commitment_id": "c-0000000000000000", "period": 2023},
        line | {"commitment_id": "c-0000000000000000", "agency": None},
    ]
    result = import_(runner, target_url, write_lines(tmp_path / "edited.jsonl", edited))
    assert result.exit_code == 0
    assert result.output.count("orphaned: commitment c-0000000000000000 not found") == 3
    assert "(no text to look for)" in result.output
    assert state(target)[0] == {}


# --- bad files ---------------------------------------------------------------------------------------


GOOD = {
    "action": "status",
    "commitment_id": "c-1",
    "commitment_text": "x",
    "agency": GZ,
    "period": 2024,
    "value": "partial",
    "reviewer": "li",
    "created_at": "2026-01-01T00:00:00Z",
}


@pytest.mark.parametrize(
    "second, problem",
    [
        ("not json", "not valid JSON (Expecting value)"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "reviewer"}), "missing field 'reviewer'"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "period"}), "missing field 'period'"),
        (json.dumps(GOOD | {"action": "approve"}), "unknown action 'approve'"),
        (json.dumps(GOOD | {"value": "done"}), "unknown status 'done'"),
        (json.dumps(GOOD | {"action": "confirm"}), "missing field 'achievement_id'"),
        (json.dumps(GOOD | {"created_at": "yesterday"}), "'created_at' is not an ISO time: 'yesterday'"),
        (json.dumps(GOOD | {"retracted": "no"}), "'retracted' must be true or false"),
        (json.dumps(GOOD | {"period": "2024"}), "'period' must be a year or null"),
    ],
)
def test_a_bad_line_is_one_line_naming_file_and_line_and_writes_nothing(
    runner, engine, ids, db_url, target, target_url, tmp_path, second, problem
):
    review(engine, ids)
    lines = export(runner, db_url, tmp_path / "all.jsonl")
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([json.dumps(lines[0]), second, json.dumps(lines[1])]) + "\n", encoding="utf-8")
    before = all_rows(target_url)
    result = import_(runner, target_url, path)
    assert result.exit_code != 0
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tracker: {path}:2: {problem}")
    assert all_rows(target_url) == before


@pytest.mark.parametrize(
    "content, problem",
    [(b"", "holds no decision"), (b"\n  \n", "holds no decision"), (b"\xff\xfe\x00bad", "not UTF-8")],
)
def test_an_empty_or_undecodable_file_is_one_line(runner, target, target_url, tmp_path, content, problem):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    before = all_rows(target_url)
    result = import_(runner, target_url, path)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tracker: {path}: {problem}")
    assert all_rows(target_url) == before


def test_a_missing_file_is_one_line(runner, target, target_url):
    result = import_(runner, target_url, Path("nowhere.jsonl"))
    assert (result.exit_code, result.stderr) == (1, "tracker: nowhere.jsonl: no such file\n")


def test_import_needs_an_existing_database(runner, tmp_path):
    write_lines(tmp_path / "one.jsonl", [GOOD])
    result = runner.invoke(cli, ["import-annotations", "one.jsonl"])
    assert result.exit_code == 1
    assert result.stderr.startswith("tracker: database commitments.db does not exist")


def test_library_import_without_the_cli(engine, ids, target):
    review(engine, ids)
    with read_session(engine) as session:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records(session))
    with write_session(target) as session:
        result = import_lines(session, parse_lines(text))
    assert (result.applied, result.already_present, result.exit_code) == (8, 0, 0)
    assert state(target) == state(engine)
