"""Report vocabulary (templates/messages.yaml) and language handling for every report format.

Kept as data so that each label exists in Chinese and English side by side (a test checks both);
`bilingual` reports show Chinese first with the English beneath it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from engine.assessment import Label
from engine.resources import data_dir
from engine.text import Text
from engine.yamlsafe import load

# Bidirectional formatting characters (embeddings, overrides, isolates, marks). In user text they would
# reorder what the report shows (U+202E turns "txt.exe" into "exe.txt"); WeasyPrint has no unicode-bidi.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutral(value: Any) -> Any:
    """Text with every bidi control shown as its code ([U+202E]) instead of acting; other values as they are.

    The Jinja environment of the reports applies it to every value it prints (Markup stays Markup: the
    replacement is plain ASCII).
    """
    if not isinstance(value, str) or BIDI_CONTROLS.search(value) is None:
        return value
    shown = BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(value))
    return Markup(shown) if isinstance(value, Markup) else shown


MESSAGE_FILES = ("messages.yaml", "narrative-messages.yaml")  # templates/; no key in two of them


@cache
def messages() -> dict[str, Text]:
    out: dict[str, Text] = {}
    for name in MESSAGE_FILES:
        data = load(data_dir("templates") / name).data
        if twice := sorted(set(out) & {str(k) for k in data}):
            raise ValueError(f"{name} repeats report labels: {', '.join(twice)}")
        out.update({str(k): Text.model_validate(v) for k, v in data.items()})
    return out


def as_text(value: Label) -> Text:
    """Inputs may give a plain string where a bilingual text is allowed."""
    return value if isinstance(value, Text) else Text(zh=value, en=value)


class Words:
    """Labels and texts in one report language: zh, en or bilingual."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.main = "en" if lang == "en" else "zh"

    def text(self, key: str, **values: Any) -> Text:
        """A message; an unknown key (e.g. a status added later) falls back to the key itself."""
        msg = messages().get(key)
        if msg is None:
            return Text(zh=key, en=key)
        if values:
            return Text(zh=msg.zh.format(**values), en=msg.en.format(**values))
        return msg

    def plain(self, value: Label) -> str:
        """Text for CSV, XLSX and PDF metadata: one language, or both joined."""
        if isinstance(value, str):
            return value
        return value.both() if self.lang == "bilingual" else value.get(self.main)

    def main_text(self, value: Label) -> str:
        """One language only (the report's main one): running headers, where both would not fit."""
        return value if isinstance(value, str) else value.get(self.main)

    def say_main(self, key: str, **values: Any) -> str:
        return self.main_text(self.text(key, **values))

    def say(self, key: str, **values: Any) -> str:
        return self.plain(self.text(key, **values))

    def html(self, value: Label) -> Markup:
        """Escaped HTML; in bilingual reports the English follows in a secondary line."""
        if isinstance(value, str):
            return escape(value)
        if self.lang == "bilingual" and value.zh != value.en:
            return Markup('{}<span class="alt">{}</span>').format(value.zh, value.en)
        return escape(value.get(self.main))

    def label(self, key: str, **values: Any) -> Markup:
        return self.html(self.text(key, **values))

    def items(self, values: list[str]) -> str:
        return ("、" if self.main == "zh" else ", ").join(values)

    def number(self, n: int | None) -> str:
        return "—" if n is None else f"{n:,}"
