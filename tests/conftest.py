"""Shared fixtures: a temporary SQLite database, hand-built parsed documents, and the real seeds parsed once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import jieba
import pytest
from factories import make_document
from sqlalchemy.engine import Engine

from tracker.ingest.parsed import ParsedDocument, Quantity
from tracker.ingest.pipeline import parse_file
from tracker.store.engine import make_engine

jieba.setLogLevel(logging.WARNING)

MakeDoc = Callable[..., ParsedDocument]

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, ParsedDocument]:
    return {key: parse_file(SEEDS / name, display_path=f"seeds/{name}") for key, name in SEED_NAMES.items()}
