"""The one normal form of Chinese text used for ids, matching and gold comparison."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
