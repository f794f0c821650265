"""The matcher gives the same candidates on every machine: its pool keeps ties rather than letting a
CPU-specific partition break them, and a whole run is the same whichever SIMD code numpy dispatches."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tracker.match.features import candidate_pairs

ROOT = Path(__file__).resolve().parents[2]
OUTCOME = ROOT.parent / "shared" / "dev-benchmark" / "zs2025_outcome.txt"


def test_the_pool_keeps_every_column_tied_with_its_last_one() -> None:
    scores = np.array([[5.0, 9.0, 7.0, 7.0, 7.0, 0.0, 8.0], [0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0]])
    rows, columns = candidate_pairs(scores, count=3)
    # row 0: 9 and 8, then three columns tied on 7 for the third place, all kept, earlier first
    assert rows.tolist() == [0, 0, 0, 0, 0, 1]
    assert columns.tolist() == [1, 6, 2, 3, 4, 2]
    # row 1: only the one column above zero
    assert candidate_pairs(scores[1:], count=3)[1].tolist() == [2]


def test_the_pool_does_not_depend_on_column_order() -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 6, size=(40, 60)).astype(float)  # many ties
    permutation = rng.permutation(60)
    rows, columns = candidate_pairs(scores, count=10)
    shuffled_rows, shuffled_columns = candidate_pairs(scores[:, permutation], count=10)
    kept = set(zip(rows.tolist(), columns.tolist(), strict=True))
    shuffled = set(zip(shuffled_rows.tolist(), permutation[shuffled_columns].tolist(), strict=True))
    assert kept == shuffled


_RUN = """
import sys
from tracker.review.matching import compute_run
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session
engine = make_engine("sqlite:///" + sys.argv[1])
assert not load_paths(engine, sys.argv[2:]).errors
with read_session(engine) as session:
    run = compute_run(session)
for c in sorted(run.candidates, key=lambda c: (c.commitment_id, c.rank)):
    print(c.commitment_id, c.achievement_id, c.rank, round(c.score, 6), c.state, c.weighs)
"""


def _dispatched() -> list[str]:
    """The SIMD targets numpy chose code for at build time (its own list; private, so looked up where
    numpy 2 and numpy 1 keep it)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:
        from numpy.core._multiarray_umath import __cpu_dispatch__
    return list(__cpu_dispatch__)


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 SIMD targets")
def test_a_run_is_the_same_whichever_simd_code_numpy_uses(tmp_path) -> None:
    if not OUTCOME.exists():
        pytest.skip("../shared/dev-benchmark is not beside this checkout")
    paths = [str(ROOT / "seeds"), str(OUTCOME)]

    def run(name: str, disabled: list[str]) -> str:
        env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
        if disabled:
            env["NPY_DISABLE_CPU_FEATURES"] = ",".join(disabled)
        done = subprocess.run(
            [sys.executable, "-c", _RUN, str(tmp_path / name), *paths],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    best, baseline = run("best.db", []), run("baseline.db", _dispatched())
    assert best.count("\n") > 300
    assert best == baseline
