"""The experta engine: YAML rules compiled once per rule set, one reset per answer set.

This is the only module that imports experta. Rules become experta rules whose
actions only *record* (the rule fired; findings are declared as facts so other
rules can match them). The result is assembled after the run from what was
recorded, so it cannot depend on firing order:

* urgency is the highest urgency of any fired rule;
* advice is everything recommended minus everything excluded (exclusion wins);
* rules that test a finding with ``not`` are given a lower salience than every
  rule that can assert that finding (stratified negation), so ``not`` sees the
  final set of findings. A cycle through ``not`` is refused when compiling.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Mapping
from typing import Any

# isort: off
from . import _compat  # noqa: F401  (must run before experta is imported)
import experta
import experta.strategies
from experta import watchers
from experta import AND, NOT, OR, P
from experta.activation import Activation
from experta.agenda import Agenda
from experta.fact import Fact, InitialFact
from experta.factlist import FactList
from experta.fieldconstraint import ORFC, L
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
from experta.matchers.rete.abstract import OneInputNode, TwoInputNode
from experta.matchers.rete.mixins import ChildNode, NoMemory
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode, OrdinaryMatchNode
from experta.matchers.rete.token import Token, TokenInfo
from experta.matchers.rete import utils as _rete_utils
# isort: on

from triage.errors import RulesetError
from triage.language.conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    HasFinding,
    Not,
    Unanswered,
    Unscreened,
    test,
)
from triage.language.model import Result, Ruleset
from triage.language.stratify import strata
from triage.problems import Problem

from .plan import Firing, applicable_unanswered, assemble


class Answers(experta.Fact):  # type: ignore[misc]
    """All answers of one answer set: ``all_answers``, the values in questionnaire order."""


class Finding(experta.Fact):  # type: ignore[misc]
    """A finding asserted by a rule."""


MAX_CONJUNCTIONS = 256


Literal = tuple[Condition, bool]  # a leaf and whether it is negated


def alternatives(condition: Condition, negated: bool = False) -> int:
    """How many alternatives :func:`dnf` would give, counted without expanding anything
    (capped just above :data:`MAX_CONJUNCTIONS`, so a huge rule costs no big numbers)."""
    if isinstance(condition, Not):
        return alternatives(condition.item, not negated)
    if isinstance(condition, (All, AnyOf)):
        counts = (alternatives(item, negated) for item in condition.items)
        if isinstance(condition, All) != negated:  # a conjunction: a product
            total = 1
            for count in counts:
                total = min(total * count, MAX_CONJUNCTIONS + 1)
            return total
        return min(sum(counts), MAX_CONJUNCTIONS + 1)
    return 1


class TooComplex(ValueError):
    """A condition has more alternatives than the engine takes."""


def dnf(condition: Condition, negated: bool = False) -> list[list[Literal]]:
    """The condition as an OR of ANDs of (leaf, negated) literals, ``not`` pushed to leaves.

    The size is checked before anything is expanded: a condition with more than
    :data:`MAX_CONJUNCTIONS` alternatives raises TooComplex at once.
    """
    if alternatives(condition, negated) > MAX_CONJUNCTIONS:
        raise TooComplex(f"its condition is too complex (more than {MAX_CONJUNCTIONS} "
                         "alternatives once 'any' and 'not' are multiplied out); split the "
                         "rule")
    return _expand(condition, negated)


def _expand(condition: Condition, negated: bool) -> list[list[Literal]]:
    if isinstance(condition, Not):
        return _expand(condition.item, not negated)
    if isinstance(condition, (All, AnyOf)):
        if isinstance(condition, All) != negated:  # a conjunction: cross product
            if any(alternatives(item, negated) == 0 for item in condition.items):
                return []  # can never hold: expand nothing else
            result: list[list[Literal]] = [[]]
            for item in condition.items:
                part = _expand(item, negated)
                result = [left + right for left in result for right in part]
            return result
        return [conjunction for item in condition.items for conjunction in _expand(item, negated)]
    return [[(condition, negated)]]


def _split(conjunction: list[Literal]) -> tuple[list[Any], list[Literal]]:
    """Finding patterns and answer literals of one conjunction."""
    findings: list[Any] = []
    answers: list[Literal] = []
    for leaf, negated in conjunction:
        if isinstance(leaf, HasFinding):
            finding = Finding(name=leaf.name)
            findings.append(NOT(finding) if negated else finding)
        else:
            answers.append((leaf, negated))
    return findings, answers


Values = tuple[Any, ...]  # every answer, in questionnaire order (None = not answered)
Position = Mapping[str, int]  # question id -> its place in Values


def _literal_check(literal: Literal, position: Position) -> Callable[[Values], bool]:
    """An answer literal (a comparison or ``unanswered``, maybe negated) as a test on the
    answer values: :func:`triage.conditions.test`, specialised once when compiling."""
    leaf, negated = literal
    if isinstance(leaf, Unscreened):
        return _unscreened_check(leaf, position, negated)
    assert isinstance(leaf, (Compare, Unanswered))
    index = position[leaf.question]
    if isinstance(leaf, Unanswered):
        return lambda values: (values[index] is None) != negated
    if leaf.op == "is" and not leaf.multi:
        wanted = leaf.value
        return lambda values: (values[index] is not None
                               and bool(values[index] == wanted)) != negated
    compare = leaf
    return lambda values: test(compare, values[index]) != negated


class _ValuesView:
    """The answer values read by question id, for the few conditions that need a mapping."""

    __slots__ = ("values", "position")

    def __init__(self, values: Values, position: Position) -> None:
        self.values, self.position = values, position

    def get(self, qid: str, default: Any = None) -> Any:
        index = self.position.get(qid)
        value = None if index is None else self.values[index]
        return default if value is None else value


def _unscreened_check(leaf: Unscreened, position: Position,
                      negated: bool) -> Callable[[Values], bool]:
    """``unscreened: true``: a question that must be answered was left blank."""
    watched = tuple((position[q.id], q) for q in leaf.questions)

    def holds(values: Values) -> bool:
        view = _ValuesView(values, position)
        return any(values[index] is None and question.needed(view)  # type: ignore[arg-type]
                   for index, question in watched) != negated
    return holds


def _answers_test(alternatives: list[list[Literal]], position: Position) -> Any:
    """A rule's answer tests (alternatives sharing the same findings) as one test on the
    whole answer set.

    One alpha node and one activation per rule, instead of a chain of per-answer nodes
    (and one activation per alternative for wide ``any`` lists): fewer tokens copied.
    """
    checks = tuple(tuple(_literal_check(literal, position) for literal in alternative)
                   for alternative in alternatives)

    def holds(values: Values) -> bool:
        for alternative in checks:
            for check in alternative:
                if not check(values):
                    break
            else:
                return True
        return False
    holds.answers_test = True  # type: ignore[attr-defined]  # the fast path knows it
    return Answers(all_answers=P(holds))


def compile_condition(condition: Condition, position: Position) -> Any:
    """Compile a condition into experta conditional elements (None if it can never hold)."""
    groups: dict[tuple[str, ...], tuple[list[Any], list[list[Literal]]]] = {}
    for conjunction in dnf(condition):
        findings, answers = _split(conjunction)
        key = tuple(sorted(repr(f) for f in findings))
        groups.setdefault(key, (findings, []))[1].append(answers)
    alternatives = []
    for findings, answer_sets in groups.values():
        answers = _answers_test(answer_sets, position) if any(answer_sets) else Answers()
        alternatives.append(AND(answers, *findings))
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else OR(*alternatives)


class _SalienceStrategy(experta.strategies.DepthStrategy):  # type: ignore[misc]
    """experta's depth strategy without its unbounded-hash ``lru_cache`` on activations.

    Same ordering (salience, then most recent facts); the cached version spent most
    of the engine's time hashing and comparing activations.
    """

    def get_key(self, activation: Any) -> tuple[int, list[int]]:
        facts = sorted((fact["__factid__"] for fact in activation.facts), reverse=True)
        return (activation.rule.salience, facts)


class _TrackedConflictSetNode(ConflictSetNode):  # type: ignore[misc]
    """experta's conflict-set node (one per rule), noting when it has news."""

    changed: list[int]
    position: int

    def _activate(self, token: Any) -> None:
        super()._activate(token)
        self.changed.append(self.position)


