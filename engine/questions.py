"""The question bank (rulebooks/questions.yaml): controls and facts the inventory cannot tell."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import InputError
from engine.i18n import both, listed, message
from engine.resources import data_dir
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import load

Scope = Literal["org", "activity", "transfer"]


class Option(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    value: str
    zh: str
    en: str


class Question(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    scope: Scope
    type: Literal["bool", "int", "choice", "multi", "text", "date"]
    text: Text
    help: Text
    options: list[Option] = Field(default_factory=list)
    show_if: str | None = None
    # a statutory exception the processor must claim: unanswered means not claimed (false), so an
    # unanswered exception never turns a failed duty into "unknown"
    claim: bool = False
    min: int | None = None
    max: int | None = None

    @property
    def fact(self) -> str:
        return f"q.{self.id}"

    def check(self, value: Any) -> Text | None:
        """Why `value` is not a valid answer, or None."""
        ok_values = [o.value for o in self.options]
        options = listed(ok_values)
        if self.type == "bool" and not isinstance(value, bool):
            return message("answer.bool", value=value)
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return message("answer.int", value=value)
            if self.min is not None and value < self.min:
                return message("answer.min", min=self.min)
            if self.max is not None and value > self.max:
                return message("answer.max", max=self.max)
        if self.type == "choice" and value not in ok_values:
            return message("answer.choice", options=options, value=value)
        if self.type == "multi" and (not isinstance(value, list) or any(v not in ok_values for v in value)):
            return message("answer.multi", options=options, value=value)
        if self.type == "text" and not isinstance(value, str):
            return message("answer.text", value=value)
        if self.type == "date" and not isinstance(value, date):
            return message("answer.date", value=value)
        return None


class QuestionBank(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    questions: list[Question]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def in_scope(self, scope: Scope) -> list[Question]:
        return [q for q in self.questions if q.scope == scope]

    def unclaimed(self, scope: Scope) -> dict[str, bool]:
        """The exception questions of a scope as not claimed, to be overridden by the answers given."""
        return {q.fact: False for q in self.in_scope(scope) if q.claim}


def question_files() -> list[Path]:
    return sorted((data_dir("rulebooks") / "questions").glob("*.yaml"))


@cache
def question_bank() -> QuestionBank:
    """All question files merged (rulebooks/questions/*.yaml); ids are unique across files. Cached per
    user with the rulebooks (engine/cache.py): every input check reads it."""
    from engine.cache import memo

    return memo("questions", QuestionBank, _load_question_bank)


def _load_question_bank() -> QuestionBank:
    questions: list[Question] = []
    for path in question_files():
        located = load(path)
        try:
            questions += QuestionBank.model_validate(located.data).questions
        except ValidationError as exc:
            raise InputError(pydantic_problems(exc, located)) from None
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise InputError.one(str(data_dir("rulebooks") / "questions"), both("input.duplicate_id", id=f"q.{q.id}"))
        seen.add(q.id)
    return QuestionBank(questions=questions)
