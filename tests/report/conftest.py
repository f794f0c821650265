"""Fixtures of the report tests: the reviewed database (see ``reviewed_db``), a template built once per
session and backend, its full report, and a per-test copy for tests that write to it or run the CLI."""

from __future__ import annotations

from typing import Any

import pytest
from backends import Backend, Databases
from reviewed_db import NOW, Reviewed, build

from tracker.report.json_report import build_report
from tracker.store.engine import make_engine, read_session


@pytest.fixture(scope="session")
def reviewed(backend: Backend, tmp_path_factory) -> Reviewed:
    """The reviewed database (shared: read it, or take ``db_copy`` to write)."""
    return backend.template("reviewed", lambda url: build(tmp_path_factory.mktemp("report"), url)).value


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