EXPERTA_VERSION = "1.9.4"  # the experta whose network the fast path was written for


class _FastToken(Token):  # type: ignore[misc]
    """experta's token without the checks its constructor makes on every token.

    Every node copies the token it receives, and the stock constructor asserts, on each
    copy, the tag's type and that every item of the data is a Fact. The tokens made here
    come from facts the engine declared itself (or from copies and joins of them), so
    those checks cannot fail: the fields are the same (the tag, a fresh set of facts, the
    context mapping), only the checks are gone.
    """

    def __new__(cls, tag: Any, data: Any, context: Any = None) -> _FastToken:
        facts = {data} if isinstance(data, Fact) else set(data)
        return tuple.__new__(cls, (tag, facts, {} if context is None else context))

    def copy(self) -> _FastToken:
        return tuple.__new__(_FastToken, (self[0], self[1].copy(), self[2].copy()))


class _FastJoinNode(OrdinaryMatchNode):  # type: ignore[misc]
    """experta's two-input join node, making the tokens it joins as :class:`_FastToken`.

    The same memories, the same test (the node's own matcher), the same joined facts and
    context, sent to the same children in the same order as
    ``OrdinaryMatchNode._OrdinaryMatchNode__activation`` in experta 1.9.4.
    """

    def _activate_left(self, token: Any) -> None:
        self._join(token, self.left_memory, self.right_memory, is_left=True)

    def _activate_right(self, token: Any) -> None:
        self._join(token, self.right_memory, self.left_memory, is_left=False)

    touched: list[Any]  # the matcher's list of nodes whose memory is not empty

    def _join(self, token: Any, memory: list[Any], others: list[Any], is_left: bool) -> None:
        context = token.context
        info = tuple.__new__(TokenInfo, (frozenset(token.data), frozenset(context.items())))
        if token.tag is _VALID:
            if not memory:
                self.touched.append(self)
            memory.append(info)
        elif info in memory:
            memory.remove(info)
        for other_data, other_pairs in others:
            other = dict(other_pairs)
            if not (self.matcher(context, other) if is_left else self.matcher(other, context)):
                continue
            joined = {key: value for key, value in context.items() if isinstance(key, str)}
            for key, value in other.items():
                if not isinstance(key, tuple):  # negated bindings are not passed on
                    joined[key] = value
            new = tuple.__new__(_FastToken, (token.tag, token.data | other_data, joined))
            for child in self.children:
                child.callback(new)


