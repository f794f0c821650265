"""Which PDF library reads Chinese government documents best: text accuracy, reading order and speed.

Every seed is printed to PDF with reportlab (``tests/pdfs.py``) in three layouts, each with a running
header and a page number on every page:

- ``cid``: one column in STSong-Light, a CID font that is not embedded (the PDF holds Adobe-GB1 codes,
  UniGB-UCS2-H, and no ToUnicode map: the extractor must know the CMap);
- ``2col``: the same font in two columns (does the extractor keep a column's lines together?);
- ``ttf``: one column with an embedded TrueType subset (WenQuanYi Zen Hei, when installed: Debian's
  fonts-wqy-zenhei), the way Word and WPS export;
- ``owner``: the ``cid`` layout encrypted with an owner password only (copy/print restrictions, opens
  without a password, as many published PDFs are).

Each library's plain text extraction is scored against the seed's own text, once the lines that are
exactly the header or a page number are taken out:

- ``chars``: rapidfuzz ``fuzz.ratio`` of the extracted and the source text, whitespace removed (100 =
  identical characters in identical order);
- ``intact``: the share of source paragraphs found whole, in one piece, in the extracted text
  (whitespace removed): a paragraph broken by another column's lines, or read out of order, is not;
- ``ms/page``: the median of three extractions, after a warm-up, on the 2-column PDFs.

Then ``tracker.ingest.pdf`` (the reader ``tracker ingest`` uses) is scored on what ingest sees, in
three more layouts: ``justified`` (every line but a paragraph's last spread to the full width, as
Word does), ``block`` (no indent, space between paragraphs) and ``flat`` (no indent, no space: only
punctuation can tell where a paragraph ends). ``lines``: the share of the seed's non-empty lines it
gives back exactly as lines (spaces collapsed: reportlab collapses them when it sets the text);
``statements``: the share of the commitments and achievements ``tracker ingest`` finds identical
(text, section, topic, targets, deadline …) in the PDF and in the seed's .txt.

Run by hand from the repository root, with the candidates installed (``pip install pypdf pdfminer.six
pdfplumber pypdfium2 pymupdf``; a missing one is reported, not fatal):

    python benchmarks/pdf_extract.py [--json out.json]
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import logging
import re
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pdfs  # noqa: E402  (tests/pdfs.py, the PDF maker the tests use)

TTF = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
LAYOUTS: dict[str, dict[str, object]] = {
    "cid": {"page_number": "- {n} -"},
    "2col": {"page_number": "第{n}页 共{total}页", "columns": 2},
    "ttf": {"page_number": "{n}/{total}", "font": str(TTF)},
    "owner": {"page_number": "- {n} -", "owner_password": "secret"},
    "justified": {"page_number": "- {n} -", "justify": True},
    "block": {"page_number": "- {n} -", "justify": True, "indent": 0, "space_after": 0.6},
    "flat": {"page_number": "- {n} -", "indent": 0},
}
#: The layouts every library is scored on; the last three only change where lines break, which
#: matters to joining them again (tracker.ingest.pdf), not to extracting them.
LIBRARY_LAYOUTS = ("cid", "2col", "ttf", "owner")
TRACKER_LAYOUTS = tuple(LAYOUTS)
_SPACE = re.compile(r"\s+")


def _pypdf(path: Path) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() for page in reader.pages]


def _pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages

    return ["".join(_pdfminer_text(item) for item in page) for page in extract_pages(path)]


def _pdfminer_text(item: object) -> str:
    get_text = getattr(item, "get_text", None)
    return get_text() if get_text else ""


def _pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as document:
        return [page.extract_text() for page in document.pages]


def _pymupdf(path: Path) -> list[str]:
    import pymupdf

    with pymupdf.open(path) as document:
        return [page.get_text() for page in document]


def _pypdfium2(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


CANDIDATES: dict[str, tuple[str, str, Callable[[Path], list[str]]]] = {
    "pypdf": ("pypdf", "BSD-3-Clause", _pypdf),
    "pdfminer.six": ("pdfminer", "MIT", _pdfminer),
    "pdfplumber": ("pdfplumber", "MIT", _pdfplumber),
    "pypdfium2": ("pypdfium2", "Apache-2.0 / BSD-3-Clause", _pypdfium2),
    "PyMuPDF": ("pymupdf", "AGPL-3.0 or commercial", _pymupdf),
}


def _made(folder: Path) -> list[tuple[str, str, Path, str, list[str]]]:
    """(seed, layout, pdf, header, source lines) for every seed and layout."""
    made = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8").split("\n")
        lines = [line.strip() for line in text if line.strip()]
        # A running header is the document's title (seeds/004 states one) or a fixed line.
        titles = [line for line in lines[:4] if line.endswith("工作计划")]
        header = titles[0] if titles else "民政工作资料"
        for layout, options in LAYOUTS.items():
            if layout == "ttf" and not TTF.exists():
                continue
            path = folder / f"{seed.stem[:3]}_{layout}.pdf"
            pdfs.make_pdf(path, text, header=header, **options)  # type: ignore[arg-type]
            made.append((seed.stem[:3], layout, path, header, lines))
    return made


def _body(pages: list[str], header: str) -> str:
    """The extracted text without the header and page number lines (among a page's first and last two
    lines, where the library put them), whitespace removed."""
    furniture = re.compile(r"^(- \d+ -|第\d+页 共\d+页|\d+/\d+)$")
    kept = []
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        edges = set(range(2)) | set(range(len(lines) - 2, len(lines)))
        kept += [
            line
            for index, line in enumerate(lines)
            if index not in edges or (line != header and not furniture.match(line))
        ]
    return _SPACE.sub("", "".join(kept))


def _scores(text: str, lines: list[str]) -> tuple[float, float]:
    source = [_SPACE.sub("", line) for line in lines]
    intact = sum(1 for line in source if line in text) / len(source)
    return fuzz.ratio(text, "".join(source)), 100 * intact


def _timed(extract: Callable[[Path], list[str]], path: Path) -> tuple[list[str], float]:
    runs = []
    pages: list[str] = []
    for _ in range(3):
        start = time.perf_counter()
        pages = extract(path)
        runs.append(time.perf_counter() - start)
    return pages, statistics.median(runs) / max(1, len(pages)) * 1000


def run() -> dict[str, dict[str, object]]:
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        made = _made(Path(tmp))
        pages_made = sum(len(_pypdfium2(path)) for _, _, path, _, _ in made)
        print(f"{len(made)} PDFs, {pages_made} pages", file=sys.stderr)
        for name, (module, licence, extract) in CANDIDATES.items():
            if importlib.util.find_spec(module) is None:
                results[name] = {"licence": licence, "note": "not installed"}
                continue
            extract(made[0][2])  # imports and one-off loads, not timed
            row: dict[str, object] = {"licence": licence}
            for layout in LIBRARY_LAYOUTS:
                chars, intact, speed = [], [], []
                for _, kind, path, header, lines in made:
                    if kind != layout:
                        continue
                    try:
                        pages, ms = _timed(extract, path)
                    except Exception as error:  # a library that fails is scored 0, with its error
                        row[f"{layout}_error"] = f"{type(error).__name__}: {error}"[:80]
                        chars.append(0.0)
                        intact.append(0.0)
                        continue
                    score, whole = _scores(_body(pages, header), lines)
                    chars.append(score)
                    intact.append(whole)
                    speed.append(ms)
                if chars:
                    row[f"{layout}_chars"] = round(statistics.mean(chars), 2)
                    row[f"{layout}_intact"] = round(statistics.mean(intact), 1)
                if speed and layout == "2col":
                    row["ms_per_page"] = round(statistics.median(speed), 1)
            results[name] = row
            print(name, row, file=sys.stderr)
        results["tracker.ingest.pdf"] = _tracker_reader(made)  # type: ignore[assignment]
    return results


def _tracker_reader(made: list[tuple[str, str, Path, str, list[str]]]) -> dict[str, dict[str, object]]:
    """What ``tracker ingest`` makes of each layout: lines given back exactly, statements identical."""
    try:
        from tracker.ingest.pdf import pdf_text
        from tracker.ingest.pipeline import parse_file
    except ImportError as error:
        return {"note": {"error": f"cannot import tracker ({error})"}}
    rows: dict[str, dict[str, object]] = {}
    for layout in TRACKER_LAYOUTS:
        lines_same, statements_same, speed, pages_in_all = [], [], [], 0
        for seed, kind, path, _, lines in made:
            if kind != layout:
                continue
            data = path.read_bytes()
            start = time.perf_counter()
            text, pages = pdf_text(data, path.name)
            speed.append((time.perf_counter() - start) / pages * 1000)
            pages_in_all += pages
            got = {_SPACE.sub(" ", line) for line in text.split("\n")}
            lines_same.append(100 * sum(1 for line in lines if _SPACE.sub(" ", line) in got) / len(lines))
            source = next((ROOT / "seeds").glob(f"{seed}_*.txt"))
            statements_same.append(
                100
                * _same_statements(parse_file(source, display_path="s"), parse_file(path, display_path="s"))
            )
        rows[layout] = {
            "pages": pages_in_all,
            "lines": round(statistics.mean(lines_same), 1),
            "statements": round(statistics.mean(statements_same), 1),
            "statements_min": round(min(statements_same), 1),
            "ms_per_page": round(statistics.median(speed), 1),
        }
        print("tracker.ingest.pdf", layout, rows[layout], file=sys.stderr)
    return rows


def _same_statements(a: object, b: object) -> float:
    """The share of statements (kind, period, agency, normalised text, section, topic, targets,
    deadline, testable, times stated) the two parses have identical, in the same order."""

    def records(document: object) -> list[tuple[object, ...]]:
        return [
            (
                part.kind,
                part.period,
                part.agency,
                s.normalized,
                s.section,
                s.topic,
                tuple(str(q.as_dict()) for q in s.quantities),
                s.deadline,
                s.testable,
                s.times_stated,
            )
            for part in document.parts  # type: ignore[attr-defined]
            for s in part.statements
        ]

    ra, rb = records(a), records(b)
    matcher = difflib.SequenceMatcher(a=ra, b=rb, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(ra), len(rb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    results = run()
    layouts = [layout for layout in LIBRARY_LAYOUTS if layout != "ttf" or TTF.exists()]
    print(
        "| library | licence | "
        + " | ".join(f"{layout}: chars / intact" for layout in layouts)
        + " | ms/page |"
    )
    print("|---|---|" + "---|" * len(layouts) + "---|")
    for name, row in results.items():
        if name == "tracker.ingest.pdf":
            continue
        cells = [
            f"{row[f'{layout}_chars']} / {row[f'{layout}_intact']} %"
            if f"{layout}_chars" in row
            else str(row.get("note", "-"))
            for layout in layouts
        ]
        print(f"| {name} | {row.get('licence', '')} | {' | '.join(cells)} | {row.get('ms_per_page', '-')} |")
    print()
    print("| layout | pages | lines identical | statements identical (mean, worst seed) | ms/page |")
    print("|---|---|---|---|---|")
    for layout, row in results["tracker.ingest.pdf"].items():
        if "lines" in row:
            print(
                f"| {layout} | {row['pages']} | {row['lines']} % | {row['statements']} %, {row['statements_min']} % "
                f"| {row['ms_per_page']} |"
            )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
