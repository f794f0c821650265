"""The CSV report: one row per commitment, the columns README documents, UTF-8 with a BOM for Excel."""

from __future__ import annotations

import copy
import csv
import io
import re
from pathlib import Path

from reviewed_db import LINK_REVIEWER, NOTE, STATUS_REVIEWER, by_id, evidence_of

from tracker.report.csv_report import COLUMNS, render_csv

README = Path(__file__).resolve().parents[2] / "README.md"
BOM = b"\xef\xbb\xbf"


def documented_columns() -> list[str]:
    """The column names of README's "CSV columns" table."""
    text = README.read_text(encoding="utf-8").split("### CSV columns", 1)[1]
    table = text.split("\n\n", 2)[1]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_readme_documents_exactly_the_columns():
    assert documented_columns() == list(COLUMNS)


def test_one_row_per_commitment_with_the_documented_header_and_a_bom(report_data):
    data = render_csv(report_data).encode("utf-8")
    assert data.startswith(BOM)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == documented_columns()
    rows = rows_of(data)
    assert [r["id"] for r in rows] == [c["id"] for c in report_data["commitments"]]
    for row, c in zip(rows, report_data["commitments"], strict=True):
        assert (row["agency"], row["period"], row["topic"], row["text"]) == (
            c["agency"],
            str(c["period"]),
            c["topic"],
            c["text"],
        )
        assert (row["status"], row["status_label"], row["status_source"]) == (
            c["status"],
            c["status_label"],
            c["status_source"],
        )
        assert (row["document"], row["part_kind"], row["part_period"], row["part_heading"]) == (
            "seeds/004_ff62929cf9cd0f9d.txt",
            "plan",
            "2024",
            "2024年工作计划",
        )
        linked = [e for e in c["evidence"] if e["state"] in ("confirmed", "suggested")]
        assert row["evidence_count"] == str(len(linked))


def test_reviewer_status_and_note_are_in_their_columns(report_data, reviewed):
    rows = {r["id"]: r for r in rows_of(render_csv(report_data).encode("utf-8"))}
    c = by_id(report_data, reviewed.status_commitment)
    row = rows[c["id"]]
    assert (row["status"], row["status_source"], row["status_reviewer"]) == (
        "not_fulfilled",
        "reviewer",
        STATUS_REVIEWER,
    )
    assert row["status_decided_at"] == c["status_decided_at"] and row["status_reason"] == ""
    assert row["notes"] == f"{STATUS_REVIEWER} · {c['notes'][0]['at'][:10]}: {NOTE}"
    automatic = next(r for r in rows.values() if r["status_source"] == "auto")
    assert automatic["status_reviewer"] == automatic["status_decided_at"] == ""


def test_confirmed_evidence_leads_and_decisions_are_listed(report_data, reviewed):
    rows = {r["id"]: r for r in rows_of(render_csv(report_data).encode("utf-8"))}
    commitment, achievement = reviewed.confirmed
    confirmed = evidence_of(by_id(report_data, commitment), achievement)
    row = rows[commitment]
    assert row["linked_evidence"].split(" | ")[0] == confirmed["text"]
    assert row["evidence_decisions"] == f"confirmed {LINK_REVIEWER} {confirmed['decided_at']} {achievement}"
    commitment, achievement = reviewed.rejected
    rejected = evidence_of(by_id(report_data, commitment), achievement)
    row = rows[commitment]
    assert rejected["text"] not in row["linked_evidence"].split(" | ")
    assert row["evidence_decisions"].startswith(f"rejected {LINK_REVIEWER} ")
    assert float(row["best_score"]) == max(e["score"] for e in by_id(report_data, commitment)["evidence"])


def test_targets_and_comparisons_are_text(report_data):
    data = copy.deepcopy(report_data)
    c = data["commitments"][0]
    c["targets"] = [{"quantity": 45, "unit": "个", "comparator": ">=", "text": "不少于45个"}]
    c["comparisons"] = [{"target": "不少于45个", "actual": "61个", "ratio": 1.356, "met": True}]
    row = rows_of(render_csv(data).encode("utf-8"))[0]
    assert row["targets"] == "不少于45个"
    assert row["comparisons"] == "不少于45个 → 61个 (136%, 达标)"


def test_text_a_spreadsheet_would_run_is_made_inert(report_data):
    data = copy.deepcopy(report_data)
    data["commitments"][0]["text"] = '=HYPERLINK("http://x","点击")'
    data["commitments"][0]["section"] = "-1+2"
    row = rows_of(render_csv(data).encode("utf-8"))[0]
    assert row["text"] == '\'=HYPERLINK("http://x","点击")'
    assert row["section"] == "'-1+2"


def test_quotes_commas_and_newlines_survive(report_data):
    data = copy.deepcopy(report_data)
    data["commitments"][0]["text"] = '推进"一老一小",服务\n第二行'
    row = rows_of(render_csv(data).encode("utf-8"))[0]
    assert row["text"] == '推进"一老一小",服务\n第二行'