class _FastCaptureNode(FeatureTesterNode):  # type: ignore[misc]
    """experta's alpha node for a ``FactCapture`` (binding the matched fact to the
    pattern's name), without the generic matcher call: the same checks on the token's
    context, the same binding, the same token sent to the same children."""

    def _activate(self, token: Any) -> None:
        (fact,) = token.data  # an alpha token holds exactly one fact
        key = self.matcher.bind
        context = token.context
        if context.get(key, fact) != fact:
            return
        if (False, key) in context and context[(False, key)] == fact:
            return
        context[key] = fact
        for child in self.children:
            child.callback(token)


def _direct_callbacks(nodes: tuple[Any, ...]) -> dict[Any, Any]:
    """Rewire each parent to call a fast join or conflict-set node straight at its own
    activation routine, without the copy of the token (and the debug log call) that
    experta's ``activate``, ``activate_left`` and ``activate_right`` make first.

    The copy keeps a node from changing the token its parent (and the parent's next
    children) still holds. :class:`_FastJoinNode` and :class:`_FastConflictSetNode`
    change no token they receive (and keep none: their memories hold frozen copies), so
    the copy is never read: the same routine reached with an equal token. The other nodes
    (the capture nodes, which bind into the token's context, and experta's ``NotNode``)
    keep their copying callbacks. Returns old callback -> new one (the routes use it)."""
    routines = {(_FastJoinNode, TwoInputNode.activate_left): "_activate_left",
                (_FastJoinNode, TwoInputNode.activate_right): "_activate_right",
                (_FastConflictSetNode, OneInputNode.activate): "_activate"}
    direct: dict[Any, Any] = {}
    for node in nodes:
        for index, child in enumerate(node.children):
            name = routines.get((type(child.node), getattr(child.callback, "__func__", None)))
            if name is not None and child.callback.__self__ is child.node:
                callback = getattr(child.node, name)
                direct[child.callback] = callback
                node.children[index] = ChildNode(child.node, callback)
    return direct


Capture = tuple[str, tuple[Any, ...]]  # a fact capture: its name, its children's callbacks


def _capture(node: Any) -> Capture | None:
    """A ``FactCapture`` alpha node as (the name it binds, its children's callbacks)."""
    if type(node) is FeatureTesterNode and type(node.matcher) is FactCapture:
        return node.matcher.bind, tuple(child.callback for child in node.children)
    return None


