"""The 50-line matcher a user might write instead of tracker: the peer the speed benchmark must beat.

Each file is cut into sentences at 。；! ? and line ends; the sentences after a heading that announces
next year's work (工作计划, 工作思路, 工作打算, 重点工作) are commitments, the ones before it achievements
(a file with no such heading is a plan when its title says 计划/要点, else a summary). A block is (city,
year), the city from the first ``XX市`` and the year from the title. One character TF-IDF (single
characters and bigrams, scipy sparse, L2-normalised) is fitted over every sentence of the corpus; each
commitment keeps its five most similar achievements of its block; sentences and candidates go into
SQLite with ``executemany``. No rules for tense, targets, chapters, statuses or history: only the cost
of reading, cutting, vectorising, ranking and storing.

Run: ``python benchmarks/peer.py CORPUS_FOLDER OUT.db`` (prints seconds and counts as JSON).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse

SENTENCE = re.compile(r"[^。；！？\n]+")
PLAN_HEADING = re.compile(r"^\s*\S{0,8}(工作计划|工作思路|工作打算|重点工作|工作安排)")
CITY = re.compile(r"([\u4e00-\u9fff]{2,4}?)市")
YEAR = re.compile(r"(20\d\d)年")


def read(path: Path) -> tuple[str, int, int, list[str], list[str]]:
    """City, year reported on, year planned, commitments, achievements."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((line for line in lines if YEAR.search(line)), "")
    city = (CITY.search(title) or CITY.search("\n".join(lines)) or re.match("", "")).group(0)
    years = [int(y) for y in YEAR.findall(title)] or [0]
    cut = next((i for i, line in enumerate(lines) if PLAN_HEADING.match(line)), None)
    if cut is None:
        cut = 0 if any(word in title for word in ("计划", "要点", "将")) else len(lines)
    done = [s.strip() for line in lines[:cut] for s in SENTENCE.findall(line) if len(s.strip()) > 8]
    plans = [s.strip() for line in lines[cut:] for s in SENTENCE.findall(line) if len(s.strip()) > 8]
    return city, years[0], years[-1], plans, done


def vectorise(sentences: list[str]) -> sparse.csr_matrix:
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(sentences):
        grams = set(text) | {text[i : i + 2] for i in range(len(text) - 1)}
        ids = [vocabulary.setdefault(gram, len(vocabulary)) for gram in grams]
        rows.extend([row] * len(ids))
        cols.extend(ids)
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sentences), len(vocabulary)))
    idf = np.log(len(sentences) / (1 + np.bincount(cols, minlength=len(vocabulary))))
    weighted = counts.multiply(idf).tocsr()
    norms = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A1
    return sparse.diags(1 / np.maximum(norms, 1e-9)) @ weighted


def main(folder: Path, out: Path) -> dict[str, float | int]:
    start = time.perf_counter()
    plans: dict[tuple[str, int], list[str]] = defaultdict(list)
    done: dict[tuple[str, int], list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.txt")):
        city, reported, planned, own_plans, own_done = read(path)
        plans[(city, planned)].extend(own_plans)
        done[(city, reported)].extend(own_done)
    sentences = [(k, "c", s) for k, v in plans.items() for s in v]
    sentences += [(k, "a", s) for k, v in done.items() for s in v]
    matrix = vectorise([s for _k, _kind, s in sentences])
    by_block: dict[tuple[tuple[str, int], str], list[int]] = defaultdict(list)
    for index, (key, kind, _s) in enumerate(sentences):
        by_block[(key, kind)].append(index)
    candidates = []
    for (key, kind), left in by_block.items():
        right = by_block.get((key, "a"), [])
        if kind != "c" or not right:
            continue
        scores = (matrix[left] @ matrix[right].T).toarray()
        keep = min(5, len(right))
        top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        for i, row in enumerate(top):
            candidates.extend((left[i], right[j], float(scores[i, j])) for j in row)
    db = sqlite3.connect(out)
    db.execute("CREATE TABLE sentence (id INTEGER PRIMARY KEY, city TEXT, year INT, kind TEXT, text TEXT)")
    db.execute("CREATE TABLE candidate (commitment INT, achievement INT, score REAL)")
    rows = [(i, key[0], key[1], kind, text) for i, (key, kind, text) in enumerate(sentences)]
    db.executemany("INSERT INTO sentence VALUES (?,?,?,?,?)", rows)
    db.executemany("INSERT INTO candidate VALUES (?,?,?)", candidates)
    db.commit()
    db.close()
    return {
        "seconds": time.perf_counter() - start,
        "sentences": len(sentences),
        "candidates": len(candidates),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
