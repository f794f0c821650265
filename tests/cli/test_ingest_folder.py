"""``tracker ingest FOLDER``: every file it does not read is named with its reason, one line per reason;
hidden files are passed over silently; the exit code says whether a document was left unread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.cli.main import cli
from tracker.ingest import reading
from tracker.ingest.pipeline import collect_files

PLAN = "广州市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n"
SUMMARY = "广州市民政局2024年工作总结\n一、养老服务\n全年建成长者饭堂210个。\n"


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def documents(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "commitments.db") as connection:
        return [row[0] for row in connection.execute("SELECT path FROM document ORDER BY path")]


HIDDEN = {
    ".git/config": "[core]",
    ".git/objects/ab/cdef": b"\x78\x01",
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "~$2024计划.docx": b"\x0bli",
    "sub/.hidden.txt": PLAN,
    "Thumbs.db": b"\xd0\xcf\x11\xe0",
}


def test_a_folder_names_each_file_it_does_not_read_one_line_per_reason(runner, tmp_path):
    docs = tmp_path / "docs"
    write(
        docs,
        {
            "plan.txt": PLAN,
            "sub/summary.md": SUMMARY,
            "empty.txt": "",
            "照片.png": b"\x89PNG",
            "材料.zip": b"PK\x03\x04",
            "通知.doc": b"\xd0\xcf\x11\xe0",
            "sub/附件 一.wps": b"\xd0\xcf\x11\xe0",
            "已转换.doc": b"\xd0\xcf\x11\xe0",  # converted already: 已转换.txt beside it is read
            "已转换.txt": PLAN.replace("200", "300"),
            "报告.ofd": b"PK\x03\x04",
            **HIDDEN,
        },
    )
    (docs / "link.txt").symlink_to(docs / "gone.txt")
    result = runner.invoke(cli, ["ingest", "docs", "--no-match"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "tracker: docs/empty.txt: file is empty",
        "tracker: 未读取 2 个文件 not read: 不是文档 not a document (.png, .zip): docs/材料.zip, docs/照片.png",
        "tracker: 未读取 2 个文件 not read: 旧版 Office 格式 old Office format (.doc, .wps): docs/sub/附件 一.wps, "
        "docs/通知.doc (转换 convert: soffice --headless --convert-to docx --outdir docs/sub 'docs/sub/附件 一.wps'; "
        "soffice --headless --convert-to docx --outdir docs docs/通知.doc)",
        "tracker: 未读取 1 个文件 not read: 暂不支持的文档格式 document format not read (.ofd): docs/报告.ofd "
        "(tracker reads .txt, .md, .html, .htm, .pdf, .docx, .xlsx: save the document as one of them)",
        "tracker: 未读取 1 个文件 not read: 无法读取 unreadable: docs/link.txt (broken link)",
    ]
    # the documents that were read are saved all the same
    assert documents(tmp_path) == ["docs/plan.txt", "docs/sub/summary.md", "docs/已转换.txt"]


def test_pictures_beside_the_documents_are_named_but_do_not_fail_the_run(runner, tmp_path):
    write(tmp_path / "docs", {"plan.txt": PLAN, "summary.txt": SUMMARY, "图1.jpg": b"\xff\xd8", **HIDDEN})
    result = runner.invoke(cli, ["ingest", "docs", "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr == "tracker: 未读取 1 个文件 not read: 不是文档 not a document (.jpg): docs/图1.jpg\n"
    )
    assert documents(tmp_path) == ["docs/plan.txt", "docs/summary.txt"]


def test_a_folder_of_nothing_but_hidden_files_says_so(runner, tmp_path):
    write(tmp_path / "docs", HIDDEN)
    result = runner.invoke(cli, ["ingest", "docs", "--no-match"])
    assert result.exit_code == 1
    assert result.stderr == (
        "tracker: docs: folder holds no file tracker reads (.txt, .md, .html, .htm, .pdf, .docx, .xlsx)\n"
    )


def test_a_file_over_the_size_cap_is_named_and_the_rest_go_in(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    write(tmp_path / "docs", {"plan.txt": PLAN, "big.txt": PLAN * 20})
    result = runner.invoke(cli, ["ingest", "docs", "--no-match"])
    assert result.exit_code == 1
    assert result.stderr == (
        "tracker: 未读取 1 个文件 not read: 文件过大 too large: docs/big.txt "
        "(over 1,000 bytes: split the document or give only its text)\n"
    )
    assert documents(tmp_path) == ["docs/plan.txt"]


def test_a_file_named_on_its_own_is_tried_and_its_problem_said(runner, tmp_path):
    write(tmp_path, {"通知.doc": b"\xd0\xcf\x11\xe0"})
    result = runner.invoke(cli, ["ingest", "通知.doc", "--no-match"])
    assert result.exit_code == 1
    assert result.stderr == (
        "tracker: 通知.doc: old binary Word file (.doc) cannot be read (convert it to .docx: soffice --headless --convert-to docx 通知.doc)\n"
    )


def test_a_new_reader_suffix_is_all_it_takes(tmp_path, monkeypatch):
    """Once .docx is read, .docx files are collected and old Word files are to be converted to .docx."""
    write(tmp_path, {"计划.docx": b"PK", "通知.doc": b"\xd0\xcf\x11\xe0"})
    monkeypatch.setattr(reading, "SUPPORTED_SUFFIXES", (*reading.SUPPORTED_SUFFIXES, ".docx"))
    files, errors, skipped = collect_files([str(tmp_path)])
    assert [f.name for f in files] == ["计划.docx"] and errors == []
    assert [(s.path.name, s.reason) for s in skipped] == [("通知.doc", "old_office")]
    from tracker.ingest.skipped import summary_lines

    (line,) = summary_lines(skipped, lambda path: path.name)
    assert line.endswith("(转换 convert: soffice --headless --convert-to docx --outdir . 通知.doc)")


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_a_pipe_in_a_folder_is_unreadable_not_a_hang(runner, tmp_path, name):
    import os

    write(tmp_path / "docs", {"plan.txt": PLAN})
    os.mkfifo(tmp_path / "docs" / name)
    result = runner.invoke(cli, ["ingest", "docs", "--no-match"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"tracker: 未读取 1 个文件 not read: 无法读取 unreadable: docs/{name} (not a regular file)\n"
    )
    assert documents(tmp_path) == ["docs/plan.txt"]