def _feed(fact: Any, key: str, callbacks: tuple[Any, ...]) -> None:
    """What a capture node sends on for a new fact that passed the tests above it: a
    valid token of the fact alone, bound to the capture's name (the token arriving there
    has an empty context, so none of the capture's checks can fail)."""
    token = tuple.__new__(_FastToken, (_VALID, {fact}, {key: fact}))
    for callback in callbacks:
        callback(token)


def _is_answers_test(tester: Any) -> bool:
    """Is this alpha node one of ours: ``Answers(all_answers=P(holds))``, nothing bound?"""
    check = getattr(tester, "matcher", None)
    return (type(tester) is FeatureTesterNode and isinstance(check, FeatureCheck)
            and check.what == "all_answers" and type(check.how) is P
            and check.how.__bind__ is None
            and getattr(check.how.match, "answers_test", False)
            and getattr(check.check, "__name__", "") == "match_predicate")


class _FastConflictSetNode(_TrackedConflictSetNode):
    touched: list[Any]  # the matcher's list of nodes whose memory is not empty

    """experta's conflict-set node making a new activation with less copying.

    For a valid token: the same token info remembered, the same activation (rule, facts,
    the context's named bindings) added unless it cancels a removal, as
    ``ConflictSetNode._activate`` in experta 1.9.4; the removal set is looked in only when
    it is not empty. An invalid token takes the stock path.
    """

    def _activate(self, token: Any) -> None:
        if token.tag is not _VALID:
            super()._activate(token)
            return
        context = token.context
        data = frozenset(token.data)
        info = tuple.__new__(TokenInfo, (data, frozenset(context.items())))
        if info not in self.memory:
            if not self.memory:
                self.touched.append(self)
            self.memory.add(info)
            activation = _activation(self.rule, data, context, info.context)
            if self.removed and activation in self.removed:
                self.removed.remove(activation)
            else:
                self.added.add(activation)
        self.changed.append(self.position)


_VALID = Token.TagType.VALID


class _FastActivation(Activation):  # type: ignore[misc]
    """experta's activation with its hash kept: the value ``Activation.__hash__`` gives
    (the rule, the facts and the named bindings, each frozen), computed once when it is
    made from frozen sets the conflict-set node has at hand, instead of freezing the
    facts and the bindings again (hashing every fact in Python) each time it is hashed.
    Its facts, bindings and rule are not changed after it is made."""

    def __hash__(self) -> int:
        return self._hash  # type: ignore[no-any-return]


def _activation(rule: Any, data: frozenset[Any], context: dict[Any, Any],
                pairs: frozenset[Any]) -> _FastActivation:
    """``Activation(rule, data, named)`` with ``named`` the context's bindings with a name
    (``pairs``: ``frozenset(context.items())``, reused when every binding has one): the
    same rule, facts (a set of them), key (None) and bindings as experta's constructor
    sets."""
    named = {key: value for key, value in context.items() if isinstance(key, str)}
    activation: _FastActivation = Activation.__new__(_FastActivation)
    activation.rule = rule
    activation.facts = set(data)
    activation.key = None
    activation.context = named
    activation._hash = hash((rule, data, pairs if len(named) == len(context)
                             else frozenset(named.items())))
    return activation


def _exact_dispatch(default: Callable[..., Any]) -> Any:
    """``functools.singledispatch`` for experta's ``wire_rule``, which makes a new one for
    every rule (with 8 types) and so pays for working out each argument type's place
    again, rule after rule (about a third of the time to build the network).

    The types registered there are plain classes (no abstract base class is registered,
    none inherits from two of them with different functions), so the first registered
    class on the argument's ``__mro__`` is the function ``singledispatch`` would pick:
    the same nodes, wired in the same order.
    """
    registry: dict[type, Callable[..., Any]] = {object: default}

    def dispatch(*args: Any, **kwargs: Any) -> Any:
        for base in type(args[0]).__mro__:
            chosen = registry.get(base)
            if chosen is not None:
                return chosen(*args, **kwargs)
        return default(*args, **kwargs)  # pragma: no cover (object is on every __mro__)

    def register(cls: type, function: Callable[..., Any] | None = None) -> Any:
        if function is None:
            return lambda function: register(cls, function)
        registry[cls] = function
        return function

    dispatch.register = register  # type: ignore[attr-defined]
    return dispatch


