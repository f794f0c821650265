"""Scripted review: id prefixes, decisions appended to the log, and the JSON report reflecting them."""

from __future__ import annotations

import json

import pytest
from factories import make_document
from sqlalchemy import text

from tracker.cli.main import cli
from tracker.statuses import STATUS_LABELS
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session
from tracker.store.models import Candidate
from tracker.store.queries import list_achievements, list_commitments

OTHERS = ["召开工作会议", "开展培训3期", "印发通知2份"]


def _fill(url: str) -> tuple[list[str], list[str]]:
    """Two commitments and five achievements of 广州 2024; the matcher suggested the first pair."""
    engine = make_engine(url)
    with write_session(engine) as session:
        save_document(
            session, make_document("plan.txt", plan=["建成长者饭堂示范点100个", "出台养老服务条例"])
        )
        save_document(
            session,
            make_document(
                "sum.txt", summary=["建成长者饭堂120个", "条例已出台", *OTHERS], summary_period=2024
            ),
        )
    with write_session(engine) as session:
        commitments = [c.id for c in list_commitments(session)]
        achievements = [a.id for a in list_achievements(session)][:2]
        session.add(
            Candidate(
                commitment_id=commitments[0],
                achievement_id=achievements[0],
                rank=1,
                score=88.0,
                state="suggested",
            )
        )
    engine.dispose()
    return commitments, achievements


@pytest.fixture
def db_url(databases) -> str:
    """A copy of the filled database (``_fill``, built once per backend)."""
    return databases.copy_of(databases.backend.template("decisions", _fill))


@pytest.fixture
def filled(engine, backend):
    """Two commitments and five achievements of 广州 2024; the matcher suggested the first pair."""
    return backend.template("decisions", _fill).value


def decisions(db_url: str) -> list[tuple]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT commitment_id, achievement_id, action, value, reviewer FROM decision ORDER BY id")
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def report(runner, db_url) -> dict:
    result = runner.invoke(cli, ["--db", db_url, "report", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def run(runner, db_url, *args):
    return runner.invoke(cli, ["--db", db_url, "annotate", *args])


def test_confirm_and_reject_with_prefixes(runner, filled, db_url):
    (c1, c2), (a1, a2) = filled
    confirmed = run(runner, db_url, "confirm", c2[:8], a2[2:10], "--reviewer", "li")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert confirmed.output == f"confirmed {c2} ← {a2} (reviewer li)\n"
    rejected = run(runner, db_url, "reject", c1, a1[:9])
    assert rejected.exit_code == 0, rejected.stderr
    assert decisions(db_url) == [(c2, a2, "confirm", None, "li"), (c1, a1, "reject", None, "tester")]
    data = report(runner, db_url)
    evidence = {c["id"]: [(e["id"], e["state"]) for e in c["evidence"]] for c in data["commitments"]}
    assert evidence == {c1: [(a1, "rejected")], c2: [(a2, "confirmed")]}
    supports = {a["id"]: a["supports"] for a in data["achievements"]}
    assert {a: supports[a] for a in (a1, a2)} == {a1: [], a2: [c2]}


def test_link_and_unlink_are_pair_decisions_too(runner, filled, db_url):
    (c1, _), (_, a2) = filled
    assert run(runner, db_url, "link", c1, a2).exit_code == 0
    assert run(runner, db_url, "unlink", c1, a2).exit_code == 0
    assert [d[2] for d in decisions(db_url)] == ["link", "unlink"]
    states = {e["id"]: e["state"] for e in report(runner, db_url)["commitments"][0]["evidence"]}
    assert states[a2] == "rejected"


def test_status_is_set_by_the_reviewer_with_its_label(runner, filled, db_url):
    (c1, c2), _ = filled
    result = run(runner, db_url, "status", c2[:10], "partial")
    assert result.exit_code == 0, result.stderr
    assert result.output == f"{c2}: partial 部分兑现 (reviewer tester)\n"
    data = {c["id"]: c for c in report(runner, db_url)["commitments"]}
    assert (data[c2]["status"], data[c2]["status_source"], data[c2]["status_label"]) == (
        "partial",
        "reviewer",
        "部分兑现",
    )
    assert data[c1]["status_source"] == "auto"
    assert run(runner, db_url, "status", c2, "not_fulfilled").exit_code == 0
    assert {c["id"]: c["status"] for c in report(runner, db_url)["commitments"]}[c2] == "not_fulfilled"
    assert [d[3] for d in decisions(db_url)] == ["partial", "not_fulfilled"]


def test_note_is_appended(runner, filled, db_url):
    (c1, _), _ = filled
    result = run(runner, db_url, "note", c1, "  区级清单未见  ", "--reviewer", "wang")
    assert result.exit_code == 0, result.stderr
    assert result.output == f"{c1}: note added (reviewer wang)\n"
    assert decisions(db_url) == [(c1, None, "note", "区级清单未见", "wang")]


@pytest.mark.parametrize(
    "args, code, start",
    [
        (["confirm", "c-", "a-"], 2, "tracker: commitment id prefix 'c-' is ambiguous: c-"),
        (["confirm", "zzzz", "a-"], 2, "tracker: no commitment id starts with 'c-zzzz'"),
        (["status", "c-", "partial"], 2, "tracker: commitment id prefix 'c-' is ambiguous"),
        (["status", "c-x", "done"], 2, "tracker: Invalid value for 'STATUS'"),
        (["note", "c-x", " "], 2, "tracker: empty note"),
        (["reject", "c-", "a-"], 2, "tracker: commitment id prefix"),
    ],
)
def test_bad_ids_are_one_line_and_write_nothing(runner, filled, db_url, args, code, start):
    result = run(runner, db_url, *args)
    assert result.exit_code == code
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(start)
    assert decisions(db_url) == []


def test_ambiguous_prefix_lists_three_matches(runner, filled, db_url):
    (c1, _), _ = filled
    result = run(runner, db_url, "confirm", c1, "a-")
    (line,) = result.stderr.splitlines()
    listed = line.split("is ambiguous: ")[1]
    assert listed.count("a-") == 3 and ", …" in listed
    assert decisions(db_url) == []


def test_annotate_needs_an_existing_database(runner):
    result = runner.invoke(cli, ["annotate", "note", "c-1", "x"])
    assert result.exit_code == 1
    assert result.stderr.startswith("tracker: database commitments.db does not exist")


def test_status_help_lists_every_status_with_its_label(runner):
    result = runner.invoke(cli, ["annotate", "status", "--help"])
    assert all(
        f"{status} {text}" in " ".join(result.output.split()) for status, text in STATUS_LABELS.items()
    )
