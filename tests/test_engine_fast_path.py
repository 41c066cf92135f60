"""The engine's fast path changes no result, is taken on the shipped rules, and falls back
to experta's stock path whenever the network is not the shape it was written for."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ROOT, RULES

import triage
from triage.clinician.sampling import random_answers
from triage.engine import Engine, network
from triage.engine.network import AND, NOT, OR, Fact, ReteMatcher
from triage.engine.network import experta as _experta

SETS = 300


def answer_sets(ruleset: triage.Ruleset) -> Iterator[dict[str, Any]]:
    """Seeded complete answer sets, every other one with 1 to 12 answers left out."""
    rng = random.Random(29)
    for index, answers in enumerate(itertools.islice(random_answers(ruleset, seed=29), SETS)):
        if index % 2:
            for qid in rng.sample(sorted(answers), rng.randint(1, 12)):
                del answers[qid]
        yield answers


def firings(engine: Engine) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    return [(tuple(rule.id for rule in firing.rules), firing.findings)
            for firing in map(engine.run, answer_sets(engine.ruleset))]


@pytest.fixture(scope="module")
def stock() -> list[tuple[tuple[str, ...], frozenset[str]]]:
    """What experta's stock matching path fires on the seeded sets."""
    engine = Engine(triage.load_ruleset(RULES), fast=False)
    assert not engine.fast
    return firings(engine)


def test_the_shipped_rules_take_the_fast_path(shipped):
    """The network experta builds for the shipped rules has the shape the fast path knows."""
    assert shipped.fast, (
        "experta's Rete network no longer has the shape triage.engine.network's fast path "
        "was written for (experta " + network.EXPERTA_VERSION + "): the engine fell back to "
        "experta's stock path, which is correct but slow. Check the installed experta "
        "against the pin and see _Matcher._direct_routes.")


def test_experta_stays_pinned_to_the_version_the_fast_path_knows():
    """pyproject pins exactly the experta the fast path was written for."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"experta==' + re.escape(network.EXPERTA_VERSION) + '"', pyproject)


def test_the_fast_path_fires_what_the_stock_path_fires(shipped, stock):
    """Same rules fired, same findings, on every seeded set."""
    assert firings(shipped) == stock


def test_another_experta_version_falls_back_to_the_stock_path(monkeypatch, stock):
    """An experta of another version is never trusted with the shortcuts."""
    monkeypatch.setattr(network, "EXPERTA_VERSION", "0.0.0")
    engine = Engine(triage.load_ruleset(RULES))
    assert not engine.fast
    assert firings(engine) == stock


def test_an_unknown_network_shape_falls_back_to_the_stock_path(monkeypatch, stock):
    """An alpha node the fast path does not recognise switches it off, with the same results."""
    monkeypatch.setattr(network, "_is_answers_test", lambda node: False)
    engine = Engine(triage.load_ruleset(RULES))
    assert not engine.fast
    assert firings(engine) == stock


def test_the_stock_path_gives_the_same_results_as_the_fast_one(shipped):
    """evaluate() on both paths gives equal results, partial answer sets included."""
    slow = Engine(shipped.ruleset, fast=False)
    for answers in itertools.islice(answer_sets(shipped.ruleset), 60):
        assert slow.evaluate(answers) == shipped.evaluate(answers)


def _shape(item: Any) -> Any:
    """A prepared rule or part of it as plain data, types included (experta's ``AND``,
    ``OR`` and rules are tuples, and tuples of other types compare equal)."""
    if isinstance(item, Fact):
        return type(item).__name__, tuple(sorted((key, repr(value)) for key, value in item.items()))
    if isinstance(item, tuple):
        parts = (type(item).__name__, tuple(_shape(part) for part in item))
        if isinstance(item, _experta.Rule):
            parts += (item.salience, item._wrapped, tuple(sorted(item._wrapped_args)),
                      item.__name__)
        return parts
    return repr(item)


def _prepared_shapes(rules: Any) -> list[Any]:
    return sorted(map(_shape, rules), key=repr)


def test_rules_are_prepared_as_experta_prepares_them():
    """The network is built from the same prepared rules (same conditions, actions and
    saliences) with the shortcut as with experta's own rewriting passes, and the shortcut
    is taken for every rule compiled here."""
    engine = Engine(triage.load_ruleset(RULES))._engine
    assert (_prepared_shapes(network._Matcher.prepare_ruleset(engine))
            == _prepared_shapes(ReteMatcher.prepare_ruleset(engine)))
    assert all(network._prepared(rule) is not None for rule in engine.get_rules())


def test_a_rule_of_another_shape_is_prepared_by_experta():
    """A condition the shortcut was not written for (an ``OR`` inside an ``AND``, a
    leading ``NOT``) is left to experta's passes."""
    answers = network.Answers()
    finding = network.Finding(name="x")
    for condition in (AND(answers, OR(finding, network.Finding(name="y"))), NOT(finding),
                      AND(NOT(finding), answers)):
        assert network._prepared(_experta.Rule(condition)) is None


def _facts(engine: Engine, answers: dict[str, Any]) -> list[Any]:
    """The fact list after a run: each fact's type, fields and attributes, and the
    list's counters (fact ids in order of declaration, so compared without them)."""
    engine.run(answers)
    facts = engine._engine.facts
    assert list(facts) == list(range(facts.last_index))
    assert [fact["__factid__"] for fact in facts.values()] == list(facts)
    assert all(vars(fact).get("_hash", hash(fact)) == hash(frozenset(fact.items()))
               for fact in facts.values())  # a kept hash is the one of the declared fact
    return sorted((type(fact).__name__, repr(sorted((k, v) for k, v in fact.items()
                                                    if k != "__factid__")),
                   repr(sorted((k, v) for k, v in vars(fact).items() if k != "_hash")))
                  for fact in facts.values()) + [sorted(facts.reference_counter.values()),
                                                 len(facts.added), facts.removed]


def test_the_fast_path_declares_findings_as_experta_declares_them(shipped):
    """The same facts on the list, with the same fields, attributes and counts, as
    experta's own ``declare`` leaves there."""
    slow = Engine(shipped.ruleset, fast=False)
    for answers in itertools.islice(answer_sets(shipped.ruleset), 60):
        assert _facts(shipped, answers) == _facts(slow, answers)
    built = network._new_finding("x")
    stock = network.Finding(name="x")
    assert (type(built), dict(built), vars(built)) == (type(stock), dict(stock), vars(stock))
    assert network._finding_id("x") == network.FactList._get_fact_id(stock)


def test_fast_activations_hash_and_compare_as_experta_activations(shipped):
    """An activation made by the fast conflict-set node equals, and hashes as, the one
    experta's constructor makes from the same rule, facts and bindings."""
    rule = shipped._engine.get_rules()[0]
    facts = frozenset({network.Finding(name="x"), network.Finding(name="y")})
    for context in ({"__a__": 1}, {"__a__": 1, (False, "__b__"): 2}, {}):
        made = network._activation(rule, facts, context, frozenset(context.items()))
        stock = network.Activation(rule, facts, {k: v for k, v in context.items()
                                                 if isinstance(k, str)})
        assert made == stock and hash(made) == hash(stock)
        assert vars(made) == {**vars(stock), "_hash": hash(stock)}
