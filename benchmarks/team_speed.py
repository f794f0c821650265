"""What a team review costs on a large database: ``tracker assign``, ``tracker agreement``, and a coder's
review (blind double coding) against a reviewer's with no worklist, key by key, in the same run.

    python benchmarks/team_speed.py --db /work/bench/k/n1000/bench.db --reviewers 4 --overlap 0.2

The database is copied; the copy is assigned to the reviewers, a share of the double-coded commitments
is coded by both coders (half of them differently), and then timed. Medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (140, 40)


def tracker(*args: str) -> float:
    """Seconds a whole ``tracker`` process takes."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tracker.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def code_some(db: Path, coded: int) -> list[str]:
    """Both coders set a status on ``coded`` double-coded commitments, differing on every other one;
    the commitment ids."""
    from sqlmodel import select

    from tracker.review import decisions
    from tracker.store.engine import make_engine, write_session
    from tracker.store.models import Assignment

    engine = make_engine(f"sqlite:///{db}")
    with write_session(engine) as session:
        seconds = session.exec(select(Assignment).where(Assignment.role == 2).limit(coded)).all()
        ids = [a.commitment_id for a in seconds]
        firsts = {
            a.commitment_id: a.reviewer for a in session.exec(select(Assignment).where(Assignment.role == 1))
        }
        for index, second in enumerate(seconds):
            decisions.set_status(
                session, second.commitment_id, "fulfilled", reviewer=firsts[second.commitment_id]
            )
            other = "partial" if index % 2 else "fulfilled"
            decisions.set_status(session, second.commitment_id, other, reviewer=second.reviewer)
    engine.dispose()
    return ids


async def keys(db: Path, reviewer: str, presses: int) -> dict[str, float]:
    """Median milliseconds per key for ``reviewer`` on the list they open on (a coder: their worklist;
    anyone else: the list of every commitment) and in its detail. Each figure waits for every worker the
    key started (after a status, the queue of disagreements is read again)."""
    from tracker.store.engine import make_engine
    from tracker.tui.app import TrackerApp

    app = TrackerApp(make_engine(f"sqlite:///{db}"), reviewer=reviewer)
    found: dict[str, list[float]] = {}

    async def key(name: str, which: str) -> None:
        start = time.perf_counter()
        await pilot.press(which)
        await app.workers.wait_for_complete()
        await pilot.pause()
        found.setdefault(name, []).append((time.perf_counter() - start) * 1000)

    async with app.run_test(size=SIZE) as pilot:
        while not app.loaded or app.history is None:
            await asyncio.sleep(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        if type(app.screen).__name__ == "OverviewScreen":
            await pilot.press("enter")  # the list of every commitment
            await app.workers.wait_for_complete()
        for index in range(presses):
            await key("list: j", "j")
            await key("list: 1-5 (status saved)", str(index % 5 + 1))
        for _ in range(presses):
            await key("list: ] (next undecided)", "right_square_bracket")
        await key("list: Enter, detail", "enter")
        for index in range(presses):
            await key("detail: 1-5 (status saved, next undecided)", str(index % 5 + 1))
        await key("detail: Esc", "escape")
    return {name: statistics.median(values) for name, values in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path, required=True, help="a matched database (copied, not changed)")
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--overlap", type=float, default=0.2)
    parser.add_argument("--coded", type=int, default=2000, help="double-coded commitments both coders decide")
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    names = ",".join(f"审核{i + 1}" for i in range(options.reviewers))
    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(options.repeats):
            db = Path(folder) / "team.db"
            shutil.copy(options.db, db)
            url = f"sqlite:///{db}"
            rows.setdefault("tracker assign (s)", []).append(
                tracker("--db", url, "assign", "--reviewers", names, "--overlap", str(options.overlap))
            )
            code_some(db, options.coded)
            print("assigned and coded", file=sys.stderr, flush=True)
            rows.setdefault("tracker agreement (s)", []).append(tracker("--db", url, "agreement"))
            rows.setdefault("tracker annotate worklist --disputes (s)", []).append(
                tracker("--db", url, "annotate", "worklist", "--disputes")
            )
            plain = Path(folder) / "plain.db"
            shutil.copy(options.db, plain)
            for base, who, label in (
                (db, "审核1", "coder"),
                (db, "编辑", "no worklist"),
                (plain, "编辑", "no team at all"),
            ):
                for name, ms in asyncio.run(keys(base, who, options.presses)).items():
                    rows.setdefault(f"{label}: {name} (ms)", []).append(ms)
                    print(f"{label}: {name} {ms:.1f} ms", file=sys.stderr, flush=True)
    for name, values in rows.items():
        print(f"{name:60} {statistics.median(values):8.2f}   runs {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
