"""Regressions of exchanging review decisions, found by an adversarial test.

1. A repeated import overruled a reviewer: a line that agreed with the database's newer decision went
   in on top of it (and took the credit), after which the next import of the same file treated that
   line as the decision to defend and applied the file's older, conflicting decision over the other
   reviewer's newer one, with exit code 0. Now no import without ``--force`` puts an older decision
   over a newer one of another reviewer, and importing the same file again changes nothing.
2. A note holding U+2028, U+2029 or U+0085 was exported raw and the import, splitting lines as
   ``str.splitlines`` does, refused the whole file; a NUL in a text field went in on one backend and
   not on the other. Now every string a database holds round-trips, and a NUL (or a lone surrogate)
   stops the import at its line, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from matched_db import GZ, Ids, build
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from tracker.cli.main import cli
from tracker.review import decisions as annotate
from tracker.review.exchange import export_records
from tracker.review.exchange_lines import parse_lines
from tracker.store.decision_log import reviewer_links, reviewer_notes, reviewer_statuses
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Decision
from tracker.textnorm import clean_field

CHARITY = "开展慈善宣传活动"
REGULATION = "出台养老服务条例"
DRAFT = "养老服务条例草案已提交审议"


@pytest.fixture
def ids(engine) -> Ids:
    """The source database (``engine``), matched."""
    return build(engine)


@pytest.fixture
def target_url(databases) -> str:
    return databases.new("target")


@pytest.fixture
def target(target_url) -> Engine:
    """A second database built from the same documents, with no decision yet."""
    engine = make_engine(target_url)
    build(engine)
    yield engine
    engine.dispose()


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


def log(engine: Engine) -> list[dict]:
    """The whole log with each decision's retraction, in log order, without row ids."""
    with read_session(engine) as session:
        return [{k: v for k, v in r.items() if k != "decision_id"} for r in export_records(session)]


def import_(runner: CliRunner, url: str, path: Path, *args: str):
    result = runner.invoke(cli, ["--db", url, "import-annotations", str(path), *args])
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