if experta.__version__ == EXPERTA_VERSION:  # the wire_rule this was written for
    _rete_utils.singledispatch = _exact_dispatch


class _Matcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete matcher, with shortcuts that leave the network as it is.

    * The answers fact's tests are run once each, in one loop, and a finding goes straight
      to the tests of its name: the fact goes on, as the capture node under a test that
      holds would send it, to that node's children (the stock network offers each fact to
      every test, copying the token at each node on the way). Same nodes reached with the
      same tokens: same activations.
    * Tokens are built without experta's per-token checks (:class:`_FastToken`, also in
      the join nodes, :class:`_FastJoinNode`).
    * Activations are collected only from the conflict-set nodes that were activated
      (the stock matcher asks all of them, one per rule, after every firing), in the
      same order.
    * A reset wipes each node that has a memory, once (not once per path to it), and on
      the fast path only those whose memory is not empty.

    The shortcuts are taken only on the network shape they were written for (experta
    1.9.4, the rules compiled by this module); on any other, ``fast`` is False and every
    fact goes through experta's stock path.
    """

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        nodes = self._all_nodes()
        self._memories = tuple(node for node in nodes if type(node)._reset is not NoMemory._reset)
        self._changed: list[int] = []
        self._conflict_sets = self._get_conflict_set_nodes()
        for position, node in enumerate(self._conflict_sets):
            node.__class__ = _TrackedConflictSetNode
            node.changed, node.position = self._changed, position
        routes = self._direct_routes() if getattr(engine, "fast_path", True) else None
        if routes is not None and experta.__version__ != EXPERTA_VERSION:
            routes = None
        self._routes = routes
        self.fast = routes is not None
        self._touched: list[Any] = []
        if self.fast:
            for node in nodes:
                if type(node) is OrdinaryMatchNode:
                    node.__class__ = _FastJoinNode
                elif type(node) is FeatureTesterNode and type(node.matcher) is FactCapture:
                    node.__class__ = _FastCaptureNode
            for node in self._conflict_sets:
                node.__class__ = _FastConflictSetNode
            for node in nodes:
                node.touched = self._touched
            direct = _direct_callbacks(nodes)
            assert routes is not None
            answers_tests, by_name = routes
            self._routes = (
                tuple((holds, tuple((key, tuple(direct.get(c, c) for c in callbacks))
                                    for key, callbacks in captures))
                      for holds, captures in answers_tests),
                {name: [(key, tuple(direct.get(c, c) for c in callbacks))
                        for key, callbacks in captures] for name, captures in by_name.items()})
            # the fast nodes say when their memory stops being empty; the others are reset
            self._memories = tuple(node for node in self._memories if type(node)
                                   not in (_FastJoinNode, _FastConflictSetNode))

    @staticmethod
    def prepare_ruleset(engine: Any) -> set[Any]:
        """experta's ``prepare_ruleset`` (each rule in disjunctive normal form, as the
        network builder wants it), without its rewriting passes for the rules compiled
        here: those are in that form already, so the prepared rule is written down
        directly (:func:`_prepared`); a rule of any other shape, another experta, or
        ``fast=False`` take the stock passes. Half of compiling a rule set at start-up."""
        stock = ReteMatcher.prepare_ruleset
        if not getattr(engine, "fast_path", True) or experta.__version__ != EXPERTA_VERSION:
            return stock(engine)  # type: ignore[no-any-return]
        prepared = set()
        for rule in engine.get_rules():
            done = _prepared(rule)
            prepared.add(done if done is not None else _rete_utils.prepare_rule(rule))
        return prepared

    def _direct_routes(self) -> tuple[tuple[tuple[Any, tuple[Capture, ...]], ...],
                                      dict[str, list[Capture]]] | None:
        """(for each test of the answers fact: its predicate and the fact captures it
        feeds; finding name -> the fact captures under the tests of that name), or None
        (the stock path) if the network has another shape."""
        by_type: dict[type, list[Any]] = {}
        for child in self.root_node.children:
            check = getattr(child.node, "matcher", None)
            if (type(child.node) is not FeatureTesterNode or not isinstance(check, TypeCheck)
                    or check.fact_type in by_type):
                return None
            by_type[check.fact_type] = list(child.node.children)
        answers_tests = []
        for tester in by_type.get(Answers, []):
            node = tester.node
            if _is_answers_test(node):
                captures = [_capture(child.node) for child in node.children]
            else:  # ``Answers()``: a capture, no test
                captures, node = [_capture(node)], None
            if None in captures:
                return None
            answers_tests.append((node and node.matcher.how.match,
                                  tuple(c for c in captures if c is not None)))
        by_name: dict[str, list[Capture]] = {}
        for tester in by_type.get(Finding, []):
            check = getattr(tester.node, "matcher", None)
            if not (type(tester.node) is FeatureTesterNode and isinstance(check, FeatureCheck)
                    and check.what == "name" and type(check.how) is L
                    and isinstance(check.how.value, str) and check.how.__bind__ is None
                    and getattr(check.check, "__name__", "") == "equal_literal"):
                return None
            for child in tester.node.children:
                capture = _capture(child.node)
                if capture is None:
                    return None
                by_name.setdefault(check.how.value, []).append(capture)
        return tuple(answers_tests), by_name

    def _all_nodes(self) -> tuple[Any, ...]:
        """Every node of the network once (shared nodes are reached by several paths)."""
        seen: dict[int, Any] = {}
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen[id(node)] = node
                stack.extend(child.node for child in node.children)
        return tuple(seen.values())

    def reset(self) -> None:
        """Wipe every node's memory, each node once; drop news left by an aborted run."""
        for node in self._memories:
            node._reset()
        for node in self._touched:
            node._reset()
        self._touched.clear()
        for position in set(self._changed):  # only these can have news
            self._conflict_sets[position].get_activations()
        self._changed.clear()

    def _add(self, fact: Any) -> None:
        if self._routes is None:
            self.root_node.add(fact)
            return
        answers_tests, by_name = self._routes
        kind = type(fact)
        if kind is Answers:
            values = fact["all_answers"]
            for holds, captures in answers_tests:
                if holds is None or holds(values):
                    for key, callbacks in captures:
                        _feed(fact, key, callbacks)
        elif kind is Finding:
            for key, callbacks in by_name.get(fact["name"], ()):
                _feed(fact, key, callbacks)
        else:  # the initial fact: nothing tests it in the rules compiled here
            self.root_node.add(fact)

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self._add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        if self._changed:
            for position in sorted(set(self._changed)):
                new, gone = self._conflict_sets[position].get_activations()
                added.extend(new)
                removed.extend(gone)
            self._changed.clear()
        return added, removed


