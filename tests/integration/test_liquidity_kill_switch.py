"""The kill switch: one transaction withdraws every policy order of both books and pauses every policy; runs are
skipped while paused; resuming re-enables exactly what the pause disabled."""

import pytest
from sqlalchemy import text

from core.errors import Conflict, PermissionDenied, ValidationError
from core.liquidity_policies import get_kill_switch, get_policies, pause_liquidity, resume_liquidity, run_policy
from core.liquidity_service import create_liquidity
from core.market_makers import get_market_maker
from tests.helpers import snapshot
from tests.liquidity_helpers import make_holders, make_providers
from tests.policy_helpers import healthy, policy, resting


@pytest.fixture
def both_books_quoted(db, actors) -> dict[str, int]:
    """Policies on both books with orders resting, and a manual Create Liquidity operation beside them."""
    providers = make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 2, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 2, cert="EUA", prefix="AH EUA")
    ids = {cert: policy(db, actors, cert).id for cert in ("CEA", "EUA")}
    for cert in ids:
        assert run_policy(db, cert, user_id=actors.admin.id).action == "placed"
    manual = create_liquidity(db, "EUA", "3000", "0", actors.admin.id)
    return {**ids, "manual": manual.id, "provider": providers[0].id}


def test_pausing_withdraws_every_policy_order_of_both_books_unlocks_them_and_pauses_every_policy(
    db, actors, both_books_quoted
):
    resting_before = [r["id"] for cert in ("CEA", "EUA") for r in resting(db, both_books_quoted[cert])]

    result = pause_liquidity(db, user_id=actors.admin.id, reason="Fat-finger on EUA, investigating")

    assert result.orders_withdrawn == len(resting_before) == 24 and result.policies_paused == 2
    assert all(resting(db, both_books_quoted[cert]) == [] for cert in ("CEA", "EUA"))
    manual_open = db.execute(
        text("SELECT count(*) FROM orders WHERE liquidity_operation_id = :op AND status = 'OPEN'"),
        {"op": both_books_quoted["manual"]},
    ).scalar_one()
    assert manual_open == 6  # manual liquidity is not the policies' to withdraw
    manual_lock = db.execute(
        text("SELECT sum(locked_amount) FROM orders WHERE market_maker_id = :m AND liquidity_operation_id = :op"),
        {"m": both_books_quoted["provider"], "op": both_books_quoted["manual"]},
    ).scalar_one()
    # what the policies locked is all given back: the provider holds only the manual operation's lock
    assert get_market_maker(db, both_books_quoted["provider"]).eur_locked == manual_lock
    assert all(not p.enabled and p.paused for p in get_policies(db, user_id=actors.admin.id))
    switch = get_kill_switch(db, user_id=actors.analyst.id)
    assert (
        switch.paused and switch.reason == "Fat-finger on EUA, investigating" and switch.changed_by == actors.admin.id
    )
    assert healthy(db)


def test_a_run_while_paused_is_skipped_and_places_nothing(db, actors, both_books_quoted):
    pause_liquidity(db, user_id=actors.admin.id, reason="Exchange outage")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "skipped" and run.reason == "Liquidity is paused: Exchange outage."
    assert resting(db, both_books_quoted["CEA"]) == []
    assert healthy(db)


def test_resuming_re_enables_what_the_pause_disabled_and_nothing_else(db, actors, both_books_quoted):
    policy(db, actors, "EUA", enabled=False)  # an admin's own choice, before the pause
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")

    result = resume_liquidity(db, user_id=actors.admin.id)

    enabled = {p.certificate_type: p.enabled for p in get_policies(db, user_id=actors.admin.id)}
    assert result.policies_resumed == 1 and enabled == {"CEA": True, "EUA": False}
    assert not get_kill_switch(db, user_id=actors.admin.id).paused
    assert run_policy(db, "CEA", user_id=actors.admin.id).action == "placed"
    assert healthy(db)


def test_pausing_and_resuming_are_audited_with_their_reason(db, actors, both_books_quoted):
    pause = pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    resume = resume_liquidity(db, user_id=actors.admin.id)

    tickets = {
        r.action: r
        for r in db.execute(
            text("SELECT ticket_id, action, after_state, before_state FROM ticket_logs WHERE action LIKE '%_LIQUIDITY'")
        )
    }

    assert tickets["PAUSE_LIQUIDITY"].ticket_id == pause.ticket_id
    assert tickets["PAUSE_LIQUIDITY"].after_state["reason"] == "Drill"
    assert tickets["RESUME_LIQUIDITY"].ticket_id == resume.ticket_id
    assert tickets["RESUME_LIQUIDITY"].before_state["reason"] == "Drill"
    withdrawals = db.execute(
        text("SELECT count(*) FROM ticket_logs WHERE action = 'WITHDRAW_LIQUIDITY' AND after_state->>'reason' = :r"),
        {"r": "kill switch: Drill"},
    ).scalar_one()
    assert withdrawals == 2  # one per policy operation withdrawn


@pytest.mark.parametrize(("reason", "message"), [("", "Say why"), ("   ", "Say why"), ("x" * 2001, "2000")])
def test_a_pause_without_a_usable_reason_is_refused_and_changes_nothing(db, actors, both_books_quoted, reason, message):
    before = snapshot(db)

    with pytest.raises(ValidationError, match=message):
        pause_liquidity(db, user_id=actors.admin.id, reason=reason)

    assert snapshot(db) == before


def test_only_admins_pause_or_resume_and_a_second_pause_or_resume_is_told_why(db, actors, both_books_quoted):
    with pytest.raises(PermissionDenied):
        pause_liquidity(db, user_id=actors.analyst.id, reason="no")
    with pytest.raises(Conflict, match="not paused"):
        resume_liquidity(db, user_id=actors.admin.id)
    pause_liquidity(db, user_id=actors.admin.id, reason="first")
    before = snapshot(db)

    with pytest.raises(Conflict, match=r"already paused .* by admin\): first"):
        pause_liquidity(db, user_id=actors.admin.id, reason="second")
    with pytest.raises(PermissionDenied):
        resume_liquidity(db, user_id=actors.trader.id)

    assert snapshot(db) == before
