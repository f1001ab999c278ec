"""The condition language of rulebooks, readable by a privacy expert:

    activity.processes_sensitive_pi and activity.legal_basis == "consent"
    transfer.individuals_sensitive >= 10000 or org.ciio
    "minors_under_14" in activity.data_subjects
    not q.separate_consent_sensitive

Parsed with Python's own `ast` (a restricted subset), type-checked against the fact schema, then
compiled to durable-rules patterns. Evaluation is three-valued: a fact that is missing (unanswered)
makes a comparison unknown, never true or false. The same tree also evaluates in plain Python, which
gives each finding its trace (which facts decided it) and the benchmark its baseline.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from engine.errors import BadValue
from engine.i18n import closest, listed, message

FactType = Literal["bool", "int", "enum", "list", "str"]
Op = Literal["==", "!=", "<", "<=", ">", ">="]
_NEGATE: dict[str, Op] = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_DURABLE_OP = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_AST_OP: dict[type, Op] = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_PY_OP: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}

Scalar = bool | int | float | str
Truth = bool | None  # None = unknown


class ConditionError(BadValue):
    """A condition that does not parse or does not type-check."""


@dataclass(frozen=True)
class Cmp:
    fact: str
    op: Op
    value: Scalar

    def text(self) -> str:
        if self.value is True and self.op == "==":
            return self.fact
        if self.value is True and self.op == "!=":
            return f"not {self.fact}"
        return f"{self.fact} {self.op} {self.value!r}"


@dataclass(frozen=True)
class Has:
    """`value in list_fact` (negated: the list does not contain value)."""

    fact: str
    value: str
    negated: bool = False

    def text(self) -> str:
        return f"{self.value!r} {'not in' if self.negated else 'in'} {self.fact}"


@dataclass(frozen=True)
class All:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Always:
    value: bool


Node = Cmp | Has | All | Any_ | Not | Always


@dataclass(frozen=True)
class FactSpec:
    """What a rule may say about a fact: its type and, for enums and lists, the allowed values."""

    name: str
    type: FactType
    domain: tuple[str, ...] | None = None


# --------------------------------------------------------------------------- parsing


def parse(source: str | bool, facts: Mapping[str, FactSpec]) -> Node:
    """Parse and type-check a condition; raises ConditionError naming the problem."""
    if isinstance(source, bool):
        return Always(source)
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ConditionError(message("condition.syntax", source=source, why=exc.msg)) from None
    return _node(tree, facts, source)


def _fact_name(expr: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name) and parts:
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def _const(expr: ast.expr, source: str) -> Scalar:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, bool | int | float | str):
        return expr.value
    if isinstance(expr, ast.Name) and expr.id in ("true", "false"):
        return expr.id == "true"
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
        value = expr.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
    raise ConditionError(message("condition.literal", expr=ast.unparse(expr), source=source))


def _spec(name: str, facts: Mapping[str, FactSpec], source: str) -> FactSpec:
    spec = facts.get(name)
    if spec is None:
        raise ConditionError(message("condition.unknown_fact", fact=name, source=source, hint=closest(name, facts)))
    return spec


def _check_value(spec: FactSpec, op: str, value: Scalar, source: str) -> None:
    kind, fact = spec.type, spec.name
    if kind == "list":
        raise ConditionError(message("condition.list", fact=fact, source=source))
    if kind == "bool" and (not isinstance(value, bool) or op not in ("==", "!=")):
        raise ConditionError(message("condition.bool", fact=fact, source=source))
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConditionError(message("condition.number", fact=fact, value=value, source=source))
    if kind in ("enum", "str") and (not isinstance(value, str) or op not in ("==", "!=")):
        raise ConditionError(message("condition.text", fact=fact, source=source))
    if kind == "enum" and spec.domain is not None and value not in spec.domain:
        values = listed(spec.domain)
        raise ConditionError(message("condition.not_a_value", value=value, fact=fact, values=values, source=source))


def _node(expr: ast.expr, facts: Mapping[str, FactSpec], source: str) -> Node:
    if isinstance(expr, ast.BoolOp):
        kids = tuple(_node(v, facts, source) for v in expr.values)
        return All(kids) if isinstance(expr.op, ast.And) else Any_(kids)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return Not(_node(expr.operand, facts, source))
    if isinstance(expr, ast.Constant) and isinstance(expr.value, bool):
        return Always(expr.value)
    if isinstance(expr, ast.Name) and expr.id in ("true", "false"):
        return Always(expr.id == "true")
    name = _fact_name(expr)
    if name is not None:
        spec = _spec(name, facts, source)
        if spec.type != "bool":
            raise ConditionError(message("condition.not_bool", fact=name, source=source))
        return Cmp(name, "==", True)
    if isinstance(expr, ast.Compare):
        parts: list[Node] = []
        left = expr.left
        for op, right in zip(expr.ops, expr.comparators, strict=True):
            parts.append(_compare(left, op, right, facts, source))
            left = right
        return parts[0] if len(parts) == 1 else All(tuple(parts))
    raise ConditionError(message("condition.unsupported", expr=ast.unparse(expr), source=source))


def _compare(left: ast.expr, op: ast.cmpop, right: ast.expr, facts: Mapping[str, FactSpec], source: str) -> Node:
    if isinstance(op, ast.In | ast.NotIn):
        negated = isinstance(op, ast.NotIn)
        list_fact = _fact_name(right)
        if list_fact is not None:  # "x" in activity.data_subjects
            spec = _spec(list_fact, facts, source)
            if spec.type != "list":
                raise ConditionError(message("condition.not_list", fact=list_fact, source=source))
            value = _const(left, source)
            if not isinstance(value, str) or (spec.domain is not None and value not in spec.domain):
                raise ConditionError(message("condition.not_an_item", value=value, fact=list_fact, source=source))
            return Has(list_fact, value, negated)
        scalar = _fact_name(left)  # activity.legal_basis in ["consent", "contract_or_hr"]
        if scalar is None or not isinstance(right, ast.List | ast.Tuple):
            raise ConditionError(message("condition.in", source=source))
        spec = _spec(scalar, facts, source)
        eqs: list[Node] = []
        for elt in right.elts:
            value = _const(elt, source)
            _check_value(spec, "==", value, source)
            eqs.append(Cmp(scalar, "==", value))
        node: Node = Any_(tuple(eqs))
        return Not(node) if negated else node
    if type(op) not in _AST_OP:
        raise ConditionError(message("condition.operator", source=source))
    sym = _AST_OP[type(op)]
    name = _fact_name(left)
    if name is None:  # literal on the left: 10000 <= transfer.individuals_sensitive
        name, right, sym = _fact_name(right), left, _mirror(sym)
        if name is None:
            raise ConditionError(message("condition.no_fact", expr=ast.unparse(left), source=source))
    spec = _spec(name, facts, source)
    value = _const(right, source)
    _check_value(spec, sym, value, source)
    return Cmp(name, sym, value)


def _mirror(op: Op) -> Op:
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)  # type: ignore[return-value]


# --------------------------------------------------------------------------- structure


def facts_used(node: Node) -> set[str]:
    if isinstance(node, Cmp | Has):
        return {node.fact}
    if isinstance(node, All | Any_):
        return set().union(*(facts_used(c) for c in node.children))
    if isinstance(node, Not):
        return facts_used(node.child)
    return set()


def negate(node: Node) -> Node:
    """Negation normal form: push `not` down to the comparisons (De Morgan)."""
    if isinstance(node, Cmp):
        return Cmp(node.fact, _NEGATE[node.op], node.value)
    if isinstance(node, Has):
        return Has(node.fact, node.value, not node.negated)
    if isinstance(node, All):
        return Any_(tuple(negate(c) for c in node.children))
    if isinstance(node, Any_):
        return All(tuple(negate(c) for c in node.children))
    if isinstance(node, Not):
        return nnf(node.child)
    return Always(not node.value)


def nnf(node: Node) -> Node:
    if isinstance(node, Not):
        return negate(node.child)
    if isinstance(node, All):
        return All(tuple(nnf(c) for c in node.children))
    if isinstance(node, Any_):
        return Any_(tuple(nnf(c) for c in node.children))
    return node


def text(node: Node) -> str:
    if isinstance(node, Cmp | Has):
        return node.text()
    if isinstance(node, All | Any_):
        joiner = " and " if isinstance(node, All) else " or "
        return joiner.join(f"({text(c)})" if isinstance(c, All | Any_) else text(c) for c in node.children)
    if isinstance(node, Not):
        return f"not ({text(node.child)})"
    return "true" if node.value else "false"


# --------------------------------------------------------------------------- durable-rules


def key(fact: str) -> str:
    """Fact name as a durable-rules property: dots are not path separators there."""
    return fact.replace(".", "__")


def length_key(fact: str) -> str:
    return key(fact) + "__n"


def to_durable(node: Node) -> dict[str, Any] | None:
    """A durable-rules expression true exactly when `node` is definitely true (three-valued).

    Returns None for a condition that can never be true. A missing attribute never matches in
    durable-rules, which is what makes unknown facts neither true nor false.
    """
    node = nnf(node)
    if isinstance(node, Always):
        return {} if node.value else None
    if isinstance(node, Cmp):
        return {_DURABLE_OP[node.op]: {key(node.fact): node.value}}
    if isinstance(node, Has):
        if not node.negated:
            return {"$iany": {key(node.fact): {"$i": node.value}}}
        # $iall is false on an empty list, so an empty list is matched by its length
        return {"$or": [{"$eq": {length_key(node.fact): 0}}, {"$iall": {key(node.fact): {"$neq": {"$i": node.value}}}}]}
    assert isinstance(node, All | Any_)
    kids = [to_durable(c) for c in node.children]
    if isinstance(node, All):
        if any(k is None for k in kids):
            return None
        real = [k for k in kids if k]
        return {} if not real else real[0] if len(real) == 1 else {"$and": real}
    if any(k == {} for k in kids):
        return {}
    real = [k for k in kids if k is not None]
    return None if not real else real[0] if len(real) == 1 else {"$or": real}


# --------------------------------------------------------------------------- plain Python


def evaluate(node: Node, facts: Mapping[str, Any]) -> Truth:
    """Kleene three-valued evaluation: None when missing facts leave the result open."""
    if isinstance(node, Cmp):
        value = facts.get(node.fact)
        return None if value is None else _PY_OP[node.op](value, node.value)
    if isinstance(node, Has):
        items = facts.get(node.fact)
        return None if items is None else (node.value in items) != node.negated
    if isinstance(node, Not):
        inner = evaluate(node.child, facts)
        return None if inner is None else not inner
    if isinstance(node, Always):
        return node.value
    results = [evaluate(c, facts) for c in node.children]
    decisive = isinstance(node, Any_)  # True decides an `or`, False decides an `and`
    if decisive in results:
        return decisive
    return None if None in results else not decisive


def compile_python(node: Node) -> Callable[[Mapping[str, Any]], Truth]:
    """Closure form of `evaluate` for the benchmark baseline (no tree walk per call)."""
    if isinstance(node, Cmp):
        fact, fn, value = node.fact, _PY_OP[node.op], node.value
        return lambda f: None if (v := f.get(fact)) is None else fn(v, value)
    if isinstance(node, Has):
        fact, item, neg = node.fact, node.value, node.negated
        return lambda f: None if (v := f.get(fact)) is None else (item in v) != neg
    if isinstance(node, Not):
        inner = compile_python(node.child)
        return lambda f: None if (r := inner(f)) is None else not r
    if isinstance(node, Always):
        const = node.value
        return lambda f: const
    kids = [compile_python(c) for c in node.children]
    decisive = isinstance(node, Any_)

    def combine(f: Mapping[str, Any]) -> Truth:
        unknown = False
        for kid in kids:
            r = kid(f)
            if r is decisive:
                return decisive
            unknown = unknown or r is None
        return None if unknown else not decisive

    return combine


def explain(node: Node, facts: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The comparisons that decided the result: (fact, value or None, comparison text)."""
    return explained(node, facts)[1]