def _conjunction(condition: Any) -> bool:
    """An ``AND`` as :func:`compile_condition` makes it: the answers fact, then findings
    and negated findings, none of them holding a field-constraint ``|``."""
    return (type(condition) is AND and len(condition) > 0 and type(condition[0]) is Answers
            and all(type(item) is Finding or (type(item) is NOT and len(item) == 1
                                              and type(item[0]) is Finding)
                    for item in condition[1:])
            and not any(isinstance(value, ORFC) for item in condition
                        for fact in (item if type(item) is NOT else (item,))
                        for value in fact.values()))


def _prepared(rule: Any) -> Any:
    """What experta's ``prepare_rule`` makes of a rule compiled here, or None for any other
    shape. Its passes flatten the one ``AND`` into the rule (``AND(a, b)`` becomes the
    rule ``(a, b)``), keep an ``OR`` of such ``AND``s with each one-item ``AND`` reduced to
    its item, and copy every fact (equal, unchanged); none of its other rewrites (double
    negation, De Morgan, distribution, a leading ``NOT``) applies to these shapes."""
    if len(rule) != 1:
        return None
    condition = rule[0]
    if _conjunction(condition):
        return rule.new_conditions(*condition)
    if (type(condition) is OR and len(condition) > 1
            and all(_conjunction(item) for item in condition)):
        return rule.new_conditions(OR(*(item[0] if len(item) == 1 else item
                                        for item in condition)))
    return None


def _new_finding(name: str) -> Any:
    """``Finding(name=name)`` as experta's ``Fact.__init__`` leaves it: one field, ``name``
    (a string, which ``experta.utils.freeze`` returns as it is), stored in the dict, and
    an empty ``_Fact__defaults``; without its generic path (``update``, ``__setitem__``
    checking the fact is not declared yet, ``freeze``'s dispatch) for each field."""
    fact = dict.__new__(Finding)
    dict.__setitem__(fact, "name", name)
    fact._Fact__defaults = {}
    return fact


