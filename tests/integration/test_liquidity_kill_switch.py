"""The kill switch: one transaction withdraws every policy order of both books and pauses every policy; runs are
skipped while paused; resuming re-enables exactly what the pause disabled."""

from datetime import UTC

import pytest
from sqlalchemy import text

from core.errors import Conflict, PermissionDenied, ValidationError
from core.liquidity_policies import (
    get_kill_switch,
    get_policies,
    get_policy_runs,
    get_resuming_policies,
    pause_liquidity,
    resume_liquidity,
    run_policy,
)
from core.liquidity_service import create_liquidity
from core.market_makers import get_market_maker
from core.policy_schedule import due_policies
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
    assert get_market_maker(db, both_books_quoted["provider"], user_id=actors.admin.id).eur_locked == manual_lock
    assert all(not p.enabled and p.paused for p in get_policies(db, user_id=actors.admin.id))
    switch = get_kill_switch(db, user_id=actors.analyst.id)
    assert (
        switch.paused and switch.reason == "Fat-finger on EUA, investigating" and switch.changed_by == actors.admin.id
    )
    assert healthy(db)


def test_each_policy_s_runs_say_what_the_kill_switch_withdrew_of_it_by_whom_and_why(db, actors, both_books_quoted):
    placed = get_policy_runs(db, user_id=actors.analyst.id, certificate_type="CEA")[0]

    pause = pause_liquidity(db, user_id=actors.admin.id, reason="Fat-finger on EUA, investigating")

    runs = get_policy_runs(db, user_id=actors.analyst.id, certificate_type="CEA")
    assert [r.action for r in runs] == ["kill_switch", "placed"]  # the orders no longer vanish unsaid
    withdrawn = runs[0]
    assert withdrawn.reason == (
        "Liquidity paused by admin: Fat-finger on EUA, investigating. Withdrew 12 resting orders, BID "
        f"€{placed.bid_resting_eur:,.2f} and ASK €{placed.ask_resting_eur:,.2f} (710 CEA); the policy runs again "
        "when liquidity is resumed."
    )
    assert (withdrawn.withdrawn_orders, withdrawn.placed_orders, withdrawn.operation_id) == (12, 0, None)
    assert (withdrawn.bid_resting_before_eur, withdrawn.ask_resting_before_eur) == (
        placed.bid_resting_eur,
        placed.ask_resting_eur,
    )
    assert (withdrawn.bid_resting_eur, withdrawn.ask_resting_eur) == (0, 0)
    assert withdrawn.acted_by == actors.admin.id
    every_book = get_policy_runs(db, user_id=actors.analyst.id)
    assert sum(r.withdrawn_orders for r in every_book if r.action == "kill_switch") == pause.orders_withdrawn == 24
    assert healthy(db)


def test_a_disabled_policy_s_orders_the_kill_switch_withdraws_are_in_its_runs_and_it_stays_disabled(
    db, actors, both_books_quoted
):
    policy(db, actors, "EUA", enabled=False)  # disabled with its orders resting: the pause withdraws them too
    policy(db, actors, "CEA", enabled=False)
    run_policy(db, "CEA", user_id=actors.admin.id)  # skipped: disabled

    pause_liquidity(db, user_id=actors.admin.id, reason="Drill.")

    (eua,) = [r for r in get_policy_runs(db, user_id=actors.admin.id, certificate_type="EUA", limit=1)]
    assert eua.action == "kill_switch" and eua.withdrawn_orders == 12
    assert eua.reason.startswith("Liquidity paused by admin: Drill. Withdrew 12 resting orders, BID €")
    assert eua.reason.endswith("; the policy was disabled and stays so.")
    assert healthy(db)


def test_a_policy_the_kill_switch_pauses_with_nothing_resting_says_so_in_its_runs(db, actors):
    make_providers(db, actors.admin, 1)
    policy(db, actors, "CEA")  # enabled, never run: nothing rests

    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")

    (run,) = get_policy_runs(db, user_id=actors.admin.id, certificate_type="CEA")
    assert run.action == "kill_switch" and run.withdrawn_orders == 0
    assert (
        run.reason
        == "Liquidity paused by admin: Drill. Nothing was resting; the policy runs again when liquidity is resumed."
    )


def test_after_a_resume_a_policy_runs_on_its_schedule_as_if_the_kill_switch_had_recorded_nothing(
    db, actors, both_books_quoted
):
    db.execute(text("UPDATE liquidity_policy_runs SET created_at = now() - interval '10 minutes'"))
    db.commit()
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")  # its record is newer than the last run

    resume_liquidity(db, user_id=actors.admin.id)

    # 60 s policies whose last run was 10 minutes ago: neither the pause's record nor the resume's is a run of theirs
    assert [r.action for r in get_policy_runs(db, user_id=actors.admin.id, limit=2)] == ["resumed", "resumed"]
    assert set(due_policies(db)) == {"CEA", "EUA"}
    assert healthy(db)


def test_each_policy_enabled_once_liquidity_resumes_says_so_in_its_runs_by_whom_and_which_pause(
    db, actors, both_books_quoted
):
    policy(db, actors, "EUA", enabled=False)  # an admin's own choice, before the pause: it stays off, unsaid
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill.")
    paused_at = get_kill_switch(db, user_id=actors.admin.id).changed_at.astimezone(UTC)

    resume_liquidity(db, user_id=actors.admin.id)

    cea, kill_switch, *_ = get_policy_runs(db, user_id=actors.admin.id, certificate_type="CEA")
    assert (cea.action, kill_switch.action) == ("resumed", "kill_switch")  # its orders came back unsaid
    assert cea.reason == (
        f"Liquidity resumed by admin (paused by admin at {paused_at:%Y-%m-%d %H:%M} UTC: Drill). The policy is enabled"
        " again and places afresh at its next run."
    )
    assert (cea.placed_orders, cea.withdrawn_orders, cea.bid_resting_eur, cea.ask_resting_eur) == (0, 0, 0, 0)
    assert get_policy_runs(db, user_id=actors.admin.id, certificate_type="EUA", limit=1)[0].action == "kill_switch"
    assert healthy(db)


def test_a_policy_saved_enabled_during_the_pause_says_so_in_its_resumed_run(db, actors, both_books_quoted):
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    policy(db, actors, "CEA", bid_depth_eur="12000")  # saved enabled during the pause: no longer marked paused

    resume_liquidity(db, user_id=actors.admin.id)

    (run,) = get_policy_runs(db, user_id=actors.admin.id, certificate_type="CEA", limit=1)
    assert run.action == "resumed"
    assert run.reason.endswith(": Drill). The policy, saved enabled during the pause, places afresh at its next run.")


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


def test_what_resume_restarts_is_every_policy_that_then_places_orders_the_paused_and_those_saved_enabled_since(
    db, actors, both_books_quoted
):
    policy(db, actors, "EUA", enabled=False)  # an admin's own choice, before the pause: it stays off
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    policy(db, actors, "CEA", bid_depth_eur="12000")  # changed during the pause, saved enabled

    restarting = get_resuming_policies(db, user_id=actors.admin.id)
    resume_liquidity(db, user_id=actors.admin.id)

    # the saved policy was left out (its save cleared the pause's mark), and the dialog said no order would be placed
    assert [p.certificate_type for p in restarting] == ["CEA"]
    assert run_policy(db, "CEA", user_id=actors.admin.id).action == "placed"
    assert run_policy(db, "EUA", user_id=actors.admin.id).action == "skipped"


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


@pytest.mark.parametrize(
    ("reason", "message"), [("", "Say why"), ("   ", "Say why"), ("x" * 2001, "at most 2,000 characters")]
)
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
