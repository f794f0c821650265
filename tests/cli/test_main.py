"""The command line: documented commands, one-line errors, per-file transactions, an existing database.

Extraction is replaced by a tiny fake pipeline (one statement per line, ``plan:``/``summary:``
prefixes) so these tests pin the CLI's behaviour, not the extractor's.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import types
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import tracker.ingest
from tracker.cli.main import cli
from tracker.errors import InputFileError
from tracker.ingest.parsed import ParsedDocument, Part, Statement


def _fake_parse_file(
    path: Path, *, display_path: str, agency=None, period=None, kind="auto"
) -> ParsedDocument:
    data = path.read_bytes()
    text = data.decode("utf-8")
    if not text.strip():
        raise InputFileError(display_path, "file is empty")
    if "BAD" in text:
        raise InputFileError(display_path, "cannot decode as UTF-8 or GB18030", "re-save it as UTF-8")
    parts: dict[str, Part] = {}
    for line in text.splitlines():
        line_kind, _, body = line.partition(":")
        line_kind = kind if kind != "auto" else line_kind
        year = period or (2024 if line_kind == "plan" else 2023)
        part = parts.setdefault(line_kind, Part(line_kind, year, agency or "广州市民政局", "", len(parts)))
        part.statements.append(Statement(body, body, "一、总体", "养老服务", position=len(part.statements)))
    return ParsedDocument(
        display_path, hashlib.sha256(data).hexdigest(), "utf-8", path.stem, agency or "广州市民政局",
        list(parts.values()), removed_lines=1, repeated_paragraphs=2,
    )  # fmt: skip


def _fake_collect_files(paths: list[str]) -> tuple[list[Path], list[InputFileError], list]:
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".txt", ".md", ".html", ".htm"}))
        elif path.exists():
            files.append(path)
        else:
            errors.append(InputFileError(raw, "no such file or folder"))
    return files, errors, []


@pytest.fixture(autouse=True)
def fake_pipeline(monkeypatch):
    fake = types.ModuleType("tracker.ingest.pipeline")
    fake.parse_file = _fake_parse_file
    fake.collect_files = _fake_collect_files
    monkeypatch.setitem(sys.modules, "tracker.ingest.pipeline", fake)
    monkeypatch.setattr(tracker.ingest, "pipeline", fake, raising=False)
    monkeypatch.delenv("TRACKER_DB", raising=False)


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_plan.txt").write_text("plan:建成示范点100个\nplan:推进标准化\n", encoding="utf-8")
    (folder / "b_summary.txt").write_text("summary:建成示范点80个\n", encoding="utf-8")
    return folder


def rows(db: Path, table: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def error_lines(result) -> list[str]:
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result.stderr.splitlines()


def all_commands(group: click.Group, prefix: str = "tracker") -> list[tuple[str, click.Command]]:
    found = [(prefix, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


@pytest.mark.parametrize("name, command", all_commands(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_documented_with_an_example(name, command):
    assert command.help and len(command.help.split()) > 5, f"{name} has no help text"
    assert "Example" in command.help, f"{name} help has no example"
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.help, f"{name} option {param.opts[0]} has no help"


def test_help_runs(runner):
    result = runner.invoke(cli, ["ingest", "--help"])
    assert result.exit_code == 0 and "--kind [plan|summary|auto]" in result.output


def test_ingest_prints_a_summary_per_document_and_is_idempotent(runner, docs, tmp_path):
    result = runner.invoke(cli, ["ingest", str(docs)])
    assert result.exit_code == 0, result.stderr
    assert "docs/a_plan.txt  [utf-8]  广州市民政局  (inserted)" in result.output
    assert "plan    2024  广州市民政局  2 commitments" in result.output
    assert "summary 2023  广州市民政局  1 achievements" in result.output
    assert "repeated paragraphs removed: 2" in result.output
    again = runner.invoke(cli, ["ingest", str(docs)])
    assert again.exit_code == 0
    assert "docs/a_plan.txt: unchanged" in again.output
    assert len(rows(tmp_path / "commitments.db", "commitment")) == 2


def test_missing_path_is_one_line_and_the_good_file_goes_in(runner, docs, tmp_path):
    result = runner.invoke(cli, ["ingest", str(docs / "a_plan.txt"), "nowhere.txt"])
    assert result.exit_code == 1
    assert error_lines(result) == ["tracker: nowhere.txt: no such file or folder"]
    assert len(rows(tmp_path / "commitments.db", "commitment")) == 2


def test_unknown_kind_is_a_one_line_usage_error(runner, docs, tmp_path):
    result = runner.invoke(cli, ["ingest", "--kind", "memo", str(docs)])
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert line.startswith("tracker: Invalid value for '--kind': 'memo'")
    assert not (tmp_path / "commitments.db").exists()


def test_bad_file_in_a_folder_is_reported_and_leaves_the_rest(runner, docs, tmp_path):
    (docs / "c_bad.txt").write_text("plan:BAD\n", encoding="utf-8")
    (docs / "d_empty.txt").write_text("", encoding="utf-8")
    (docs / "notes.pdf").write_bytes(b"%PDF")
    result = runner.invoke(cli, ["ingest", str(docs)])
    assert result.exit_code == 1
    assert error_lines(result) == [
        "tracker: docs/c_bad.txt: cannot decode as UTF-8 or GB18030 (re-save it as UTF-8)",
        "tracker: docs/d_empty.txt: file is empty",
    ]
    paths = [row[1] for row in rows(tmp_path / "commitments.db", "document")]
    assert sorted(paths) == ["docs/a_plan.txt", "docs/b_summary.txt"]


def test_report_json_to_file_has_the_spec_keys(runner, docs, tmp_path):
    runner.invoke(cli, ["ingest", str(docs)])
    result = runner.invoke(cli, ["report", "--format", "json", "-o", "out.json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert set(data) >= {"generated_at", "commitments", "achievements"}
    assert [c["status"] for c in data["commitments"]] == ["pending", "pending"]
    filtered = runner.invoke(cli, ["report", "--format", "json", "--period", "2023"])
    assert json.loads(filtered.output)["commitments"] == []


def test_report_table_shows_labels(runner, docs):
    runner.invoke(cli, ["ingest", str(docs)])
    result = runner.invoke(cli, ["report"])
    assert result.exit_code == 0
    assert "待核查" in result.output and "汇总" in result.output


@pytest.mark.parametrize(
    "args, code, start",
    [
        (["report", "--status", "done"], 2, "tracker: Invalid value for '--status'"),
        (["report", "--format", "pdf"], 2, "tracker: Invalid value for '--format'"),
        (["report"], 1, "tracker: database commitments.db does not exist"),
        (["--db", "nosuch://x", "ingest", "x.txt"], 1, "tracker: cannot use database URL"),
        (["frobnicate"], 2, "tracker: No such command 'frobnicate'"),
    ],
)
def test_errors_are_one_line(runner, args, code, start):
    result = runner.invoke(cli, args)
    assert result.exit_code == code
    (line,) = error_lines(result)
    assert line.startswith(start)


def test_db_option_and_environment_variable(runner, docs, tmp_path, monkeypatch):
    runner.invoke(cli, ["--db", "sqlite:///one.db", "ingest", str(docs / "a_plan.txt")])
    monkeypatch.setenv("TRACKER_DB", "sqlite:///two.db")
    runner.invoke(cli, ["ingest", str(docs / "b_summary.txt")])
    assert len(rows(tmp_path / "one.db", "commitment")) == 2
    assert len(rows(tmp_path / "two.db", "achievement")) == 1
    assert not (tmp_path / "commitments.db").exists()


def test_db_option_takes_a_plain_file_path(runner, docs, tmp_path):
    result = runner.invoke(cli, ["--db", "review.db", "ingest", str(docs / "a_plan.txt")])
    assert result.exit_code == 0, result.output
    assert len(rows(tmp_path / "review.db", "commitment")) == 2


def test_bare_tracker_keeps_an_existing_database(runner, docs, tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "000_x.txt").write_text("plan:不应出现\n", encoding="utf-8")
    runner.invoke(cli, ["ingest", str(docs / "a_plan.txt")])
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert "Building" not in result.output and "不应出现" not in result.output


def test_a_bug_is_one_line_not_a_traceback(monkeypatch, capsys, tmp_path):
    import tracker.cli.main as cli_module
    from tracker.store.engine import make_engine

    def broken(*args, **kwargs):
        raise KeyError("boom")

    url = f"sqlite:///{tmp_path / 'bug.db'}"
    make_engine(url).dispose()
    monkeypatch.setattr("tracker.report.formats.stored_report", broken)  # read when the report runs
    monkeypatch.setattr("sys.argv", ["tracker", "--db", url, "report", "--format", "json"])
    monkeypatch.delenv("TRACKER_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == cli_module.INTERNAL_ERROR_EXIT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tracker: internal error: KeyError")
    assert "Traceback" not in err