@functools.lru_cache(maxsize=1024)
def _finding_id(name: str) -> frozenset[Any]:
    """The fact id ``FactList.declare`` gives ``Finding(name=name)`` (its class and its
    fields, as ``FactList._get_fact_id`` computes it), once per finding name."""
    return FactList._get_fact_id(Finding(name=name))  # type: ignore[no-any-return]


class _Recorder(experta.KnowledgeEngine):  # type: ignore[misc]
    """An experta engine whose rule actions record which rules fired."""

    __matcher__ = _Matcher
    __strategy__ = _SalienceStrategy

    def __init__(self) -> None:
        super().__init__()
        self.fired: set[int] = set()

    def reset(self, facts: tuple[Any, ...] = ()) -> None:
        """experta's reset, minus what it redoes on every call for nothing.

        The stock reset finds the ``DefFacts`` by ``inspect.getmembers`` on the engine
        and calls ``inspect.signature`` on each, every time. Here the facts are given:
        the same facts in the same order (``InitialFact`` first), one agenda update.
        """
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        self._KnowledgeEngine__declare(InitialFact(), *facts)
        self.running = False

    def declare_finding(self, name: str) -> None:
        """``declare(Finding(name=name))`` from a rule's action. On the fast path, while
        running, this is what experta's ``declare`` does then, without its checks that a
        fact holds no pattern and no ``__`` key (a finding made here never does): the fact
        goes on the fact list (``FactList.declare``), and the agenda is updated by the run
        loop. A finding already on the list is one ``FactList.declare`` would drop (its
        fact id, the same frozenset that method computes, is counted there), so it is not
        built at all; a new one is built by :func:`_new_finding` and listed as that method
        lists it."""
        if self.running and self.matcher.fast and not self.facts.duplication:
            facts = self.facts
            fact_id = _finding_id(name)
            if fact_id in facts.reference_counter:
                return
            # ``FactList.declare`` for a new finding (it has no field to validate): the
            # next index as its fact id, on the list, among the added, counted
            fact = _new_finding(name)
            index = facts.last_index
            fact.__factid__ = index
            facts[index] = fact
            facts.last_index = index + 1
            facts.added.append(fact)
            facts.reference_counter[fact_id] += 1
            watchers.FACTS.info(" ==> %s: %r", fact, fact)
        else:
            self.declare(Finding(name=name))

    def run(self, steps: Any = None) -> None:
        """experta's run loop without its log line per firing, firing a salience
        stratum's activations together on the fast path.

        The stock loop builds the text of every fired rule's facts (the whole answer
        set) for a log record that is then dropped. The activations come from experta's
        agenda, in its order. On the fast path, the activations at the top of the agenda
        that share its salience are fired one after another before the agenda is
        updated: rules only add findings, and a rule testing ``not`` a finding has a
        lower salience than every rule asserting it (stratified negation), so nothing
        fired in a stratum can remove an activation of the same stratum; activations it
        adds there fire in the next round, before any lower stratum. Same rules fired.
        A rule given no arguments (its bindings are all experta's own ``__`` names) and
        bound to no instance is fired, on the fast path, as ``Rule.__call__`` fires it
        then: its action called with the engine alone.
        """
        self.running = True
        together = self.matcher.fast
        while self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            activation = self.agenda.get_next()
            if activation is None:
                break
            batch = [activation]
            if together:
                pending = self.agenda.activations
                salience = activation.rule.salience
                while pending and pending[-1].rule.salience == salience:
                    batch.append(pending.pop())
            for activation in batch:
                rule = activation.rule
                arguments = {key: value for key, value in activation.context.items()
                             if not key.startswith("__")}
                if together and not arguments and rule._wrapped_self is None:
                    rule._wrapped(self)  # what ``Rule.__call__`` does for no arguments
                else:
                    rule(self, **arguments)
        self.running = False


