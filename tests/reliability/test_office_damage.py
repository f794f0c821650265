"""Damaged Word and Excel files: bytes overwritten, cut short or spliced in a real .docx and .xlsx (a
seeded generator, so every run tries the same 120 files) give a document or one InputFileError,
never another exception and never a library's warning."""

from __future__ import annotations

import random
import warnings

import pytest
from office_files import task_docx, task_xlsx

from tracker.errors import InputFileError
from tracker.ingest.pipeline import parse_file

CASES = 60


def _damaged(data: bytes, rng: random.Random, case: int) -> bytes:
    damaged = bytearray(data)
    if case % 3 == 0:
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    elif case % 3 == 1:
        del damaged[rng.randrange(len(damaged)) :]
    else:
        start = rng.randrange(len(damaged))
        damaged[start : start + rng.randint(1, 200)] = rng.randbytes(rng.randint(0, 50))
    return bytes(damaged)


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_a_damaged_office_file_is_a_document_or_one_line(tmp_path, suffix):
    maker = task_docx if suffix == "docx" else task_xlsx
    data = maker(tmp_path / f"good.{suffix}").read_bytes()
    rng = random.Random(f"office-{suffix}")
    outcomes: dict[str, int] = {}
    for case in range(CASES):
        path = tmp_path / f"case{case}.{suffix}"
        path.write_bytes(_damaged(data, rng, case))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                parse_file(path, display_path=path.name)
                outcomes["read"] = outcomes.get("read", 0) + 1
            except InputFileError as error:
                assert "\n" not in str(error)
                outcomes["refused"] = outcomes.get("refused", 0) + 1
    assert sum(outcomes.values()) == CASES and outcomes.get("refused", 0) > CASES // 2
