"""Small documents of one agency over two years for the history tests: a 2023 plan, its summary and a
2024 plan, in which a continuation, a repetition, a chronic promise, a new one and a drop all occur.

Importable as ``years`` from any test folder (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

from pathlib import Path

AGENCY = "广州市民政局"
PLAN_2023 = ["建成长者饭堂不少于100个", "推进婚俗改革试点", "开展殡葬领域突出问题专项整治"]
SUMMARY_2023 = ["全年建成长者饭堂120个", "召开全市民政工作会议"]
PLAN_2024 = ["建成长者饭堂不少于200个", "推进婚俗改革试点", "开展慈善文化进校园活动"]


def write_document(folder: Path, name: str, heading: str, statements: list[str], extra: str = "") -> str:
    """A text file of the agency: its title ("…2023年工作计划"), ``extra`` lines, one chapter, one
    statement per sentence; its path."""
    path = folder / name
    body = f"{AGENCY}{heading}\n{extra}一、民政工作\n" + "。\n".join(statements) + "。\n"
    path.write_text(body, encoding="utf-8")
    return str(path)


def write_years(folder: Path) -> list[str]:
    """The 2023 plan, the 2023 summary and the 2024 plan; their paths."""
    return [
        write_document(folder, "plan2023.txt", "2023年工作计划", PLAN_2023),
        write_document(folder, "summary2023.txt", "2023年工作总结", SUMMARY_2023),
        write_document(folder, "plan2024.txt", "2024年工作计划", PLAN_2024),
    ]
