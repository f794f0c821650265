"""One test per bug the reliability work found (issue #6): each used to end in a traceback, an
"internal error", a stopped folder, or several lines on stderr."""

from __future__ import annotations

import codecs
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.errors import InputFileError
from tracker.ingest.reading import decode_bytes, read_file

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    return tmp_path


def _ingest(*args: str):
    result = CliRunner().invoke(cli, ["--db", "t.db", "ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize(
    "data, problem",
    [
        (
            codecs.BOM_UTF8 + "广州市民政局".encode("gb18030"),
            "starts with a UTF-8 byte-order mark but is not UTF-8",
        ),
        (
            codecs.BOM_UTF16_LE + "广州".encode("utf-16-le") + b"\n",
            "starts with a UTF-16 byte-order mark but is not UTF-16",
        ),
        (codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "starts with a UTF-16 byte-order mark but is not UTF-16"),
    ],
)
def test_a_byte_order_mark_followed_by_other_bytes_is_an_input_error(data, problem):
    """Was: UnicodeDecodeError out of decode_bytes, which stopped a whole folder."""
    with pytest.raises(InputFileError, match=problem):
        decode_bytes(data, "f.txt")


def test_a_bad_byte_order_mark_file_does_not_stop_the_folder(here):
    (here / "docs").mkdir()
    (here / "docs" / "a.txt").write_bytes(codecs.BOM_UTF8 + SEED.read_text().encode("gb18030"))
    (here / "docs" / "b.txt").write_bytes(SEED.read_bytes())
    result = _ingest("--no-match", "docs")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "tracker: docs/a.txt: starts with a UTF-8 byte-order mark but is not UTF-8 (re-save the file as UTF-8)"
    ]
    assert "docs/b.txt  [UTF-8]  佛山市民政局  (inserted)" in result.stdout


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize(
    "page",
    [
        "https://example.com/广州市民政局",
        '<?xml version="1.0"?><doc><p>佛山市民政局2024年工作计划</p><p>2024年，我局将推进养老服务体系建设。</p></doc>',
    ],
)
def test_html_that_looks_like_a_url_or_xml_prints_no_library_advice(here, page):
    """Was: BeautifulSoup's MarkupResemblesLocatorWarning / XMLParsedAsHTMLWarning, a dozen lines on stderr."""
    (here / "p.html").write_text(page, encoding="utf-8")
    result = _ingest("--no-match", "p.html")
    assert len(result.stderr.splitlines()) <= 1


def test_control_characters_never_reach_stored_text_or_the_terminal(here):
    """Was: an ESC sequence in a document went into the database and out through ``tracker report``."""
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if "做好低保" in line)
    lines[index] = "\x1b[2J\x1b]0;pwned\x07" + lines[index].replace("做好低保", "做好\x1b[31m低保\u2028")
    (here / "esc.txt").write_text("\n".join(lines), encoding="utf-8")
    assert "\x1b" not in read_file(here / "esc.txt", "esc.txt").text
    result = _ingest("esc.txt")
    assert result.exit_code == 0 and "\x1b" not in result.output
    report = CliRunner().invoke(cli, ["--db", "t.db", "report"])
    assert report.exit_code == 0 and "\x1b" not in report.output and "\x07" not in report.output
    data = json.loads(CliRunner().invoke(cli, ["--db", "t.db", "report", "--format", "json"]).output)
    texts = [c["text"] for c in data["commitments"]] + [a["text"] for a in data["achievements"]]
    assert not [t for t in texts if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in t)]
    assert any("做好[31m低保" in t for t in texts)  # the text around the sequence stays


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes only on Linux")
def test_file_names_that_cannot_be_stored_or_printed_are_errors_and_the_rest_goes_in(here):
    """Was: UnicodeEncodeError ("internal error") when hashing a non-UTF-8 name; the folder stopped."""
    folder = os.fsencode(here / "docs")
    os.mkdir(folder)
    for name in (b"bad\xff.txt", b"esc\x1b[2J.txt", b"good.txt"):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(SEED.read_bytes() if name == b"good.txt" else SEED.read_bytes()[:-40])
    result = _ingest("--no-match", "docs")
    assert result.exit_code == 1
    assert sorted(result.stderr.splitlines()) == [
        "tracker: docs/bad\ufffd.txt: file name is not valid UTF-8 (rename the file)",
        "tracker: docs/esc\ufffd[2J.txt: file name holds control characters (rename the file)",
    ]
    assert "docs/good.txt  [UTF-8]  佛山市民政局  (inserted)" in result.stdout


def test_the_report_table_does_not_read_an_agency_as_markup(here):
    """Was: ``tracker report`` stopped with rich's MarkupError for an agency (or path) holding "[/]"."""
    (here / "plan.txt").write_bytes(SEED.read_bytes())
    assert _ingest("--no-match", "--agency", "[/]局[bold red]x", "plan.txt").exit_code == 0
    result = CliRunner().invoke(cli, ["--db", "t.db", "report"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "│ [/]局[bold red]x │ 2024 │" in result.output  # the summary table
