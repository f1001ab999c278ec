"""The message catalogue (engine/i18n.py): every entry in both languages, problems translated, nothing lost."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from engine.i18n import MESSAGES, both, closest, message, placeholders, tr
from engine.questions import Option, Question
from engine.text import Text
from engine.validation import error_text

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert entry.zh.strip() and entry.en.strip()
    assert CJK.search(entry.zh), f"{key}: the Chinese text has no Chinese"
    assert placeholders(entry.zh) == placeholders(entry.en), key


def test_the_pydantic_types_of_our_models_are_translated() -> None:
    types = {"missing", "extra_forbidden", "string_type", "int_type", "bool_type", "float_type", "date_type",
             "date_parsing", "date_from_datetime_parsing", "list_type", "dict_type", "model_type", "literal_error",
             "greater_than_equal", "less_than_equal", "greater_than", "less_than", "string_too_short",
             "string_too_long", "string_pattern_mismatch", "too_short", "too_long", "value_error",
             "union_tag_invalid", "union_tag_not_found"}
    assert {t for t in types if f"pydantic.{t}" not in MESSAGES} == set()


def test_placeholders_and_per_language_values() -> None:
    assert placeholders("{a!r} and {b} but not {{c}}") == {"a", "b"}
    hint = Text(zh="；是否为“x”？", en='; did you mean "x"?')
    text = message("input.no_dataset", id="y", hint=hint)
    assert text == Text(zh="没有编号为 'y' 的数据集；是否为“x”？", en="""no dataset with id 'y'; did you mean "x"?""")
    assert both("input.no_dataset", id="y", hint=hint) == f"{text.zh} / {text.en}"
    assert tr("input.no_dataset", "en", id="y", hint=hint) == text.en
    assert closest("membres", ["members", "orders"]) == Text(zh="；是否为“members”？", en='; did you mean "members"?')
    assert closest("zzz", ["members"]) == Text(zh="", en="")


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    count: int = Field(ge=0, le=10)
    when: date
    kind: str = Field(pattern=r"^[a-z]+$", max_length=5)


def _errors(data: dict[str, Any]) -> dict[str, Text]:
    with pytest.raises(ValidationError) as exc:
        _Model.model_validate(data)
    return {".".join(map(str, e["loc"])): error_text(e) for e in exc.value.errors()}


def test_pydantic_errors_keep_their_numbers_and_values() -> None:
    got = _errors({"count": 11, "when": "2026-01-01", "kind": "ABCDEFG", "other": 1})
    assert got["count"] == Text(zh="应小于或等于 10", en="Input should be less than or equal to 10")
    assert got["when"].zh == "应为日期（YYYY-MM-DD）"
    assert got["kind"] == Text(zh="最多只能有 5 个字符", en="String should have at most 5 character(s)")
    assert got["other"] == Text(zh="不允许的键（此处没有该字段）", en="unknown key (not allowed here)")
    assert _errors({"count": -1, "when": date(2026, 1, 1), "kind": "A"})["kind"].en == (
        "String should match pattern '^[a-z]+$'"
    )


def test_an_untranslated_pydantic_error_keeps_its_english_message() -> None:
    unknown: ErrorDetails = {"type": "uuid_type", "loc": ("x",), "msg": "UUID input should be a string", "input": 1}
    assert error_text(unknown) == Text(zh="输入无效：UUID input should be a string", en="UUID input should be a string")
    # an entry whose placeholders pydantic did not supply: the original message, never a KeyError
    short: ErrorDetails = {"type": "greater_than_equal", "loc": ("x",), "msg": "Input should be >= 0", "input": -1}
    assert error_text(short).en == "Input should be >= 0" and CJK.search(error_text(short).zh)


def test_question_check_says_why_in_both_languages() -> None:
    t = Text(zh="问", en="q")
    choice = Question(id="c", scope="org", type="choice", text=t, help=t,
                      options=[Option(value=v, zh=v, en=v) for v in ("alpha", "beta")])
    assert choice.check("gamma") == Text(zh="应为 alpha、beta 之一，实为 'gamma'",
                                         en="expected one of alpha, beta, got 'gamma'")
    number = Question(id="n", scope="org", type="int", text=t, help=t, min=1)
    assert number.check(0) == Text(zh="不得小于 1", en="must be at least 1")
    assert number.check("1") == Text(zh="应为整数，实为 '1'", en="expected a whole number, got '1'")
    assert number.check(1) is None