class _Rule(experta.Rule):  # type: ignore[misc]
    """experta's rule, remembering its hash.

    The stock hash hashes the whole condition (every pattern of every alternative) each
    time an activation of the rule is hashed. Here it is computed as the stock one is
    and kept while what it covers stays the same (the condition is a tuple; the action,
    the engine it is bound to and the salience are checked on every call).
    """

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash_of")
        if (cached is not None and cached[0] is self._wrapped
                and cached[1] is self._wrapped_self and cached[2] == self.salience):
            return cached[3]  # type: ignore[no-any-return]
        value: int = super().__hash__()
        self.__dict__["_hash_of"] = (self._wrapped, self._wrapped_self, self.salience, value)
        return value

    def acting(self, action: Any, arguments: set[str]) -> _Rule:
        """``rule(action)``, experta's decorator, for an action whose parameters (read
        once by the caller with ``inspect.signature``, as the decorator reads them for
        every rule) are ``arguments``: the same action, arguments and wrapper."""
        self._wrapped = action
        self._wrapped_args = arguments
        functools.update_wrapper(self, action)
        return self

    def new_conditions(self, *args: Any) -> _Rule:
        """The rule with other conditions (experta splits each ``OR`` into rules this way):
        the same action, salience and action arguments as the stock method gives, without
        reading the action's signature again (``inspect.signature``: a third of the
        compile time)."""
        rule = self.__class__(*args, salience=self.salience)
        if self._wrapped:
            rule._wrapped = self._wrapped
            rule._wrapped_args = self._wrapped_args
            functools.update_wrapper(rule, self._wrapped)
        return rule


def _make_action(index: int, findings: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def action(self: _Recorder) -> None:
        self.fired.add(index)
        for name in findings:
            self.declare_finding(name)
    return action


# the parameters of every rule action (no ``**kwargs``), as experta's decorator reads them
_ACTION_ARGUMENTS = set(inspect.signature(_make_action(0, ())).parameters)


class Engine:
    """A compiled rule set. ``evaluate`` may be called many times, from any thread.

    One experta engine is reset per answer set, so runs are serialised by a lock;
    use processes, not threads, for parallel batches. ``fast=False`` keeps every fact on
    experta's stock matching path (``fast`` says which path the engine took: the fast one
    is taken only where experta's network has the shape it was written for).
    """

    def __init__(self, ruleset: Ruleset, *, fast: bool = True) -> None:
        self.ruleset = ruleset
        self.rules = ruleset.active_rules
        level = strata(self.rules)
        self._questions = tuple(q.id for q in ruleset.questions)
        position = {qid: index for index, qid in enumerate(self._questions)}
        members: dict[str, Any] = {}
        problems = []
        for index, rule in enumerate(self.rules):
            try:
                pattern = compile_condition(rule.when, position)
            except TooComplex as exc:
                problems.append(Problem(rule.place, f"rule {rule.id}: {exc}"))
                continue
            if pattern is None:  # an empty ``any`` under ``not``: can never hold
                continue
            action = _make_action(index, rule.then.findings)
            members[f"rule_{index}"] = _Rule(pattern, salience=-level[rule.id]).acting(
                action, _ACTION_ARGUMENTS)
        if problems:
            raise RulesetError(problems)
        members["fast_path"] = fast
        self._engine = type("CompiledRules", (_Recorder,), members)()
        self.fast: bool = self._engine.matcher.fast
        self._lock = threading.Lock()

    def _facts(self, answers: Mapping[str, Any]) -> tuple[Any, ...]:
        values = tuple(_hashable(answers.get(qid)) for qid in self._questions)
        return (Answers(all_answers=values),)

    def run(self, answers: Mapping[str, Any]) -> Firing:
        """Run the rules on typed answers: the rules that fired (in file order) and the
        findings."""
        engine = self._engine
        with self._lock:
            engine.fired = set()
            engine.reset(self._facts(answers))
            engine.run()
            findings = {fact["name"] for fact in engine.facts.values()
                        if isinstance(fact, Finding)}
            fired = sorted(engine.fired)
        return Firing(tuple(self.rules[index] for index in fired), frozenset(findings))

    def evaluate(self, answers: Mapping[str, Any], locale: str | None = None) -> Result:
        """The engine's own result for typed, validated answers (``None`` or absent = not
        answered): ``not_answered`` names every applicable question left blank. What
        ``triage run`` prints names only those still relevant: see
        :func:`triage.pipeline.triage_answers`.

        Unanswered danger signs are found here, from the answers themselves, so no caller
        can lose one by forgetting to pass it on.
        """
        return assemble(self.ruleset, self.run(answers), answers, locale,
                        applicable_unanswered(self.ruleset, answers))


def _hashable(value: Any) -> Any:
    """A list answer as a tuple (its typed form), so the answers fact can be hashed."""
    return tuple(value) if isinstance(value, list) else value
