"""Fixtures of the report tests: the reviewed database (see ``reviewed_db``), built once per session, its
full report, and a per-test copy of the file for tests that run the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from reviewed_db import NOW, Reviewed, build

from tracker.report.json_report import build_report
from tracker.store.engine import make_engine, read_session


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory) -> Reviewed:
    return build(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def report_data(reviewed) -> dict[str, Any]:
    """The full report of the reviewed database (shared: do not modify it)."""
    engine = make_engine(f"sqlite:///{reviewed.path}")
    with read_session(engine) as session:
        data = build_report(session, now=NOW)
    engine.dispose()
    return data


@pytest.fixture
def db_copy(reviewed, tmp_path) -> Path:
    """A copy of the reviewed database that a test may write to."""
    path = tmp_path / "copy.db"
    shutil.copy(reviewed.path, path)
    return path
