"""Rich consoles that print user text as text: no markup injection, no emoji codes, no control characters.

Titles, ids, paths and answers come from users; rich would read `[/]` as markup (and crash),
`[link=…]` as a hyperlink and `:x:` as an emoji, and pass escape sequences to the terminal. Every
console hegui prints to is a SafeConsole (emoji off, control characters removed from every string it
renders); user text inside our own markup goes through `safe`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from engine.errors import CONTROL


def plain(text: str) -> str:
    """`text` without control characters (newline and tab kept)."""
    return CONTROL.sub("", text)


def safe(value: object) -> str:
    """User text to embed in a rich markup string: control characters removed, markup escaped."""
    return escape(plain(str(value)))


class SafeConsole(Console):
    """A Console that never renders emoji codes or control characters, whatever string it is given."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(emoji=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(plain(text), **kwargs)
