"""How fast the review UI answers on a large database (issue #16: first screen <= 1 s and every review
key <= 50 ms on 100,000 commitments).

The database is the synthetic corpus of ``corpus.py`` (real seed text moved to other cities), ingested and
matched, with at least ``--commitments`` commitments (10,000 by default), or the one given with ``--db``
(a copy is timed; the original is never changed). The app runs headless through Textual's pilot at
120×40; each timing is from the key press to the screen being updated, including the database write and
re-read of a decision (the pilot waits for every worker and the refresh they schedule).

The first screen is timed in fresh processes (Python start, imports, the database opened and the
overview's counts drawn), ``--launches`` times. Every key of the review is then timed ``--presses``
times: in the overview, in the list of one agency-year and in the list of every commitment, in the
detail and its history pane, through the status chooser and the filters.

Run ``python benchmarks/ui_speed.py`` (builds the corpus in a temporary folder, ~1 min), or
``python benchmarks/ui_speed.py --db big.db`` to reuse a database (``--keep big.db`` writes one).
``--json out.json`` also writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (120, 40)
CHARACTERS = {"slash": "/", "right_square_bracket": "]", "left_square_bracket": "[", "question_mark": "?"}


def build(db: Path, commitments: int) -> int:
    """Generate, ingest and match documents until ``db`` holds at least ``commitments`` commitments."""
    import corpus

    from tracker.review.matching import match_database
    from tracker.store.documents import load_paths
    from tracker.store.engine import make_engine

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


# -- driving the app ------------------------------------------------------------------------------------


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
    from textual import events

    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
        await settle(pilot)


async def timed(pilot, *keys: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Milliseconds from the key press to the screen updated: on the clock, and of CPU used by the
    process (every thread), which other programs running on the machine inflate far less."""
    start, cpu = time.perf_counter(), time.process_time()
    await press(pilot, *keys)
    await settle(pilot)
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def reviewed_block(app) -> int:  # type: ignore[no-untyped-def]
    """The overview row of the largest agency-year whose history has something earlier to compare
    (row 0 is 全部), so its detail shows a history pane to decide in."""
    board = app.history
    blocks = app.screen.blocks
    compared = [
        (block.total, index)
        for index, block in enumerate(blocks, start=1)
        if board is not None
        and board.baselines.get((block.agency, block.period)) is not None
        and board.baselines[(block.agency, block.period)].compared
    ]
    return max(compared)[1] if compared else 1


def overview_filled(app) -> bool:  # type: ignore[no-untyped-def]
    """The overview shows its rows (the counts by agency-year), whatever is still read behind it."""
    from textual.widgets import DataTable

    tables = app.screen.query("#blocks")
    return bool(tables) and tables.first(DataTable).row_count > 0


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.002)


class Timings:
    """Every sample of every step, in the order the steps were first timed."""

    def __init__(self, pilot) -> None:  # type: ignore[no-untyped-def]
        self.pilot = pilot
        self.samples: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def add(self, name: str, value: float, cpu: float | None = None) -> None:
        self.samples.setdefault(name, []).append(value)
        if cpu is not None:
            self.cpu.setdefault(name, []).append(cpu)

    async def key(self, name: str, *keys: str) -> None:
        self.add(name, *await timed(self.pilot, *keys))

    async def keys(self, name: str, key: str, times: int) -> None:
        for _ in range(times):
            await self.key(name, key)


