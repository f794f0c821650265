"""No report, in any format, names a document by an absolute path of the machine it ran on: a file
ingested by its absolute path is named relative to the folder the report runs in when it lies under it,
else by its file name (with folders in front only to tell two files apart)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.report.sources import is_absolute, shown_names

PLAN = "佛山市民政局2024年工作计划\n一、养老服务\n2024年将建成长者饭堂不少于200个。\n新增养老床位1000张。\n"
SUMMARY = "佛山市民政局2024年工作总结\n一、养老服务\n2024年,全市已建成长者饭堂220个。\n新增养老床位600张。\n"

#: Every format, public or not, to a file and (but the table) to standard output.
FORMATS = [
    ("table",),
    ("md",),
    ("md", "--public"),
    ("csv",),
    ("json",),
    ("html",),
    ("html", "--public"),
]


@pytest.fixture
def ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, Path, Path, Path]:
    """A plan and a summary in ``tmp/资料 2024/``, ingested by their absolute paths from ``tmp/elsewhere``
    (outside it, so that their absolute paths are what the database stores)."""
    folder = tmp_path / "资料 2024"
    folder.mkdir()
    (folder / "plan.txt").write_text(PLAN, encoding="utf-8")
    (folder / "summary.txt").write_text(SUMMARY, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = tmp_path / "c.db"
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.chdir(elsewhere)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(db), "ingest", str(folder / "plan.txt"), str(folder.resolve() / "summary.txt")]
    )
    assert result.exit_code == 0, result.stderr
    first = json.loads(runner.invoke(cli, ["--db", str(db), "report", "--format", "json"]).stdout)
    cid = first["commitments"][0]["id"]
    decided = runner.invoke(cli, ["--db", str(db), "annotate", "status", cid, "partial", "--reviewer", "li"])
    assert decided.exit_code == 0, decided.stderr
    return runner, db, folder, elsewhere


def reports(runner: CliRunner, db: Path, out: Path) -> dict[str, str]:
    """Every report, as written to a file and to standard output."""
    texts = {}
    for fmt, *extra in FORMATS:
        name = "-".join([fmt, *[e.strip("-") for e in extra]])
        target = out / f"{name}.out"
        result = runner.invoke(cli, ["--db", str(db), "report", "--format", fmt, *extra, "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        texts[f"{name} -o"] = target.read_text(encoding="utf-8-sig")
        if fmt != "table":
            printed = runner.invoke(cli, ["--db", str(db), "report", "--format", fmt, *extra])
            assert printed.exit_code == 0, printed.stderr
            texts[name] = printed.stdout_bytes.decode("utf-8-sig")
    return texts


def test_no_report_holds_the_absolute_path_of_its_input_files(ingested, tmp_path, tmp_path_factory):
    runner, db, folder, elsewhere = ingested
    texts = reports(runner, db, elsewhere)
    assert len(texts) == 2 * len(FORMATS) - 1
    forbidden = {
        str(folder),
        str(folder.resolve()),
        str(tmp_path),
        str(tmp_path.resolve()),
        str(tmp_path_factory.getbasetemp()),
        str(Path.home()),
    }
    for name, text in texts.items():
        assert "plan.txt" in text, name
        for path in forbidden:
            assert path not in text, (name, path)
            assert path.replace("/", "\\/") not in text, (name, path)  # as a JSON string may escape it
        assert "/资料 2024/" not in text, name


def test_a_report_run_above_the_files_names_them_relative_to_its_folder(ingested, tmp_path, monkeypatch):
    runner, db, _folder, _elsewhere = ingested
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--db", str(db), "report", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"document": "资料 2024/plan.txt"' in result.stdout
    assert str(tmp_path) not in result.stdout


def test_names_shown_for_stored_paths(tmp_path):
    here = tmp_path / "work"
    (here / "sub").mkdir(parents=True)
    stored = [
        "seeds/004.txt",  # stored relative: as it is
        "https://www.example.gov.cn/jh.html",  # a web page: its address
        str(here / "sub" / "plan.txt"),  # under the folder the report runs in
        "/srv/a/2024/计划.txt",  # outside: the file name, and folders only to tell two apart
        "/srv/b/2024/计划.txt",
        "/home/li/总结.txt",
        "/home/li/004.txt",
        "C:/Users/li/文档/计划2025.txt",
    ]
    names = shown_names(stored, cwd=here)
    assert names == {
        "seeds/004.txt": "seeds/004.txt",
        "https://www.example.gov.cn/jh.html": "https://www.example.gov.cn/jh.html",
        str(here / "sub" / "plan.txt"): "sub/plan.txt",
        "/srv/a/2024/计划.txt": "a/2024/计划.txt",
        "/srv/b/2024/计划.txt": "b/2024/计划.txt",
        "/home/li/总结.txt": "总结.txt",
        "/home/li/004.txt": "004.txt",
        "C:/Users/li/文档/计划2025.txt": "计划2025.txt",
    }
    assert not any(is_absolute(name) for name in names.values())
    assert len(set(names.values())) == len(names)
