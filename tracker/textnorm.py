"""The forms of text: the one normal form used for ids, matching and gold comparison (:func:`normalize`),
and the safe form of any text a user or a file sets, for storing (:func:`clean_field`) and for showing
(:func:`shown`) on a terminal, in the UI or in a report."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import opencc

_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese (OpenCC's phrase-aware t2s, not a character table)."""
    return _converter().convert(text)


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), Traditional to Simplified, all whitespace removed."""
    return _WHITESPACE.sub("", to_simplified(unicodedata.normalize("NFKC", text)))


#: Terminal escape sequences: CSI (``ESC [``, or C1 ``\x9b``), OSC (``ESC ]`` / ``\x9d`` … BEL or ST: a
#: window title, a clipboard write), DCS/SOS/PM/APC strings, and any other two-byte ``ESC x``.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?",
    re.DOTALL,
)
#: Control characters that are not layout: C0 but tab and newline, DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Halves of a surrogate pair standing alone (a JSON ``"\ud800"``): no encoding can write them.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters that change how text around them reads without being seen: bidi embeddings, overrides
#: and isolates (U+202E turns "exe.txt" into "txt.exe"), marks, and zero-width spaces and joiners.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_field(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab and newline stay), and
    with a lone surrogate as U+FFFD: what is stored of a note, a reviewer's name or any other field a
    user or an imported file sets."""
    return _LONE_SURROGATE.sub("\ufffd", _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text)))


def shown(text: str) -> str:
    """``text`` as it may be shown: cleaned as :func:`clean_field` does, and every invisible bidi or
    zero-width character made visible as ``⟨U+202E⟩``, so no text can pose as other text."""
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", clean_field(text))


def each_string(value: Any, form: Callable[[str], str]) -> Any:
    """``value`` (JSON-like: dicts, lists, strings, numbers) with ``form`` applied to every string in it,
    keys included; a renderer takes a whole report through :func:`shown` this way."""
    if isinstance(value, str):
        return form(value)
    if isinstance(value, dict):
        return {each_string(k, form): each_string(v, form) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [each_string(item, form) for item in value]
    return value


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_MARKDOWN_LIST_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def md_escape(text: Any) -> str:
    """``text`` on one line with every character Markdown could read as markup backslash-escaped (the
    Markdown report's and ``tracker agreement --format md``'s one escape)."""
    flat = " ".join(str(text).split())
    flat = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _MARKDOWN_LIST_START.sub(
        lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] is not None else f"{m[4]}\\{m[5]}", flat, count=1
    )