async def measure(db: Path, presses: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """One session over ``db``: the screens' loads, then every key ``presses`` times (the samples on
    the clock, and of CPU time per key)."""
    from tracker.store.engine import make_engine
    from tracker.tui.app import TrackerApp

    engine = make_engine(f"sqlite:///{db}")
    app = TrackerApp(engine, reviewer="bench")
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        t = Timings(pilot)
        # run_test returns once the app runs and its first screen (读取中 while it reads) is mounted
        t.add("app start: first screen (loading)", (time.perf_counter() - start) * 1000)
        await until(lambda: overview_filled(app))
        t.add("app start: overview filled", (time.perf_counter() - start) * 1000)
        await until(lambda: app.loaded)
        t.add("app start: every row read (lists ready)", (time.perf_counter() - start) * 1000)
        await until(lambda: app.history is not None or app.history_failed)
        await settle(pilot)
        t.add("app start: history read", (time.perf_counter() - start) * 1000)
        n = presses
        await t.keys("baseline: unbound key, overview", "f9", 5)
        await t.keys("overview: down", "down", n)
        await t.keys("overview: up", "up", n)
        await press(pilot, "home")

        # the list of every commitment
        await t.key("overview: Enter, list of all (first time)", "enter")
        await t.keys("baseline: unbound key, list", "f9", 5)
        await t.keys("list all: j", "j", n)
        await t.keys("list all: k", "k", n)
        await t.keys("list all: ] (next undecided)", "right_square_bracket", n)
        for index in range(n):
            await t.key("list all: 1-5 (status saved)", str(index % 5 + 1))
            await press(pilot, "j")
        await t.keys("list all: u (undo, saved)", "u", 5)
        await t.key("list all: / (to the search box)", "slash")
        for character in "养老服务":
            await t.key("list all: type in the search (filter)", character)
        for _ in "养老服务":
            await t.key("list all: backspace in the search", "backspace")
        await press(pilot, "escape")
        await t.keys("list all: o (sort by score)", "o", 4)
        await filters(t, "list all")
        await t.key("list all: Esc to the overview", "escape")

        # the list of one agency-year, its detail and the history pane
        app.screen.query_one("#blocks").move_cursor(row=reviewed_block(app))
        await t.key("overview: Enter, list of one agency-year (first time)", "enter")
        await t.keys("list block: j", "j", n)
        await t.keys("list block: k", "k", n)
        await press(pilot, "g")
        await t.keys("list block: ] (next undecided)", "right_square_bracket", n)
        await press(pilot, "g")
        for index in range(n):
            await t.key("list block: 1-5 (status saved)", str(index % 5 + 1))
            await press(pilot, "j")
        await t.keys("list block: u (undo, saved)", "u", n)
        for _ in range(5):
            await t.key("list block: s (status chooser)", "s")
            await t.key("chooser: 2 (status saved)", "2")
        await filters(t, "list block")
        await press(pilot, "g")
        await t.key("list: Enter, detail (first time)", "enter")
        await t.keys("baseline: unbound key, detail", "f9", 5)
        await t.keys("detail: j (next evidence)", "j", n)
        await t.keys("detail: k (previous evidence)", "k", n)
        for _ in range(n):
            await t.key("detail: a (confirm, saved)", "a")
            await t.key("detail: x (reject, saved)", "x")
            await t.key("detail: u (undo, saved)", "u")
        for index in range(n):
            await t.key("detail: 1-5 (status saved, next undecided)", str(index % 5 + 1))
        for _ in range(5):
            await t.key("detail: s (status chooser)", "s")
            await t.key("chooser: 2 (status saved, next undecided)", "2")
        await t.keys("detail: ] (next undecided)", "right_square_bracket", n)
        await t.keys("detail: [ (previous undecided)", "left_square_bracket", n)
        await history_pane(t, n)
        for _ in range(5):
            await t.key("detail: Esc to the list", "escape")
            await t.key("list: Enter, detail", "enter")
        await t.key("detail: Esc to the list", "escape")
        for _ in range(3):
            await t.key("list block: Esc to the overview", "escape")
            await t.key("overview: Enter, list of one agency-year", "enter")
        await t.key("r (read everything again)", "r")
        samples, cpu = t.samples, t.cpu
    engine.dispose()
    return samples, cpu


async def filters(t: Timings, where: str) -> None:
    """Tab to the status filter, pick a status (the list filters), then the blank (everything again)."""
    pilot = t.pilot
    await t.key(f"{where}: Tab (to the filters)", "tab")
    await press(pilot, "tab", "enter")  # the status filter's menu
    await press(pilot, "down")  # 已兑现, the first status
    await t.key(f"{where}: filter by a status (Enter)", "enter")
    await press(pilot, "enter", "up")  # the menu again, on to its blank
    await t.key(f"{where}: filter cleared (Enter)", "enter")
    await press(pilot, "escape")


async def history_pane(t: Timings, n: int) -> None:
    """Tab to the history pane beside the evidence, move there, decide and undo a line, Tab back."""
    pilot = t.pilot
    for _ in range(30):  # on to a commitment with a line to decide in its history
        if any(getattr(pilot.app.screen, "_history_targets", [])):
            break
        await press(pilot, "right_square_bracket")
    await t.key("detail: h (hide the history pane)", "h")
    await t.key("detail: h (show the history pane)", "h")
    for _ in range(5):
        await t.key("detail: Tab (to the history pane)", "tab")
        await t.keys("history pane: j", "j", 3)
        await t.keys("history pane: k", "k", 3)
        await t.key("history pane: a (confirm, saved)", "a")
        await t.key("history pane: u (undo, saved)", "u")
        await t.key("history pane: x (reject, saved)", "x")
        await t.key("history pane: u (undo, saved)", "u")
        await t.key("history pane: Tab (to the evidence)", "tab")


# -- the first screen in a fresh process ----------------------------------------------------------------


def child(db: Path) -> None:
    """Run the app on ``db`` headless and print a line once the first screen is mounted, another once
    the overview is filled; the parent times them from its start of this process. What ``tracker
    --db FILE`` imports is imported first."""
    import tracker.cli.main  # noqa: F401
    from tracker.store.engine import make_engine
    from tracker.tui.app import TrackerApp

    async def run() -> None:
        app = TrackerApp(make_engine(f"sqlite:///{db}"), reviewer="bench")
        async with app.run_test(size=SIZE) as pilot:
            print("shown", flush=True)
            await until(lambda: overview_filled(app))
            await pilot._wait_for_screen()
            app.screen._on_timer_update()  # painted
            print("filled", flush=True)
            import os

            os._exit(0)  # not waiting for the reads behind the first screen

    asyncio.run(run())


def first_screens(db: Path, launches: int) -> dict[str, list[float]]:
    """Process start to the first screen, and to the overview filled, ``launches`` times."""
    results: dict[str, list[float]] = {}
    for _ in range(launches):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", str(db)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            name = {
                "shown": "process start: first screen (loading)",
                "filled": "process start: overview filled",
            }
            results.setdefault(name[line.strip()], []).append((time.perf_counter() - start) * 1000)
            if line.strip() == "filled":
                break
        process.kill()
        process.wait()
    return results


