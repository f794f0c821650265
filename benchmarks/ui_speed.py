"""How fast the review UI answers on a large database (issue #4: first screen < 1 s and every keypress
< 50 ms on 10,000 commitments).

The database is the synthetic corpus of ``corpus.py`` (real seed text moved to other cities), ingested and
matched, with at least ``--commitments`` commitments (10,000 by default). The app runs headless through
Textual's pilot at 120×40; each timing is from the key press to the screen being updated, including the
database write and re-read of a decision (the pilot waits for every worker and the refresh they schedule).

Run ``python benchmarks/ui_speed.py`` (builds the corpus in a temporary folder, ~1 min), or
``python benchmarks/ui_speed.py --db big.db`` to reuse a database (``--keep big.db`` writes one).
Add ``--json`` for machine-readable output.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402
from textual import events  # noqa: E402

from tracker.review.matching import match_database  # noqa: E402
from tracker.store.documents import load_paths  # noqa: E402
from tracker.store.engine import make_engine  # noqa: E402
from tracker.tui.app import TrackerApp  # noqa: E402

REPEATS = 15
SIZE = (120, 40)


def build(db: Path, commitments: int) -> int:
    """Generate, ingest and match documents until ``db`` holds at least ``commitments`` commitments."""
    documents = max(20, commitments // 90)
    while True:
        with tempfile.TemporaryDirectory(prefix="tracker-ui-") as tmp:
            folder = Path(tmp) / "corpus"
            corpus.generate(folder, documents, seed=0)
            db.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{db}")
            load_paths(engine, [str(folder)], base=folder)
            match_database(engine)
            count = _count(db)
            engine.dispose()
        if count >= commitments:
            return count
        documents = int(documents * commitments / max(count, 1) * 1.1) + 1


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("select count(*) from commitment").fetchone()[0])


CHARACTERS = {"slash": "/", "right_square_bracket": "]", "left_square_bracket": "[", "question_mark": "?"}


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Until every worker is done and every message is handled, then paint the screen once.

    Pilot's own ``press``/``pause`` wait for the process to look idle in steps of about 20 ms, which
    would be most of what is measured; this waits for exactly the work the key caused."""
    app = pilot.app
    quiet_rounds = 0
    while quiet_rounds < 2:  # a round with no worker running and nothing queued, twice in a row
        busy = any(worker.is_running for worker in app.workers)
        await app.workers.wait_for_complete()
        handled = asyncio.Event()
        app.call_later(handled.set)  # runs after everything already queued on the app
        await handled.wait()
        await pilot._wait_for_screen()
        quiet_rounds = 0 if busy else quiet_rounds + 1
    app.screen._on_timer_update()  # lay out and paint now rather than at the next refresh tick


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Deliver the keys as the terminal driver would, without Pilot's idle waits."""
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
        await settle(pilot)


async def timed(step: Callable[[], Awaitable[None]], pilot) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    await step()
    await settle(pilot)
    return (time.perf_counter() - start) * 1000