Explained = tuple[Truth, list[tuple[str, Any, str]]]
_EXPLAINERS: dict[int, tuple[Node, Callable[[Mapping[str, Any]], Explained]]] = {}


def explained(node: Node, facts: Mapping[str, Any]) -> Explained:
    """`evaluate` and `explain` in one walk of closures compiled once per condition: a finding's trace
    reads both, and explaining by evaluating every subtree again at each level costs quadratic time."""
    entry = _EXPLAINERS.get(id(node))
    if entry is None or entry[0] is not node:
        if len(_EXPLAINERS) > 50_000:  # conditions built on the fly (tests, lint) must not pile up
            _EXPLAINERS.clear()
        entry = _EXPLAINERS[id(node)] = (node, _explainer(node))
    return entry[1](facts)


def _explainer(node: Node) -> Callable[[Mapping[str, Any]], Explained]:
    if isinstance(node, Cmp):
        fact, fn, value, test = node.fact, _PY_OP[node.op], node.value, node.text()
        return lambda f: ((None if (v := f.get(fact)) is None else fn(v, value)), [(fact, v, test)])
    if isinstance(node, Has):
        fact, item, neg, test = node.fact, node.value, node.negated, node.text()
        return lambda f: ((None if (v := f.get(fact)) is None else (item in v) != neg), [(fact, v, test)])
    if isinstance(node, Not):
        inner = _explainer(node.child)

        def negated(f: Mapping[str, Any]) -> Explained:
            r, entries = inner(f)
            return (None if r is None else not r), entries

        return negated
    if isinstance(node, Always):
        const = node.value
        return lambda f: (const, [])
    kids = [_explainer(c) for c in node.children]
    decisive = isinstance(node, Any_)  # True decides an `or`, False decides an `and`, as in `evaluate`

    def combine(f: Mapping[str, Any]) -> Explained:
        done = [kid(f) for kid in kids]
        results = [r for r, _ in done]
        result = decisive if decisive in results else None if None in results else not decisive
        agreeing = [entries for r, entries in done if r is result]  # the children that decided it
        if len(agreeing) == 1:
            return result, agreeing[0]
        seen: set[tuple[str, str]] = set()
        unique = []
        for entries in agreeing:
            for item in entries:
                if (item[0], item[2]) not in seen:
                    seen.add((item[0], item[2]))
                    unique.append(item)
        return result, unique

    return combine