# -- summary --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95: the value 95 % of the samples do not exceed)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def summarize(
    runs: list[dict[str, list[float]]], cpu: list[dict[str, list[float]]]
) -> dict[str, dict[str, float | None]]:
    """Per step over every sample of every run: the median, p95 and max, the median CPU time (keys
    only), and the range of the runs' medians (this 2-core machine's speed drifts between runs)."""
    summary: dict[str, dict[str, float | None]] = {}
    for name in runs[0]:
        every = [value for run in runs for value in run.get(name, [])]
        medians = [statistics.median(run[name]) for run in runs if run.get(name)]
        used = [value for run in cpu for value in run.get(name, [])]
        summary[name] = {
            "n": len(every),
            "median_ms": round(statistics.median(every), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "max_ms": round(max(every), 1),
            "cpu_median_ms": round(statistics.median(used), 1) if used else None,
            "runs_min_ms": round(min(medians), 1),
            "runs_max_ms": round(max(medians), 1),
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse this database (a copy is timed; it is not changed)")
    parser.add_argument("--keep", type=Path, help="write the built database here")
    parser.add_argument("--commitments", type=int, default=10_000, help="at least this many (default 10000)")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole session (default 1)")
    parser.add_argument("--presses", type=int, default=15, help="times each key is pressed (default 15)")
    parser.add_argument("--launches", type=int, default=15, help="fresh processes timed (default 15)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
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
        runs, cpu = [], []
        for _ in range(args.runs):
            fresh = Path(tmp) / "run.db"
            shutil.copy(db, fresh)  # every run starts undecided
            results = first_screens(fresh, args.launches)
            keys, used = asyncio.run(measure(fresh, args.presses))
            runs.append(results | keys)
            cpu.append(used)
    summary = summarize(runs, cpu)
    if args.json:
        args.json.write_text(
            json.dumps({"commitments": count, "terminal": SIZE, "runs": args.runs, "timings": summary},
                       ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )  # fmt: skip
    print(f"{count} commitments, terminal {SIZE[0]}×{SIZE[1]}, {args.runs} run(s)")
    print(f"{'step (ms)':<56} {'n':>3} {'median':>8} {'p95':>8} {'max':>8} {'cpu':>6} {'run medians':>15}")
    for name, row in summary.items():
        spread = f"{row['runs_min_ms']}–{row['runs_max_ms']}"
        used = "" if row["cpu_median_ms"] is None else row["cpu_median_ms"]
        print(
            f"{name:<56} {row['n']:>3} {row['median_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8} "
            f"{used:>6} {spread:>15}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
