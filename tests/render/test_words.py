"""Every label exists in both languages, and every label the templates use exists."""

from __future__ import annotations

import re
import string

from engine.render.words import Words, messages
from engine.resources import data_dir
from engine.text import Text


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_message_has_chinese_and_english_with_the_same_placeholders() -> None:
    for key, msg in messages().items():
        assert msg.zh.strip() and msg.en.strip(), key
        assert _fields(msg.zh) == _fields(msg.en), key
        assert re.search(r"[\u4e00-\u9fff]", msg.zh) or key.startswith(("cover.sha256",)), key


def test_every_literal_key_in_the_templates_exists() -> None:
    used: set[str] = set()
    key = re.compile(r"""(?:L|say|say_main|para)\('([a-z_]+\.[a-z_.0-9]+|[a-z]+)'(?!\s*~)""")  # not a prefix
    for path in data_dir("templates").rglob("*.html"):
        used |= set(key.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern finds the keys"
    assert sorted(used - set(messages())) == []


def test_bilingual_html_escapes_both_languages() -> None:
    html = Words("bilingual").html(Text(zh="<b>甲</b>", en="<i>A</i>"))
    assert str(html) == '&lt;b&gt;甲&lt;/b&gt;<span class="alt">&lt;i&gt;A&lt;/i&gt;</span>'
    assert Words("en").say("no-such-key") == "no-such-key"
