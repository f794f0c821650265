"""The style sheet of the html report, inline in every page: a screen layout, a phone layout (narrow
margins, charts the width of the screen, wide tables that scroll sideways) and a print layout (white
paper, status colours kept, cards and charts not cut across pages, the sources' addresses written out)."""

from __future__ import annotations

from typing import Final

#: The page's fonts: Chinese-capable ones first (Linux, then Windows and macOS names).
FONT_STACK: Final = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", '
    '"WenQuanYi Zen Hei", "Noto Sans SC", system-ui, sans-serif'
)

CSS: Final = (
    """
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --paper: #ffffff; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.6;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%;
  font-family: """
    + FONT_STACK
    + """; }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 4px; font-size: 1.7em; line-height: 1.3; }
.meta { color: var(--muted); margin: 0; }
a { color: #0b5cad; }
h2 { font-size: 1.25em; margin: 28px 0 10px; }
h2 small { color: var(--muted); font-weight: normal; font-size: 0.75em; }
h3 { font-size: 1.05em; margin: 14px 0 6px; }
section.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 18px; margin-top: 16px; }
section.panel h2 { margin-top: 4px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.counts li { display: flex; align-items: center; gap: 6px; border: 1px solid var(--line);
  border-radius: 6px; padding: 4px 10px; background: var(--paper); }
.counts b { font-size: 1.2em; }
.counts .total { border-style: dashed; }
.id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85em;
  color: var(--muted); }
.badge { display: inline-block; border-radius: 4px; padding: 0 8px; font-weight: bold;
  white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 10px; padding: 0; list-style: none;
  font-size: 0.9em; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
table.statuses { border-collapse: collapse; width: 100%; margin: 12px 0 0; font-size: 0.92em; }
table.statuses th, table.statuses td { border-top: 1px solid var(--line); padding: 5px 8px;
  text-align: left; vertical-align: top; }
table.statuses td:first-child { white-space: nowrap; }
table.statuses .en { display: block; color: var(--muted); font-size: 0.9em; }
figure.chart { margin: 0 0 18px; min-width: 0; display: grid; grid-template-columns: minmax(0, 1fr);
  gap: 4px 28px; align-items: start; }
figure.chart figcaption, figure.chart .meta { grid-column: 1 / -1; }
figure.chart figcaption { font-weight: bold; margin: 6px 0 2px; }
figure.chart .meta { font-size: 0.85em; }
svg.chart { display: block; width: 100%; max-width: 440px; height: auto; overflow: visible; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
table.data { border-collapse: collapse; margin: 8px 0 0; font-size: 0.85em; white-space: nowrap; }
table.data th, table.data td { border: 1px solid var(--line); padding: 2px 8px; }
table.data thead th { background: var(--bg); font-weight: normal; color: var(--muted);
  white-space: normal; }
table.data tbody th { text-align: left; font-weight: normal; }
.nw { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
nav.topics { margin-top: 16px; font-size: 0.95em; }
nav.topics a { margin-right: 12px; text-decoration: none; white-space: nowrap; }
.card { background: var(--paper); border: 1px solid var(--line); border-left: 6px solid var(--status);
  border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
.card-head .who { color: var(--muted); font-size: 0.9em; }
.card-head .cid { margin-left: auto; }
.card-head .num { color: var(--muted); font-weight: bold; }
.text { font-size: 1.08em; margin: 8px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0;
  font-size: 0.92em; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
table.targets { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
table.targets th, table.targets td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }
table.targets th { background: var(--bg); font-weight: normal; color: var(--muted); }
table.targets td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #2e7d32; font-weight: bold; }
.missed { color: #c62828; font-weight: bold; }
ol.evidence { margin: 8px 0 0; padding: 0; list-style: none; }
ol.evidence li { border-top: 1px dashed var(--line); padding: 6px 0 4px; }
.ev-head { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 0.88em; color: var(--muted); }
.state { border-radius: 4px; padding: 0 6px; border: 1px solid currentColor; }
.state-confirmed { color: #2e7d32; }
.state-suggested { color: #00838f; }
.state-candidate { color: #6e7781; }
.state-rejected { color: #c62828; }
li.rejected p { text-decoration: line-through; color: var(--muted); }
ol.evidence p { margin: 2px 0; }
.none { color: var(--muted); font-style: italic; }
.notes { margin: 6px 0 0; font-size: 0.92em; color: var(--muted); }
.notes ul { margin: 0; padding-left: 1.2em; color: var(--ink); }
mark { background: #fff3a3; color: inherit; padding: 0 1px; border-radius: 2px; }
ul.sources { margin: 0; padding-left: 1.2em; }
ul.sources li { margin: 4px 0; overflow-wrap: anywhere; }
ul.sources .parts, ul.sources .file { color: var(--muted); font-size: 0.92em; }
#method p { margin: 4px 0 8px; }
#method .en { color: var(--muted); font-size: 0.9em; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
@media (min-width: 900px) { figure.chart { grid-template-columns: minmax(0, 440px) minmax(0, 1fr); } }
@media (max-width: 600px) {
  .page { padding: 14px 8px 32px; }
  section.panel { padding: 10px 10px; }
  .card { padding: 10px 10px; }
  header h1 { font-size: 1.4em; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 4px; }
  .card-head .cid { margin-left: 0; }
  table.statuses .en { display: none; }
}
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { background: #fff; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .page { max-width: none; padding: 0; }
  section.panel, .card { border-color: #999; box-shadow: none; }
  .card { padding: 8px 12px; margin: 8px 0; }
  section.panel { background: #fff; }
  nav.topics { display: none; }
  h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
  .card, svg.chart, table.statuses tr, table.data tr, ul.sources li { break-inside: avoid;
    page-break-inside: avoid; }
  section#charts, section#method { break-before: page; page-break-before: always; }
  .scroll { overflow: visible; }
  table.data { white-space: normal; }
  a { color: inherit; text-decoration: none; }
  figure.chart { display: block; }
  svg.chart { max-width: 360px; }
}
"""
)
