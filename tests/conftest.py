"""Shared fixtures: a temporary SQLite database and hand-built parsed documents (no extraction needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from factories import make_document
from sqlalchemy.engine import Engine

from tracker.ingest.parsed import ParsedDocument, Quantity
from tracker.store.engine import make_engine

MakeDoc = Callable[..., ParsedDocument]


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


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
