"""Reading an html report back in the report tests: one commitment's card, and the SVG charts as data.

Importable as ``html_pages`` from the tests in this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree


def svg_charts(page: str) -> list[dict]:
    """Each SVG chart of the page read back: its title, each bar's name and the total written beside it,
    and each segment's label and count (from the segment's tooltip, ``name：label count``)."""
    charts = []
    for markup in re.findall(r"<svg .*?</svg>", page, flags=re.S):
        svg = ElementTree.fromstring(markup)
        names = [el.find("title").text for el in svg.iter("text") if el.get("class") == "name"]
        totals = [int(el.text) for el in svg.iter("text") if el.get("class") == "total"]
        segments: dict[str, dict[str, int]] = {}
        for rect in svg.iter("rect"):
            name, _, rest = rect.find("title").text.partition("：")
            what, n = rest.rsplit(" ", 1)
            segments.setdefault(name, {})[what] = int(n)
        charts.append(
            {
                "title": svg.get("aria-label"),
                "totals": dict(zip(names, totals, strict=True)),
                "segments": segments,
            }
        )
    return charts


def card(page: str, commitment_id: str) -> str:
    start = page.index(f'<article class="card" id="{commitment_id}"')
    return page[start : page.index("</article>", start)]
