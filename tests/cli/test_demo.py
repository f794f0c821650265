"""Demo and work apart: ``tracker demo`` builds a database of its own from the seeds and the illustrative
summary, with example decisions; plain ``tracker`` builds the demo only in the project's checkout and
never into a database that holds documents; elsewhere it says how to start and creates nothing.

A checkout here is a folder of the test's own: a pyproject.toml naming the project and a seeds/ holding
seeds/004 only (the plan the illustrative summary answers), so each build takes about a second.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

import tracker.demo.build as demo_build
from tracker.cli.main import cli
from tracker.demo.build import DOCUMENT, EXAMPLE_REVIEWER, EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
DEMO_DOCUMENTS = ["demo/illustrative_foshan_2024_summary.txt", "seeds/004_ff62929cf9cd0f9d.txt"]


def make_checkout(folder: Path, name: str = "tracker") -> Path:
    (folder / "seeds").mkdir(parents=True)
    shutil.copy(SEED_004, folder / "seeds")
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    return folder


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """The checkout the package runs from (what ``tracker demo`` takes the seeds of), outside the
    folder the test runs in."""
    folder = make_checkout(tmp_path / "checkout")
    monkeypatch.setattr(demo_build, "CHECKOUT", folder)
    return folder


@pytest.fixture
def work(runner, tmp_path) -> Path:
    """The folder the command runs in: someone's own, not a checkout."""
    return tmp_path


