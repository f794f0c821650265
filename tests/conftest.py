"""Shared fixtures: a temporary database (SQLite, and PostgreSQL for the store, review and report tests),
hand-built parsed documents, and the real seeds parsed once.

A test's database is its own; one that starts prepared (the empty schema, matched documents …) is a copy
of a template built once per backend and session (see ``backends``)."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import jieba
import pytest
from backends import (
    POSTGRES_ENV,
    REQUIRE_ENV,
    Backend,
    Databases,
    PostgresBackend,
    SqliteBackend,
    open_postgres,
    own_database,
    postgres_required,
)
from click.testing import CliRunner
from factories import make_document
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker.ingest.parsed import ParsedDocument, Quantity
from tracker.ingest.pipeline import parse_file
from tracker.store.engine import describe, make_engine

jieba.setLogLevel(logging.WARNING)

MakeDoc = Callable[..., ParsedDocument]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEV_BENCHMARK = SHARED / "dev-benchmark"

SEED_NAMES = {
    "000": "000_d36dd9587975b4cd.txt",
    "001": "001_0d46cd3eb0266ada.txt",
    "002": "002_d7df08f17250d1a6.txt",
    "003": "003_45c4ba556c53b084.txt",
    "004": "004_ff62929cf9cd0f9d.txt",
}


#: Tests (paths under tests/) whose database fixtures run once on SQLite and once on PostgreSQL; the
#: others (ingest, matching quality, CLI, UI) run on SQLite only.
BOTH_BACKENDS = (
    "store",
    "review",
    "report",
    "match/test_run.py",
    "concurrency",
    "reliability/test_crash_safety.py",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"postgres: runs on the PostgreSQL server {POSTGRES_ENV} names (skipped without it)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    where = metafunc.definition.path.relative_to(TESTS).as_posix()
    if any(where == name or where.startswith(name + "/") for name in BOTH_BACKENDS):
        metafunc.parametrize(
            "db_backend",
            [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)],
            indirect=True,
            scope="session",
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """pytest's closing count line ("N passed, N skipped in …") always ends the output: addopts holds -q
    already, and a -q more on the command line (-qq) would drop it. The terminal reporter writes its
    summary after this hook; collection and progress keep the verbosity asked for."""
    session.config.option.verbose = max(session.config.option.verbose, -1)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The command line in a folder of the test's own, as login user ``tester``, with no TRACKER_DB."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "tester")
    return CliRunner()


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: both in the folders of BOTH_BACKENDS, else SQLite."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresBackend]:
    """The PostgreSQL server of TRACKER_TEST_POSTGRES: skipped without it, except in CI, where it fails."""
    try:
        backend = open_postgres()
    except LookupError as exc:
        if postgres_required():
            pytest.fail(f"{REQUIRE_ENV} or CI is set but {POSTGRES_ENV} is not: PostgreSQL would go untested")
        pytest.skip(str(exc))
    except SQLAlchemyError as exc:
        pytest.fail(f"cannot reach the PostgreSQL server of {POSTGRES_ENV}: {describe(exc)}")
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> SqliteBackend:
    """SQLite, its templates in a folder of the session."""
    return SqliteBackend(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def backend(db_backend: str, request: pytest.FixtureRequest) -> Backend:
    """The backend under test. Pytest sets this up again whenever the tests switch backends; the two
    backends themselves (``sqlite_backend``, ``postgres``) and so their templates last the session."""
    return request.getfixturevalue("postgres" if db_backend == "postgresql" else "sqlite_backend")


@pytest.fixture
def databases(backend: Backend, tmp_path: Path) -> Iterator[Databases]:
    """Makes the test's databases (``new``, ``copy``) on the backend under test."""
    made = Databases(backend, tmp_path)
    yield made
    made.close()


@pytest.fixture
def db_url(databases: Databases, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh database of the test's own: with the empty schema when the test uses
    ``engine``, else not made yet (see ``backends.own_database``)."""
    return own_database(databases, request)


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_doc() -> MakeDoc:
    return make_document


@pytest.fixture
def target() -> Quantity:
    return Quantity(100, "个", ">=", "打造100个")


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, ParsedDocument]:
    return {key: parse_file(SEEDS / name, display_path=f"seeds/{name}") for key, name in SEED_NAMES.items()}
