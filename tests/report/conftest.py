"""Fixtures of the report tests: the reviewed database (see ``reviewed_db``), built once per session and
backend, its full report, and a per-test copy for tests that write to it or run the CLI."""

from __future__ import annotations

from typing import Any

import pytest
from backends import Backend, Databases
from reviewed_db import NOW, Reviewed, build

from tracker.report.json_report import build_report
from tracker.store.engine import make_engine, read_session


@pytest.fixture(scope="session")
def reviewed(backend: Backend, tmp_path_factory) -> Reviewed:
    folder = tmp_path_factory.mktemp("report")
    return build(folder, backend.new(folder, "reviewed"))


@pytest.fixture(scope="session")
def report_data(reviewed) -> dict[str, Any]:
    """The full report of the reviewed database (shared: do not modify it)."""
    engine = make_engine(reviewed.url)
    with read_session(engine) as session:
        data = build_report(session, now=NOW)
    engine.dispose()
    return data


@pytest.fixture
def db_copy(reviewed: Reviewed, databases: Databases) -> str:
    """The URL of a copy of the reviewed database that a test may write to."""
    return databases.copy(reviewed.url)
