"""PDFs that cannot be ingested, through ``tracker ingest``: each is one line naming the file, the
problem and what to do, a non-zero exit, and the database exactly as it was. In a folder, the good
files go in and the bad PDF is reported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pdfs
import pytest
from backends import seal_sqlite
from click.testing import CliRunner

from tracker.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
OCR = "(OCR it first, e.g. ocrmypdf -l chi_sim in.pdf out.pdf, or save its text as .txt)"
DAMAGED = "PDF cannot be read (damaged or truncated) (export or download it again)"


def _seed_pdf(path: Path, **layout: object) -> Path:
    pdfs.make_pdf(path, SEED.read_text(encoding="utf-8").split("\n"), page_number="- {n} -", **layout)  # type: ignore[arg-type]
    return path


def _scanned(path: Path) -> None:
    pdfs.make_scanned_pdf(path)


def _blank(path: Path) -> None:
    pdfs.make_blank_pdf(path)


def _password(path: Path) -> None:
    _seed_pdf(path, password="secret")


def _truncated(path: Path) -> None:
    whole = _seed_pdf(path).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def _header_only(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n")


def _garbage(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)


def _text(path: Path) -> None:
    path.write_bytes(SEED.read_bytes())


def _picture(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


def _english(path: Path) -> None:
    pdfs.make_pdf(path, ["Annual work plan 2024", "Build 20 canteens for the elderly."], font="Helvetica")


CASES = {
    "scanned": (_scanned, f"PDF has no text layer (a scan?) {OCR}"),
    "blank-pages": (_blank, f"PDF has no text layer (a scan?) {OCR}"),
    "password": (
        _password,
        "PDF is password-protected (remove the password, e.g. qpdf --decrypt --password=PASSWORD in.pdf "
        "out.pdf, or save its text as .txt)",
    ),
    "truncated": (_truncated, DAMAGED),
    "header-only": (_header_only, DAMAGED),
    "garbage": (_garbage, DAMAGED),
    "text-named-pdf": (_text, "not a PDF file (no %PDF header) (it is plain text: rename it to .txt)"),
    "picture-named-pdf": (_picture, "not a PDF file (no %PDF header) (export the document as PDF again)"),
    "no-chinese": (
        _english,
        "PDF text layer holds no Chinese characters (its fonts may lack a Unicode map) (OCR it first, e.g. "
        "ocrmypdf --force-ocr -l chi_sim in.pdf out.pdf, or save its text as .txt)",
    ),
}


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database holding seeds/004, ingested and matched, copied for each test."""
    folder = tmp_path_factory.mktemp("pdfdb")
    (folder / "plan.txt").write_bytes(SEED.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("TRACKER_DB", raising=False)
        result = CliRunner().invoke(cli, ["--db", "t.db", "ingest", "plan.txt"])
    assert result.exit_code == 0, result.output
    seal_sqlite(folder / "t.db")  # copied as a file below: no write-ahead log left aside
    return folder / "t.db"


@pytest.fixture
def here(tmp_path, monkeypatch, template) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    (tmp_path / "t.db").write_bytes(template.read_bytes())
    return tmp_path


def _ingest(*args: str):
    result = CliRunner().invoke(cli, ["--db", "t.db", "ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("case", CASES)
def test_a_pdf_that_cannot_be_ingested_is_one_line_and_the_database_stays(here, case):
    make, message = CASES[case]
    make(here / "bad.pdf")
    before = _dump(here / "t.db")
    result = _ingest("bad.pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"tracker: bad.pdf: {message}"]
    assert _dump(here / "t.db") == before


def test_in_a_folder_the_good_pdf_goes_in_and_the_scan_is_reported(here):
    (here / "docs").mkdir()
    _seed_pdf(here / "docs" / "a_plan.pdf")
    _scanned(here / "docs" / "b_scan.pdf")
    (here / "docs" / "c_notes.txt").write_text(
        "佛山市民政局2024年工作计划\n年内新建长者饭堂不少于20家。\n", encoding="utf-8"
    )
    result = _ingest("--no-match", "docs")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"tracker: docs/b_scan.pdf: PDF has no text layer (a scan?) {OCR}"]
    assert "docs/a_plan.pdf  [PDF, 4 pages]  佛山市民政局  (inserted)" in result.stdout
    assert "docs/c_notes.txt  [UTF-8]" in result.stdout
    with sqlite3.connect(here / "t.db") as connection:
        paths = sorted(row[0] for row in connection.execute("SELECT path FROM document"))
    assert paths == ["docs/a_plan.pdf", "docs/c_notes.txt", "plan.txt"]