def documents(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT path FROM document ORDER BY path")]


def decisions(db: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(db) as connection:
        query = "SELECT reviewer, action, value FROM decision ORDER BY id"
        return [tuple(row) for row in connection.execute(query)]


def dump(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return "\n".join(connection.iterdump())


def report(runner, db: str) -> dict:
    result = runner.invoke(cli, ["--db", db, "report", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_the_illustrative_document_says_it_is_one_in_its_title_and_first_lines():
    first, second = DOCUMENT.read_text(encoding="utf-8").splitlines()[:2]
    assert first == "佛山市民政局2024年工作总结（示例）"
    assert "示例文件" in second and "illustrative" in second and "不是佛山市民政局发布的真实文件" in second


def test_plain_tracker_in_an_empty_folder_says_what_to_do_and_creates_nothing(runner, work):
    for args in ([], ["tui"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.stderr
        lines = result.output.splitlines()
        assert len(lines) == 2
        assert "commitments.db" in lines[0] and "nothing was created" in lines[0]
        assert "tracker demo" in lines[1] and "tracker ingest FILE" in lines[1]
    assert list(work.iterdir()) == []


def test_plain_tracker_beside_a_seeds_folder_that_is_not_the_project_builds_nothing(runner, work):
    (work / "seeds").mkdir()
    (work / "seeds" / "plan.txt").write_text(
        "佛山市民政局2024年工作计划\n建成示范点10个。\n", encoding="utf-8"
    )
    (work / "pyproject.toml").write_text('[project]\nname = "somebody-else"\n', encoding="utf-8")
    result = runner.invoke(cli, [])
    assert result.exit_code == 0 and "tracker demo" in result.output
    assert not (work / "commitments.db").exists()


def test_plain_tracker_on_an_empty_named_database_leaves_it_as_it_was(runner, work, monkeypatch):
    runner.invoke(cli, ["--db", "empty.db", "ingest", "nowhere.txt"])  # creates the schema, no document
    before = dump(work / "empty.db")
    monkeypatch.setenv("TRACKER_DB", "empty.db")
    result = runner.invoke(cli, [])
    assert result.exit_code == 0 and "no documents in empty.db" in result.output
    assert dump(work / "empty.db") == before


def test_tracker_demo_builds_its_own_file_with_statuses_and_example_decisions(runner, work, checkout):
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.stderr
    assert f"示例 examples: 12 reviewer decisions by {EXAMPLE_REVIEWER}" in result.output
    assert not (work / "commitments.db").exists()
    assert documents(work / "tracker-demo.db") == DEMO_DOCUMENTS

    data = report(runner, "tracker-demo.db")
    plan = [c for c in data["commitments"] if (c["agency"], c["period"]) == ("佛山市民政局", 2024)]
    counts = Counter(c["status"] for c in plan)
    # every status but 待核查 (this checkout has no other plan): the automatic ones and a reviewer's two
    assert set(counts) == {
        "fulfilled",
        "partial",
        "in_progress",
        "no_evidence",
        "not_fulfilled",
        "unverifiable",
    }
    by_text = {c["text"]: c for c in plan}
    for example in EXAMPLES:
        commitment = by_text[example.commitment]
        if example.note:
            assert [n["text"] for n in commitment["notes"]] == [example.note]
            assert example.note.startswith("示例")
            assert commitment["notes"][0]["reviewer"] == EXAMPLE_REVIEWER
        if example.action == "status":
            assert (commitment["status"], commitment["status_source"]) == (example.status, "reviewer")
        else:
            states = {e["text"]: e["state"] for e in commitment["evidence"]}
            assert (
                states[example.achievement] == {"confirm": "confirmed", "reject": "rejected"}[example.action]
            )
    # rejecting the two unrelated suggestions left no evidence; the draft law left it in progress
    assert by_text["加强对慈善活动监督管理"]["status"] == "no_evidence"
    assert by_text["进一步推进《佛山市养老服务条例》立法工作"]["status"] == "in_progress"


def test_tracker_demo_again_reopens_the_file_and_keeps_the_users_decisions(runner, work, checkout):
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    plan = {c["text"]: c["id"] for c in report(runner, "tracker-demo.db")["commitments"]}
    mine = runner.invoke(
        cli,
        [
            "--db",
            "tracker-demo.db",
            "annotate",
            "status",
            plan["深化婚俗改革"],
            "部分兑现",
            "--reviewer",
            "li",
        ],
    )
    assert mine.exit_code == 0, mine.stderr
    assert (
        runner.invoke(
            cli, ["--db", "tracker-demo.db", "annotate", "undo", "--reviewer", EXAMPLE_REVIEWER]
        ).exit_code
        == 0
    )
    before = decisions(work / "tracker-demo.db")

    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0, again.stderr
    assert "examples" not in again.output and "matched" not in again.output  # nothing changed, nothing redone
    assert decisions(work / "tracker-demo.db") == before  # no example taken again, the undo stands
    shown = {c["text"]: c for c in report(runner, "tracker-demo.db")["commitments"]}
    assert (shown["深化婚俗改革"]["status"], shown["深化婚俗改革"]["status_reviewer"]) == ("partial", "li")


def test_tracker_demo_refuses_a_database_holding_other_documents(runner, work, checkout):
    (work / "mine.txt").write_text(
        "中山市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n", encoding="utf-8"
    )
    assert runner.invoke(cli, ["--db", "mine.db", "ingest", "mine.txt"]).exit_code == 0
    before = dump(work / "mine.db")
    for args in (["demo", "--db", "mine.db"], ["--db", "mine.db", "demo"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1
        (line,) = result.stderr.splitlines()
        assert line.startswith("tracker: mine.db holds other documents (mine.txt)")
        assert "another --db FILE" in line
        assert dump(work / "mine.db") == before


def test_tracker_demo_ignores_the_users_tracker_db(runner, work, checkout, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", "work.db")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.stderr
    assert documents(work / "tracker-demo.db") == DEMO_DOCUMENTS
    assert not (work / "work.db").exists()
    named = runner.invoke(cli, ["--db", "try.db", "demo"])
    assert named.exit_code == 0 and documents(work / "try.db") == DEMO_DOCUMENTS


def test_tracker_demo_without_the_seeds_installed_says_how_to_get_them(runner, work, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_build, "CHECKOUT", tmp_path / "site-packages")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line == (
        "tracker: the demo's documents (seeds/) are not installed (install from the project's checkout "
        "with 'pip install -e .', or run 'tracker ingest FILE...')"
    )
    assert not (work / "tracker-demo.db").exists()


def test_plain_tracker_in_the_checkout_builds_the_demo_once(runner, work, monkeypatch):
    make_checkout(work)
    first = runner.invoke(cli, [])
    assert first.exit_code == 0, first.stderr
    assert "Building commitments.db as the demo" in first.output and "已兑现" in first.output
    assert documents(work / "commitments.db") == DEMO_DOCUMENTS
    second = runner.invoke(cli, ["tui"])
    assert second.exit_code == 0
    assert "Building" not in second.output and "已兑现" in second.output


def test_plain_tracker_in_the_checkout_never_adds_the_demo_to_documents(runner, work):
    make_checkout(work)
    (work / "mine.txt").write_text(
        "中山市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n", encoding="utf-8"
    )
    assert runner.invoke(cli, ["ingest", "mine.txt"]).exit_code == 0
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert "Building" not in result.output
    assert documents(work / "commitments.db") == ["mine.txt"]


def test_in_a_terminal_the_review_opens_with_the_database_in_its_header(runner, work, checkout, monkeypatch):
    import tracker.cli.launch as launch
    from tracker.tui.app import TrackerApp

    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(launch, "_interactive", lambda: True)
    monkeypatch.setattr(TrackerApp, "run", lambda app: opened.append((app.title, app.sub_title)))
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert runner.invoke(cli, ["--db", "tracker-demo.db"]).exit_code == 0
    assert opened == [("tracker 承诺落实审核", "tracker-demo.db")] * 2
