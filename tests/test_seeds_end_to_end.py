"""The real extractor through the CLI on the five seed documents: builds, reports, stays idempotent.

Skipped while ``tracker.ingest.pipeline`` cannot be imported (it is written separately).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytest.importorskip("tracker.ingest.pipeline")


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
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
    assert documents == {f"seeds/{p.name}" for p in SEEDS.glob("*.txt")}
    assert {c["status"] for c in data["commitments"]} <= {"pending", "no_evidence"}

    again = runner.invoke(cli, ["ingest", "seeds"])
    assert again.exit_code == 0, again.stderr
    assert again.output.count("unchanged") == len(list(SEEDS.glob("*.txt")))
    same = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    assert [c["id"] for c in same["commitments"]] == [c["id"] for c in data["commitments"]]
