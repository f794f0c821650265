"""A review database for UI tests: the real 2024 plan of seeds/004 matched against the dev benchmark's
2024 summary, built once per session and copied for each test (so each test starts undecided)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tracker.review.matching import match_database
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
OUTCOME = ROOT.parent / "shared" / "dev-benchmark" / "fs2024_outcome.txt"


@pytest.fixture(scope="session")
def review_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    (folder / "seeds").mkdir()
    (folder / "dev-benchmark").mkdir()
    shutil.copy(SEED_004, folder / "seeds")
    shutil.copy(OUTCOME, folder / "dev-benchmark")
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    result = load_paths(engine, [str(folder / "seeds"), str(folder / "dev-benchmark")], base=folder)
    assert result.exit_code == 0
    match_database(engine)
    engine.dispose()
    return path


@pytest.fixture
def review_db(review_template, tmp_path) -> Path:
    path = tmp_path / "review.db"
    shutil.copy(review_template, path)
    return path


@pytest.fixture
def review_engine(review_db) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{review_db}")
    yield engine
    engine.dispose()
