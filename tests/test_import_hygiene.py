"""The headless layers never import Textual (STYLE.md habit 1), checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "tracker.annotate",
    "tracker.cli",
    "tracker.evaluate",
    "tracker.exchange",
    "tracker.annotation_lines",
    "tracker.gold",
    "tracker.load",
    "tracker.statuses",
    "tracker.store.engine",
    "tracker.store.models",
    "tracker.store.repository",
    "tracker.report.diff",
    "tracker.report.eval_table",
    "tracker.report.json_report",
    "tracker.report.table",
    "tracker.report.common",
    "tracker.report.csv_report",
    "tracker.report.html_report",
    "tracker.report.markdown_report",
    "tracker.review.worklist",
    "tracker.review.detail",
    "tracker.store.evidence",
    "tracker.match.run",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
