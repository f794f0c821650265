"""The real extractor through the CLI on the five seed documents: builds, reports, stays idempotent,
and refuses bad files without touching the database."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A copy of the checkout's seeds, in a folder that is a checkout (so plain tracker builds the demo)."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tracker"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    return tmp_path


def test_seeds_build_report_and_reingest(workdir):
    runner = CliRunner()
    built = runner.invoke(cli, [])
    assert built.exit_code == 0, built.stderr
    assert (workdir / "commitments.db").exists()

    report = runner.invoke(cli, ["report", "--format", "json"])
    assert report.exit_code == 0, report.stderr
    data = json.loads(report.output)
    documents = {c["document"] for c in data["commitments"]} | {a["document"] for a in data["achievements"]}
    assert documents == {f"seeds/{p.name}" for p in SEEDS.glob("*.txt")} | {
        "demo/illustrative_foshan_2024_summary.txt"
    }
    # Only 佛山's 2024 plan has a summary of its year (the illustrative one): every other plan waits.
    answered = [c for c in data["commitments"] if (c["agency"], c["period"]) == ("佛山市民政局", 2024)]
    assert len(answered) == 32
    assert {c["status"] for c in data["commitments"] if c not in answered} == {"pending"}
    assert {c["status"] for c in answered} == {
        "fulfilled", "partial", "in_progress", "no_evidence", "not_fulfilled", "unverifiable"
    }  # fmt: skip

    again = runner.invoke(cli, ["ingest", "seeds"])
    assert again.exit_code == 0, again.stderr
    assert again.output.count("unchanged") == len(list(SEEDS.glob("*.txt")))
    same = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    assert [c["id"] for c in same["commitments"]] == [c["id"] for c in data["commitments"]]


def test_bad_files_leave_the_database_byte_for_byte_unchanged(workdir):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "seeds/004_ff62929cf9cd0f9d.txt"]).exit_code == 0
    before = _dump(workdir / "commitments.db")
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (bad / "latin.txt").write_bytes(bytes(range(128, 256)) * 4)
    (bad / "vague.txt").write_text("加强养老服务,推进社会救助工作。", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", "bad", "missing.txt"])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5
    assert all(line.startswith("tracker: ") for line in lines)
    assert "Traceback" not in result.stderr
    assert any("bad/image.txt: binary" in line for line in lines)
    assert any("bad/vague.txt: cannot tell which body" in line for line in lines)
    assert _dump(workdir / "commitments.db") == before


def _dump(path: Path) -> str:
    """Every row of every table (WAL included): what "the database as it was" means."""
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def test_many_files_are_parsed_in_parallel_and_saved_in_order(workdir):
    folder = workdir / "many"
    folder.mkdir()
    for copy in range(2):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{copy}_{seed.name}").write_text(text + f"\n(副本{copy})\n", encoding="utf-8")
    (folder / "9_bad.txt").write_bytes(b"\x00\x01binary")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "many", "--no-match"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "tracker: many/9_bad.txt: binary file (contains NUL bytes) (give a text or HTML file)"
    )
    printed = [line.split()[0] for line in result.output.splitlines() if line.startswith("many/")]
    assert printed == sorted(f"many/{p.name}" for p in folder.glob("[01]_*.txt"))
    assert _dump(workdir / "commitments.db").count('INSERT INTO "document"') == 10
