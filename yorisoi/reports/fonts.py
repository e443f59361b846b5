"""The one Japanese font every export uses: IPAexGothic, shipped by the `matplotlib-fontja` wheel.

Why this font: the committee report must render on a fresh machine (issue 6), so the font comes
from PyPI with the code, not from the OS. IPAexGothic (IPA Font License v1.0, an OSI-approved
free licence that allows embedding and redistribution) has TrueType outlines, which reportlab
can embed (it cannot embed CFF-flavoured OpenType such as Noto Sans CJK .otf), and covers
JIS X 0213 kanji.

We only read the file from the installed package: importing `matplotlib_fontja` itself would
change matplotlib's global rcParams, which other code in the process may rely on.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import cache
from pathlib import Path

FONT_NAME = "IPAexGothic"
_FONT_FILE = "ipaexg.ttf"
_lock = threading.Lock()


@cache
def font_path() -> Path:
    spec = importlib.util.find_spec("matplotlib_fontja")  # locates without importing
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja is not installed: pip install -e . brings it")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / _FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"Japanese font not found at {path}")
    return path


def register_matplotlib() -> None:
    """Make "IPAexGothic" a known family for matplotlib (idempotent, thread-safe)."""
    with _lock:
        _register_matplotlib()


@cache
def _register_matplotlib() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))


def register_reportlab() -> str:
    """Register the TrueType font with reportlab once and return its name.

    IPAexGothic has no bold face; the family maps bold/italic to the same file so that a
    `<b>` in a Paragraph never fails (headings get weight from size instead).
    """
    with _lock:
        _register_reportlab()
    return FONT_NAME


@cache
def _register_reportlab() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
