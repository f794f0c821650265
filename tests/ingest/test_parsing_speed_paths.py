"""The fast paths of reading give the answers of the plain ones: topic keywords counted in one pass,
a folder parsed by worker processes (each file finished where it was parsed, in file order, a bad file
an error in its place)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker.errors import InputFileError
from tracker.ingest import batch
from tracker.ingest.parsed import ParsedDocument
from tracker.ingest.topics import OTHER, TOPIC_KEYWORDS, _hits, topic_of

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

SENTENCES = [
    "加强基层党组织建设,党组织书记带头落实党组决定",  # 党组 inside 党组织 counts for both
    "推进养老服务综合体建设,为老年人和长者提供助餐配餐服务",
    "做好困境儿童和留守儿童关爱保护,落实临时救助",  # 儿童 inside 困境儿童, 救助 inside 临时救助
    "开展婚俗改革,推广生态葬、树葬和海葬",
    "",
    "Copyright 2024",
]


def _counted(text: str) -> dict[str, int]:
    """The definition: ``str.count`` of every keyword of a topic, summed."""
    counts = {topic: sum(text.count(k) for k in keywords) for topic, keywords in TOPIC_KEYWORDS.items()}
    return {topic: n for topic, n in counts.items() if n}


def test_no_topic_keyword_overlaps_itself():
    """What one-pass counting relies on to count what ``str.count`` counts (党党 in 党党党 would not)."""
    keywords = [k for ks in TOPIC_KEYWORDS.values() for k in ks]
    assert not [k for k in keywords if any(k[:n] == k[-n:] for n in range(1, len(k)))]


@pytest.mark.parametrize("text", SENTENCES)
def test_one_pass_counts_what_str_count_counts(text):
    assert _hits(text) == _counted(text)


def test_topic_ties_go_to_the_section_then_the_earlier_field():
    assert topic_of("提高残疾人两项补贴", "三、社会救助") == "残疾人福利"
    assert topic_of("做好相关工作", "三、社会救助") == "社会救助"
    assert topic_of("养老和儿童", "") == "养老服务"  # a tie: the field listed first
    assert topic_of("做好相关工作") == OTHER


def where_parsed(document: ParsedDocument) -> tuple[int, str, int]:
    """A ``finish`` that says which process parsed the document (module level: workers import it)."""
    return os.getpid(), document.path, len(document.parts)


def test_a_folder_is_parsed_by_workers_in_file_order_and_finished_there(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "FILES_PER_JOB", 2)
    monkeypatch.setattr(batch, "JOBS_AHEAD", 1)
    seed = next(SEEDS.glob("004_*.txt")).read_bytes()
    names = [f"{i:02d}.txt" for i in range(max(batch.PARALLEL_FROM, 9))]
    for i, name in enumerate(names):
        body = b"\xff\xfe\x00" if i == 3 else seed + f"\n{i}".encode()  # one file that cannot be read
        (tmp_path / name).write_bytes(body)
    found = batch.parse_paths([str(tmp_path)], base=tmp_path, finish=where_parsed)
    results = list(found.parsed)
    assert found.names == names
    assert isinstance(results[3], InputFileError) and results[3].path == "03.txt"
    finished = [r for r in results if isinstance(r, tuple)]
    assert [path for _pid, path, _parts in finished] == [n for i, n in enumerate(names) if i != 3]
    assert {pid for pid, _path, _parts in finished}.isdisjoint({os.getpid()})
    assert all(parts for _pid, _path, parts in finished)
