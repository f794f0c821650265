"""An ingest killed outright takes its parse workers with it (issue #6, adversarial run).

From ``PARALLEL_FROM`` files on, ``tracker ingest`` parses in a process pool. Its workers wait on a
pipe their siblings also hold open, so after ``kill -9`` of the ingest they used to sleep forever as
orphans, some 190 MB each. Linux only: the children are found through /proc.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.ingest.batch import PARALLEL_FROM

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux only")

ROOT = Path(__file__).resolve().parents[2]
COPIES = 8  # of each seed: 40 files, several seconds of parsing on two workers
GRACE = 5.0  # seconds the workers get to go once their parent is dead


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found.update(int(child) for child in task.read_text().split())
    return found


def _alive(pid: int) -> bool:
    """Running or asleep; a zombie is dead (whether its new parent reaps it is not ours to test)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_for(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "TRACKER_DB"}


def test_workers_die_when_the_ingest_is_killed(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for copy in range(COPIES):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(seed, folder / f"{copy:02d}_{seed.name}")
    assert len(list(folder.iterdir())) >= max(16, PARALLEL_FROM)
    command = [sys.executable, "-m", "tracker.cli", "--db", "sqlite:///t.db", "ingest", "--no-match", "docs"]
    ingest = subprocess.Popen(
        command, cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers: set[int] = set()
    try:
        workers = _wait_for(lambda: _children(ingest.pid), timeout=60)
        assert workers, "the ingest never started its parse workers"
        time.sleep(0.3)  # let the pool start every worker, then take them all
        workers |= _children(ingest.pid)
        assert ingest.poll() is None, "the ingest ended before it could be killed"
        ingest.send_signal(signal.SIGKILL)
        ingest.wait(timeout=10)
        survivors = _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=GRACE)
        assert survivors, (
            f"workers still alive {GRACE} s after their parent: {sorted(filter(_alive, workers))}"
        )
    finally:
        if ingest.poll() is None:
            ingest.kill()
        for pid in filter(_alive, workers):  # a failed run must not leave them behind either
            os.kill(pid, signal.SIGKILL)


WATCHED_CHILD = """
import os, sys, time
from tracker.ingest.batch import _exit_when_orphaned
parent = os.getppid()
print(os.getpid(), flush=True)
_exit_when_orphaned(parent)
"""

PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=sys.stdout)
time.sleep(600)
"""


def test_the_portable_watcher_alone_ends_an_orphaned_worker():
    """Without prctl (macOS, a libc that refuses it) the polling thread's check is what ends a worker."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, WATCHED_CHILD], env=_env(), stdout=subprocess.PIPE, text=True
    )
    child = 0
    try:
        assert parent.stdout is not None
        ready, _, _ = select.select([parent.stdout], [], [], 60)
        assert ready, "the watched child never started"
        child = int(parent.stdout.readline() or 0)
        assert child, "the watched child failed to start"
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert _wait_for(lambda: not _alive(child), timeout=GRACE), "the orphan kept running"
    finally:
        if parent.poll() is None:
            parent.kill()
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)