async def measure(db: Path) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    engine = make_engine(f"sqlite:///{db}")
    app = TrackerApp(engine, reviewer="bench")
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        # run_test returns once the app is running and its first screen (the overview, saying
        # 读取中 while the worklist loads in a worker) is mounted.
        add("first screen shown (loading…)", (time.perf_counter() - start) * 1000)
        while not app.loaded:
            await asyncio.sleep(0.002)
        await settle(pilot)
        add("overview filled (11,000+ rows read in a worker)", (time.perf_counter() - start) * 1000)
        for _ in range(5):
            add("baseline: unbound key, overview", await timed(lambda: press(pilot, "f9"), pilot))
        add("open list: all commitments", await timed(lambda: press(pilot, "enter"), pilot))
        for _ in range(5):
            add("baseline: unbound key, list", await timed(lambda: press(pilot, "f9"), pilot))
        for _ in range(REPEATS):
            add("list: j (move)", await timed(lambda: press(pilot, "j"), pilot))
        add("list: / (to the search box)", await timed(lambda: press(pilot, "slash"), pilot))
        for character in "养老服务":
            add(
                "list: type a character (filter all rows)",
                await timed(lambda typed=character: press(pilot, typed), pilot),
            )
        for _ in "养老服务":
            add("list: backspace (filter all rows)", await timed(lambda: press(pilot, "backspace"), pilot))
        await press(pilot, "escape")
        await settle(pilot)
        for _ in range(3):
            add("list: o (sort by score)", await timed(lambda: press(pilot, "o"), pilot))
        add("open detail", await timed(lambda: press(pilot, "enter"), pilot))
        for _ in range(5):
            add("baseline: unbound key, detail", await timed(lambda: press(pilot, "f9"), pilot))
        for _ in range(REPEATS):
            add("detail: j (next evidence)", await timed(lambda: press(pilot, "j"), pilot))
            add("detail: k (previous evidence)", await timed(lambda: press(pilot, "k"), pilot))
        for _ in range(REPEATS):
            add("detail: a (confirm, saved)", await timed(lambda: press(pilot, "a"), pilot))
            add("detail: x (reject, saved)", await timed(lambda: press(pilot, "x"), pilot))
            add("detail: u (undo, saved)", await timed(lambda: press(pilot, "u"), pilot))
        for _ in range(REPEATS):
            add("detail: 1 (status, next undecided)", await timed(lambda: press(pilot, "1"), pilot))
        for _ in range(5):
            add("detail: s (open the status chooser)", await timed(lambda: press(pilot, "s"), pilot))
            add("chooser: 2 (status, next undecided)", await timed(lambda: press(pilot, "2"), pilot))
        for _ in range(REPEATS):
            add(
                "detail: ] (next undecided)", await timed(lambda: press(pilot, "right_square_bracket"), pilot)
            )
        for _ in range(5):
            add("Esc: detail back to list", await timed(lambda: press(pilot, "escape"), pilot))
            add("Enter: open detail again", await timed(lambda: press(pilot, "enter"), pilot))
        add("Esc: detail back to list", await timed(lambda: press(pilot, "escape"), pilot))
        for _ in range(3):
            add("Esc: list back to overview", await timed(lambda: press(pilot, "escape"), pilot))
            add("Enter: open the list again", await timed(lambda: press(pilot, "enter"), pilot))
        add("r (reload everything)", await timed(lambda: press(pilot, "r"), pilot))
    engine.dispose()
    return results


def startup_ms(repeats: int = 5) -> float:
    """A fresh interpreter importing what ``tracker tui`` imports before the app starts (median)."""
    import subprocess

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tracker.cli, tracker.tui.app"], check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse this database (a copy is timed; it is not changed)")
    parser.add_argument("--keep", type=Path, help="write the built database here")
    parser.add_argument("--commitments", type=int, default=10_000, help="at least this many (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="repeat the whole measurement (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracker-ui-db-") as tmp:
        db = Path(tmp) / "ui.db"
        if args.db:
            shutil.copy(args.db, db)
            count = _count(db)
        else:
            start = time.perf_counter()
            count = build(db, args.commitments)
            print(f"built {count} commitments in {time.perf_counter() - start:.1f} s", file=sys.stderr)
            if args.keep:
                shutil.copy(db, args.keep)
        runs = []
        for _ in range(args.runs):
            fresh = Path(tmp) / "run.db"
            shutil.copy(db, fresh)  # every run starts undecided
            results = asyncio.run(measure(fresh))
            results["start: python + imports (fresh process)"] = [startup_ms()]
            imports = results["start: python + imports (fresh process)"][0]
            results["process start to first screen"] = [imports + results["first screen shown (loading…)"][0]]
            results["process start to filled overview"] = [
                imports + results["overview filled (11,000+ rows read in a worker)"][0]
            ]
            runs.append(results)
    # Per step: the median of each run, then the median and the range of those over the runs (this
    # machine's speed drifts by a third between runs minutes apart).
    summary = {}
    for name in runs[0]:
        medians = [statistics.median(run[name]) for run in runs]
        summary[name] = {
            "n": len(runs[0][name]),
            "median_ms": round(statistics.median(medians), 1),
            "runs_min_ms": round(min(medians), 1),
            "runs_max_ms": round(max(medians), 1),
            "max_ms": round(max(max(run[name]) for run in runs), 1),
        }
    if args.json:
        print(json.dumps({"commitments": count, "timings": summary}, ensure_ascii=False, indent=2))
        return 0
    print(f"{count} commitments, terminal {SIZE[0]}×{SIZE[1]}, {args.runs} run(s)")
    print(f"{'step':<46} {'n':>3} {'median ms':>10} {'run medians':>14} {'max ms':>8}")
    for name, row in summary.items():
        spread = f"{row['runs_min_ms']}–{row['runs_max_ms']}"
        print(f"{name:<46} {row['n']:>3} {row['median_ms']:>10} {spread:>14} {row['max_ms']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
