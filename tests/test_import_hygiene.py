"""The headless layers never import Textual (STYLE.md habit 1), checked in a fresh interpreter.

Every module of the package outside ``tracker.tui`` is found by walking the package, so a new module is
checked without being listed; ``pyproject.toml``'s import-linter contracts say the same statically.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tracker

HEADLESS = sorted(
    info.name
    for info in pkgutil.walk_packages(tracker.__path__, "tracker.")
    if not info.name.startswith("tracker.tui")
    and not info.name.endswith("__main__")
    and info.name != "tracker.store.migrations.env"  # run by Alembic, not importable on its own
)

#: Imports each module in turn and names the first after whose import Textual is loaded.
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if any(m == "textual" or m.startswith("textual.") for m in sys.modules):
        print(name)
        sys.exit(1)
"""


def test_the_walk_finds_every_layer():
    layers = {name.split(".")[1] for name in HEADLESS}
    assert {"ingest", "store", "match", "review", "report", "evaluate", "cli"} <= layers
    assert len(HEADLESS) > 40


def test_no_headless_module_imports_textual():
    found = subprocess.run(
        [sys.executable, "-c", PROBE, *HEADLESS], check=False, capture_output=True, text=True
    )
    assert found.returncode == 0, f"{found.stdout.strip()} imports Textual {found.stderr[-2000:]}"


#: What the command line loads only for the commands that need it: the matcher's numerics and
#: dictionaries, the parsers, the report writers. Every command paid for them at start before
#: (``tracker --help`` took 1.17 s, now 0.71 s: medians of 7, README "Speed").
ON_DEMAND = (
    "numpy",
    "jieba",
    "rjieba",
    "rapidfuzz",
    "cn2an",
    "bs4",
    "tracker.match.features",
    "tracker.report.formats",
    "tracker.demo.build",
    "tracker.ingest.pipeline",
)


def test_the_command_line_starts_without_the_matcher_the_parsers_or_the_writers():
    probe = "import sys, tracker.cli.main; print(' '.join(m for m in sys.argv[1:] if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", probe, *ON_DEMAND], check=True, capture_output=True, text=True
    )
    assert found.stdout.split() == []