def report(runner: CliRunner, url: str, commitment_id: str) -> dict:
    """The commitment as ``tracker report --format json`` shows it."""
    result = runner.invoke(cli, ["--db", url, "report", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (found,) = [c for c in json.loads(result.output)["commitments"] if c["id"] == commitment_id]
    return found


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def line(ids: Ids, action: str, reviewer: str, at: str, value: str | None = None, **extra) -> dict:
    """One line of an export file about 出台养老服务条例 (and, for a pair action, the draft regulation)."""
    record = {
        "action": action,
        "commitment_id": ids.c(REGULATION),
        "commitment_text": REGULATION,
        "agency": GZ,
        "period": 2024,
        "achievement_id": ids.a(DRAFT) if action not in ("status", "note") else None,
        "achievement_text": DRAFT if action not in ("status", "note") else None,
        "achievement_agency": GZ if action not in ("status", "note") else None,
        "achievement_period": 2024 if action not in ("status", "note") else None,
        "value": value,
        "reviewer": reviewer,
        "created_at": at,
    }
    return record | extra


def write_lines(path: Path, records: list[dict], *, ending: str = "\n") -> Path:
    """The records as JSON Lines, exactly as ``json.dumps`` writes them (U+2028 and the like raw)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + ending for r in records)
    path.write_bytes(text.encode("utf-8"))
    return path


def import_twice(runner, url: str, path: Path):
    """Import ``path`` twice: the results, and the database after each."""
    first = import_(runner, url, path)
    after_first = all_rows(url)
    second = import_(runner, url, path)
    assert all_rows(url) == after_first, "the second import of the same file changed the database"
    return first, second


# --- 1. a repeated import never overrules a reviewer ----------------------------------------------


@pytest.mark.parametrize("a_says", ["partial", "fulfilled"])
def test_older_status_lines_of_another_reviewer_never_overrule_the_newer_one_in_force(
    runner, target, target_url, ids, tmp_path, a_says
):
    """A set the status just now; the file holds two older decisions of B, one agreeing with A's."""
    cid = ids.c(REGULATION)
    with write_session(target) as session:
        annotate.set_status(session, cid, a_says, reviewer="A")
    before = all_rows(target_url)
    path = write_lines(
        tmp_path / "b.jsonl",
        [
            line(ids, "status", "B", days_ago(2), "partial"),
            line(ids, "status", "B", days_ago(1), "fulfilled"),
        ],
    )

    first, second = import_twice(runner, target_url, path)

    assert all_rows(target_url) == before  # nothing older than A's decision went on top of it
    assert (first.exit_code, second.exit_code) == (1, 1)
    assert first.output == second.output  # the same report both times
    (conflict,) = [text for text in first.output.splitlines() if "conflict on" in text]
    assert f"database says {a_says}" in conflict and "by A at" in conflict
    assert first.output.splitlines()[-1] == (
        "applied 0, already present 0, matched by text 0, conflicts 1, orphaned 0, superseded 1"
    )
    with read_session(target) as session:
        assert reviewer_statuses(session) == {cid: a_says}
    shown = report(runner, target_url, cid)
    assert (shown["status"], shown["status_reviewer"], shown["status_source"]) == (a_says, "A", "reviewer")


@pytest.mark.parametrize("a_does, state", [("confirm", "confirmed"), ("reject", "rejected")])
def test_older_pair_lines_of_another_reviewer_never_overrule_the_newer_one_in_force(
    runner, target, target_url, ids, tmp_path, a_does, state
):
    cid, aid = ids.c(REGULATION), ids.a(DRAFT)
    with write_session(target) as session:
        annotate.decide_pair(session, a_does, cid, aid, reviewer="A")
    before = all_rows(target_url)
    path = write_lines(
        tmp_path / "b.jsonl", [line(ids, "reject", "B", days_ago(2)), line(ids, "confirm", "B", days_ago(1))]
    )

    first, second = import_twice(runner, target_url, path)

    assert all_rows(target_url) == before
    assert (first.exit_code, second.exit_code) == (1, 1)
    assert first.output == second.output
    assert f"conflict on {cid} ← {aid}" in first.output and f"database says {a_does} by A" in first.output
    with read_session(target) as session:
        assert reviewer_links(session) == {(cid, aid): state}
    (evidence,) = [e for e in report(runner, target_url, cid)["evidence"] if e["id"] == aid]
    assert (evidence["state"], evidence["decided_by"]) == (state, "A")


def test_a_line_agreeing_with_a_newer_decision_does_not_take_it_over(
    runner, target, target_url, ids, tmp_path
):
    """The same reviewer's own older word that agrees is no conflict, but it does not go on top either."""
    cid = ids.c(REGULATION)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="A")
    before = all_rows(target_url)
    path = write_lines(
        tmp_path / "older.jsonl",
        [line(ids, "status", "A", days_ago(3), "partial"), line(ids, "status", "B", days_ago(2), "partial")],
    )
    first, second = import_twice(runner, target_url, path)
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.output.splitlines() == second.output.splitlines()
    superseded = [text for text in first.output.splitlines() if ": superseded: " in text]
    assert len(superseded) == 2 and "database says the same later, partial 部分兑现 by A at" in superseded[0]
    assert all_rows(target_url) == before
    assert report(runner, target_url, cid)["status_reviewer"] == "A"


def test_a_conflict_stays_a_conflict_when_the_import_is_repeated(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    """li agreed with wang's status (newer, so it went in), then changed it: that change overrules
    wang however often the file is imported."""
    cid = ids.c(CHARITY)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="wang")
    with write_session(engine) as session:
        annotate.set_status(session, cid, "partial", reviewer="li")
        annotate.set_status(session, cid, "fulfilled", reviewer="li")
    path = tmp_path / "li.jsonl"
    assert runner.invoke(cli, ["--db", db_url, "export-annotations", "-o", str(path)]).exit_code == 0

    first, second = import_twice(runner, target_url, path)

    assert (first.exit_code, second.exit_code) == (1, 1)
    assert first.output.splitlines()[0].startswith(f"line 2: conflict on {cid}: file says fulfilled")
    assert second.output.splitlines() == [
        first.output.splitlines()[0],
        "applied 0, already present 1, matched by text 0, conflicts 1, orphaned 0",
    ]
    with read_session(target) as session:
        assert reviewer_statuses(session) == {cid: "partial"}


def test_force_puts_the_file_over_the_newer_decision_and_a_repeat_changes_nothing(
    runner, target, target_url, ids, tmp_path
):
    cid = ids.c(REGULATION)
    with write_session(target) as session:
        annotate.set_status(session, cid, "partial", reviewer="A")
    path = write_lines(
        tmp_path / "b.jsonl",
        [
            line(ids, "status", "B", days_ago(2), "partial"),
            line(ids, "status", "B", days_ago(1), "fulfilled"),
        ],
    )
    forced = import_(runner, target_url, path, "--force")
    assert forced.exit_code == 0 and forced.output.splitlines()[-1] == (
        "applied 2, already present 0, matched by text 0, conflicts 1 (applied with --force), orphaned 0"
    )
    assert [(d["reviewer"], d["value"]) for d in log(target)] == [
        ("A", "partial"),
        ("B", "partial"),
        ("B", "fulfilled"),
    ]
    before = all_rows(target_url)
    for args in ((), ("--force",)):
        again = import_(runner, target_url, path, *args)
        assert (again.exit_code, again.output) == (
            0,
            "applied 0, already present 2, matched by text 0, conflicts 0, orphaned 0\n",
        )
    assert all_rows(target_url) == before
    assert report(runner, target_url, cid)["status_reviewer"] == "B"


# --- 2. every string round-trips; a NUL never goes in ---------------------------------------------

#: Characters ``str.splitlines`` breaks at besides ``\n`` and ``\r``.
LINE_BREAKERS = ["\u2028", "\u2029", "\x85", "\v", "\f", "\x1c", "\x1d", "\x1e"]
#: Every other odd thing a note or a name may hold, and that a database stores as it is.
ODD = (
    "tab\there, new line\nthere, 👩\u200d👩\u200d👧\u200d👦 🇨🇳 emoji, \u0301 a lone combining mark, "
    "e\u0301 and \u0344\u0345, zero width \u200b\u200c\u200d, bidi \u202eexe.txt\u202c \u2066x\u2069, "
    "BOM \ufeff, U+FFFF \uffff and U+FFFE \ufffe, 𠀀 (astral), Ａ full width, ideographic\u3000space, "
    'a backslash \\ and \\n, a quote ", braces {} [], </script> and U+2028\u2028U+2029\u2029end'
)


def test_notes_holding_any_character_round_trip_exactly(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    cid = ids.c(CHARITY)
    with write_session(engine) as session:
        for char in LINE_BREAKERS:
            annotate.add_note(session, cid, f"before{char}after {ord(char):04X}", reviewer="li")
        annotate.add_note(session, cid, ODD, reviewer="li\u2028王 🦊\u0301")
        annotate.set_status(session, cid, "partial", reviewer="li\u2028王 🦊\u0301")
    path = tmp_path / "all.jsonl"
    assert runner.invoke(cli, ["--db", db_url, "export-annotations", "-o", str(path)]).exit_code == 0
    written = path.read_text(encoding="utf-8")
    assert len(written.splitlines()) == len(LINE_BREAKERS) + 2  # no reader breaks a line inside a string

    first = import_(runner, target_url, path)
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.output == "applied 10, already present 0, matched by text 0, conflicts 0, orphaned 0\n"
    assert log(target) == log(engine)
    with read_session(engine) as here, read_session(target) as there:
        assert reviewer_notes(here).keys() == reviewer_notes(there).keys() == {cid}
        notes = [(d.value, d.reviewer) for d in reviewer_notes(there)[cid]]
        assert notes == [(d.value, d.reviewer) for d in reviewer_notes(here)[cid]]
    assert (ODD, "li\u2028王 🦊\u0301") in notes
    assert ("before\u2028after 2028", "li") in notes and ("before\u2029after 2029", "li") in notes
    before = all_rows(target_url)
    again = import_(runner, target_url, path)
    assert again.output == "applied 0, already present 10, matched by text 0, conflicts 0, orphaned 0\n"
    assert all_rows(target_url) == before


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_file_with_raw_line_separators_in_its_strings_is_read_line_by_line(ids, tmp_path, ending):
    """As ``json.dumps(..., ensure_ascii=False)`` writes them (and earlier versions exported them)."""
    notes = [f"a{char}b" for char in LINE_BREAKERS] + [ODD]
    reviewers = [f"r{char}" for char in LINE_BREAKERS] + ["王\u2028🦊"]
    records = [line(ids, "note", who, days_ago(1), note) for who, note in zip(reviewers, notes, strict=True)]
    text = "".join(json.dumps(r, ensure_ascii=False) + ending for r in records)
    assert "\u2028" in text and "\u2029" in text and "\x85" in text  # raw, not escaped
    parsed = parse_lines(text, "raw.jsonl")
    assert [(d.line, d.value, d.reviewer) for d in parsed] == [
        (number, note, who) for number, (who, note) in enumerate(zip(reviewers, notes, strict=True), start=1)
    ]


def test_raw_notes_an_older_version_stored_import_as_stored_now_and_only_once(
    runner, engine, ids, db_url, target, target_url, tmp_path
):
    """A database written before notes were cleaned may hold U+0085, a form feed or an escape
    sequence in a note: its export imports (the note cleaned, as ``tracker annotate note`` stores
    it), into itself as into another database, and a second import adds nothing."""
    cid = ids.c(CHARITY)
    raw = [f"x{char}y{ord(char):04X}" for char in LINE_BREAKERS] + ["看过\x1b[2J了"]
    with write_session(engine) as session:
        for at, note in enumerate(raw):
            moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=at)
            session.add(
                Decision(commitment_id=cid, action="note", value=note, reviewer="li\x85", created_at=moment)
            )
    path = tmp_path / "old.jsonl"
    assert runner.invoke(cli, ["--db", db_url, "export-annotations", "-o", str(path)]).exit_code == 0

    before = all_rows(db_url)
    into_itself = import_(runner, db_url, path)
    assert into_itself.output == "applied 0, already present 9, matched by text 0, conflicts 0, orphaned 0\n"
    assert all_rows(db_url) == before

    first, second = import_twice(runner, target_url, path)
    assert first.output == "applied 9, already present 0, matched by text 0, conflicts 0, orphaned 0\n"
    assert second.output == "applied 0, already present 9, matched by text 0, conflicts 0, orphaned 0\n"
    with read_session(target) as session:
        stored = [(d.value, d.reviewer) for d in reviewer_notes(session)[cid]]
    assert stored == [(clean_field(note), "li") for note in raw]


@pytest.mark.parametrize(
    "field, value",
    [
        ("value", "看过\x00了"),
        ("reviewer", "li\x00"),
        ("commitment_text", REGULATION + "\x00"),
        ("agency", GZ + "\x00"),
        ("retracted_by", "\x00"),
    ],
)
def test_a_nul_in_any_text_field_stops_the_import_at_its_line(
    runner, target, target_url, ids, tmp_path, field, value
):
    records = [
        line(ids, "status", "li", days_ago(3), "partial"),
        line(ids, "note", "li", days_ago(2), "看过了", retracted=True, retracted_at=days_ago(1))
        | {field: value},
        line(ids, "note", "li", days_ago(1), "第三条"),
    ]
    path = write_lines(tmp_path / "nul.jsonl", records)
    assert "\\u0000" in path.read_text(encoding="utf-8")
    before = all_rows(target_url)
    result = import_(runner, target_url, path)
    assert result.exit_code == 1
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"tracker: {path}:2: {field!r} holds a NUL character (U+0000)")
    assert all_rows(target_url) == before


def test_a_lone_surrogate_stops_the_import_at_its_line(runner, target, target_url, ids, tmp_path):
    """JSON can write half of a UTF-16 pair (``\\ud800``); no database can store it."""
    path = tmp_path / "half.jsonl"
    path.write_text(
        json.dumps(line(ids, "note", "li", days_ago(2), "ok"))
        + "\n"
        + json.dumps(line(ids, "note", "li", days_ago(1), "half \ud83e of an emoji"))
        + "\n",
        encoding="utf-8",
    )
    before = all_rows(target_url)
    result = import_(runner, target_url, path)
    assert result.exit_code == 1
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"tracker: {path}:2: 'value' holds a lone surrogate (U+D83E)")
    assert all_rows(target_url) == before


def test_a_nul_is_never_stored_in_a_note_or_a_reviewer_name(engine, ids):
    """The one rule on both backends, however the note is taken (the review UI and ``tracker annotate``
    go through the same function)."""
    cid = ids.c(CHARITY)
    with write_session(engine) as session:
        annotate.add_note(session, cid, "看过\x00了", reviewer="li\x00")
    with read_session(engine) as session:
        assert [(d.value, d.reviewer) for d in reviewer_notes(session)[cid]] == [("看过了", "li")]
