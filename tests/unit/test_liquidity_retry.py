"""Planned once more if something moved: the one rule both liquidity creations (one book, every book) place with."""

import pytest

from core.errors import Conflict, InsufficientFunds, ValidationError
from core.liquidity_service import PLAN_CHANGED, PlanChanged, _planned_again_if_moved


def attempts(*outcomes: Exception | str):
    """A plan-and-place that meets ``outcomes`` in turn (an exception raised, a value returned), and the calls made."""
    calls: list[int] = []

    def plan_and_place() -> str:
        calls.append(len(calls) + 1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return plan_and_place, calls


@pytest.mark.parametrize("moved", [InsufficientFunds("a balance moved"), Conflict("the same key, meanwhile")])
def test_a_placing_refused_because_something_moved_is_planned_once_more(moved):
    plan_and_place, calls = attempts(moved, "placed")

    placed = _planned_again_if_moved(plan_and_place)

    assert (placed, calls) == ("placed", [1, 2])


def test_a_second_move_is_the_callers_to_see():
    plan_and_place, calls = attempts(InsufficientFunds("moved"), Conflict("moved again"), "never reached")

    with pytest.raises(Conflict, match="moved again"):
        _planned_again_if_moved(plan_and_place)
    assert calls == [1, 2]


@pytest.mark.parametrize("refusal", [PlanChanged(PLAN_CHANGED), ValidationError("Enter a BID or ASK amount")])
def test_a_plan_other_than_the_one_confirmed_or_a_refusal_of_the_request_is_never_planned_again(refusal):
    plan_and_place, calls = attempts(refusal, "never reached")

    with pytest.raises(type(refusal)):
        _planned_again_if_moved(plan_and_place)
    assert calls == [1]
