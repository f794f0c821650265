"""A reviewed-to-be database from real documents: seeds/004 (佛山's 2023 summary and 2024 plan) and the
dev benchmark's 2024 summary, ingested and matched once per session through the command line, then
copied with its folder for each test (tests run inside the copy, so displayed paths match)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import seal_sqlite
from click.testing import CliRunner

from tracker.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
PLAN = "seeds/004_ff62929cf9cd0f9d.txt"
OUTCOME = "dev-benchmark/fs2024_outcome.txt"
SOURCES = {PLAN: ROOT / PLAN, OUTCOME: ROOT.parent / "shared" / OUTCOME}


@pytest.fixture(scope="session")
def reviewed_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reliability")
    for name, source in SOURCES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copy(source, folder / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("TRACKER_DB", raising=False)
        result = CliRunner().invoke(cli, ["--db", "work.db", "ingest", "seeds", "dev-benchmark"])
    assert result.exit_code == 0, result.output
    seal_sqlite(folder / "work.db")  # the copies below are file copies: no write-ahead log left aside
    return folder


@pytest.fixture
def workdir(reviewed_template, tmp_path, monkeypatch) -> Iterator[Path]:
    """A copy of the template folder (documents and database), as the current folder."""
    folder = tmp_path / "work"
    shutil.copytree(reviewed_template, folder)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    yield folder


@pytest.fixture
def run(workdir):
    """``run("ingest", "seeds")``: the tracker command on the copy's database, checked for tracebacks."""

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--db", "work.db", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke
