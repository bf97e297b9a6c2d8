"""Liquidity policies on real PostgreSQL: every rule of one run (core.policy_rules), each ending healthy."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.errors import InvalidFields, NotFound, PermissionDenied, ValidationError
from core.liquidity_policies import (
    SCHEDULE_FIELD,
    TARGETS_FIELD,
    get_policies,
    get_policy_runs,
    run_policy,
    save_policy,
)
from core.orders import place_order
from tests.helpers import snapshot
from tests.liquidity_helpers import count_rows, make_holders, make_providers
from tests.policy_helpers import age_orders, fund_market, healthy, policy, quote, resting, resting_eur, trader

PLAN_ORDERS = 12  # 2 market makers × 3 levels × 2 sides


def _operation(db, operation_id: int) -> dict:
    row = dict(
        db.execute(text("SELECT * FROM liquidity_operations WHERE id = :i"), {"i": operation_id}).mappings().one()
    )
    db.rollback()
    return dict(row)


# --- placing, and nothing more ---------------------------------------------------------------------------------


def test_a_first_run_places_the_full_plan_as_an_operation_linked_to_the_policy(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors)

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "placed" and run.placed_orders == PLAN_ORDERS and run.withdrawn_orders == 0
    assert (run.reference_price, run.price_source) == (Decimal("14.0000"), "default")
    operation = _operation(db, run.operation_id)
    assert operation["policy_id"] == cea.id and operation["created_by"] == actors.admin.id
    on_operations_page = db.execute(
        text("SELECT policy_id FROM liquidity_operation_summary WHERE id = :i"), {"i": run.operation_id}
    ).scalar_one()
    assert on_operations_page == cea.id
    bid_levels = sorted({r["price"] for r in resting(db, cea.id, "BUY")}, reverse=True)
    assert bid_levels == [Decimal("13.97"), Decimal("13.94"), Decimal("13.93")]
    assert run.bid_resting_eur == Decimal("9934.54") and run.ask_resting_eur == Decimal("9973.34")
    assert "Nothing was resting" in run.reason
    assert healthy(db)


def test_running_twice_in_a_row_places_nothing_the_second_time(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    before = [r["id"] for r in resting(db, cea.id)]

    again = run_policy(db, "CEA", user_id=actors.admin.id)

    assert again.action == "none" and again.operation_id is None and again.placed_orders == 0
    assert [r["id"] for r in resting(db, cea.id)] == before
    # each side as a share of its target, as the card measures it, with the level it is topped up below (a share of a
    # full plan in whole certificates, said as an amount, never as a second percentage beside the first)
    assert (
        "BID €9,934.54 resting, 99 % of its €10,000.00 target, top-up below €7,947.63 (80 % of a full plan in whole "
        "certificates, €9,934.54); ASK €9,973.34 of €10,000.00 (100 %), top-up below €7,978.67."
    ) in again.reason
    assert again.price_source == "previous_run"  # its own quotes are not a market to centre on
    assert healthy(db)


def test_every_run_is_recorded_newest_first_skipped_ones_included(db, actors):
    fund_market(db, actors)
    policy(db, actors, enabled=False)
    skipped = run_policy(db, "CEA", user_id=actors.admin.id)
    policy(db, actors)
    placed = run_policy(db, "CEA", user_id=actors.admin.id)

    runs = get_policy_runs(db, user_id=actors.analyst.id, certificate_type="CEA")

    assert [(r.id, r.action) for r in runs] == [(placed.id, "placed"), (skipped.id, "skipped")]
    assert skipped.reason == "The policy is disabled." and skipped.placed_orders == 0
    assert healthy(db)


def test_a_new_policy_saved_without_saying_it_is_enabled_starts_disabled_and_places_nothing(db, actors):
    fund_market(db, actors)

    saved = save_policy(db, "CEA", user_id=actors.admin.id, bid_depth_eur="10000", ask_depth_eur="10000")
    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert saved.enabled is False
    assert (run.action, run.reason, run.placed_orders) == ("skipped", "The policy is disabled.", 0)
    assert count_rows(db, "orders") == 0


def test_a_policy_saved_disabled_says_how_many_of_its_orders_stay_resting_unmaintained(db, actors):
    fund_market(db, actors)
    running = policy(db, actors)
    placed = run_policy(db, "CEA", user_id=actors.admin.id)

    disabled = policy(db, actors, enabled=False)

    assert placed.placed_orders > 0 and running.resting_orders == 0
    assert disabled.resting_orders == placed.placed_orders == len(resting(db, disabled.id))  # they stay, as said


# --- the reference ---------------------------------------------------------------------------------------------


def test_the_reference_is_the_mid_of_the_book_without_the_policys_own_orders(db, actors):
    fund_market(db, actors)
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.80")
    quote(db, taker, "CEA", "SELL", "14.30")  # others' mid: 14.05
    cea = policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    level_one_ask = resting(db, cea.id, "SELL")[0]
    place_order(db, taker, "CEA", "BUY", "LIMIT", 2 * level_one_ask["remaining_quantity"], str(level_one_ask["price"]))

    run = run_policy(db, "CEA", user_id=actors.admin.id)  # the whole book's mid is now (14.02 + 14.11) / 2

    assert (run.reference_price, run.price_source) == (Decimal("14.0500"), "mid")
    assert healthy(db)


# --- refresh ---------------------------------------------------------------------------------------------------


def test_a_reference_that_moved_beyond_the_tolerance_refreshes_around_the_new_one(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors, refresh_tolerance_pct="1")
    first = run_policy(db, "CEA", user_id=actors.admin.id)
    old = {r["id"] for r in resting(db, cea.id)}
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.50")
    quote(db, taker, "CEA", "SELL", "15.50")  # mid 14.50: 3.57 % from 14.00

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "refreshed" and run.withdrawn_orders == PLAN_ORDERS and run.placed_orders == PLAN_ORDERS
    assert run.reference_price == Decimal("14.5000") and run.operation_id != first.operation_id
    assert "moved 3.57 %" in run.reason and "1 % tolerance" in run.reason
    assert old.isdisjoint(r["id"] for r in resting(db, cea.id))
    assert resting(db, cea.id, "BUY")[0]["price"] == Decimal("14.47")
    cancelled = db.execute(
        text("SELECT count(*) FROM orders WHERE id = ANY(:ids) AND cancel_reason = 'WITHDRAWAL'"), {"ids": list(old)}
    ).scalar_one()
    assert cancelled == PLAN_ORDERS
    assert healthy(db)


def test_a_move_within_the_tolerance_changes_nothing(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors, refresh_tolerance_pct="5")
    run_policy(db, "CEA", user_id=actors.admin.id)
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.50")
    quote(db, taker, "CEA", "SELL", "15.50")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "none" and "moved 3.57 %" in run.reason
    assert len(resting(db, cea.id)) == PLAN_ORDERS
    assert healthy(db)


def test_an_order_older_than_the_maximum_age_refreshes_them_all(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors, max_order_age_minutes=30)
    run_policy(db, "CEA", user_id=actors.admin.id)
    age_orders(db, cea.id, minutes=31)

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "refreshed" and run.withdrawn_orders == PLAN_ORDERS and run.placed_orders == PLAN_ORDERS
    assert "rested longer than 30 minutes" in run.reason
    assert healthy(db)


def test_saving_the_policy_again_refreshes_its_orders_on_the_next_run(db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    cea = policy(db, actors, bid_depth_eur="20000")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "refreshed" and "saved after its orders were placed" in run.reason
    assert resting_eur(db, cea.id, "BUY") > Decimal("19000")
    assert healthy(db)


# --- top up ----------------------------------------------------------------------------------------------------


def test_a_side_taken_below_the_top_up_threshold_is_replaced_and_the_other_side_left_alone(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors, top_up_below_pct="80")
    run_policy(db, "CEA", user_id=actors.admin.id)
    bids = [r["id"] for r in resting(db, cea.id, "BUY")]
    taker = trader(db, actors)
    place_order(db, taker, "CEA", "BUY", "LIMIT", 400, "14.06")  # takes levels 1 and 2 of both asks, in part
    asks_left = resting(db, cea.id, "SELL")
    assert sum(r["resting_eur"] for r in asks_left) < Decimal("0.8") * Decimal("9973.34")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "topped_up" and f"Replaced {len(asks_left)} orders with ASK €" in run.reason  # not order(s)
    assert run.reason.startswith("Below the top-up level: BID €9,934.54 resting, 99 % of its €10,000.00 target, ")
    assert "ASK €" in run.reason and "top-up below €7,978.67." in run.reason  # the level, said as an amount
    assert run.placed_orders == 6 and run.withdrawn_orders == len(asks_left)
    assert [r["id"] for r in resting(db, cea.id, "BUY")] == bids  # untouched
    assert resting_eur(db, cea.id, "SELL") == Decimal("9973.34")  # back at its target, at the same prices
    assert _operation(db, run.operation_id)["target_bid_liquidity_eur"] == 0
    assert healthy(db)


# --- price band ------------------------------------------------------------------------------------------------


def test_a_reference_outside_the_price_band_withdraws_what_rests_and_skips(db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    cea = policy(db, actors, price_floor="12.00", price_ceiling="13.50")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "skipped" and run.withdrawn_orders == PLAN_ORDERS and run.operation_id is None
    assert "outside the price band €12.00 to €13.50" in run.reason
    assert f"withdrew {PLAN_ORDERS} resting orders." in run.reason
    assert resting(db, cea.id) == []
    assert run_policy(db, "CEA", user_id=actors.admin.id).action == "skipped"  # and stays out while outside
    assert healthy(db)


# --- short side ------------------------------------------------------------------------------------------------


def test_a_side_its_market_makers_cannot_fund_is_named_with_its_shortfall_and_the_other_side_placed(db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 1, certificates=10)
    cea = policy(db, actors)

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "placed" and run.placed_orders == 6
    assert "ASK short by 701 CEA (1 market maker holds 10 CEA of the 711 CEA it needs)" in run.reason  # 10 held
    assert resting(db, cea.id, "SELL") == [] and len(resting(db, cea.id, "BUY")) == 6
    again = run_policy(db, "CEA", user_id=actors.admin.id)
    assert again.action == "none" and "ASK short by 701 CEA" in again.reason  # the bid side still stands
    assert healthy(db)


def test_a_liquidity_provider_drained_by_fills_is_left_out_and_the_bid_side_is_still_quoted(db, actors):
    make_providers(db, actors.admin, 2)
    (drained,) = make_providers(db, actors.admin, 1, eur="3400.00", prefix="Small LP")  # about one third of €10,000
    make_holders(db, actors.admin, 2)
    cea = policy(db, actors, top_up_below_pct="80")
    first = run_policy(db, "CEA", user_id=actors.admin.id)
    level_one = [r for r in resting(db, cea.id, "BUY") if r["price"] == Decimal("13.97")]
    taker = trader(db, actors)
    quote(db, taker, "CEA", "SELL", "13.97", sum(r["remaining_quantity"] for r in level_one))  # fills all three

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert first.placed_orders == PLAN_ORDERS + 3 and len(level_one) == 3
    assert run.action == "topped_up" and " orders with BID €" in run.reason
    assert "leaving out Small LP 1 (€" in run.reason and "holding less than an even share of €" in run.reason
    bids = resting(db, cea.id, "BUY")
    assert len(bids) == 6 and resting_eur(db, cea.id, "BUY") > Decimal("9900")  # two providers, the full target
    assert healthy(db)
    assert drained.id not in {
        r["market_maker_id"]
        for r in db.execute(
            text("SELECT market_maker_id FROM orders WHERE id = ANY(:ids)"), {"ids": [r["id"] for r in bids]}
        ).mappings()
    }


def test_a_run_that_can_place_nothing_is_skipped_with_every_shortfall(db, actors):
    make_providers(db, actors.admin, 1, eur="100.00")
    make_holders(db, actors.admin, 1, certificates=10)
    policy(db, actors)
    before = count_rows(db, "orders")

    run = run_policy(db, "CEA", user_id=actors.admin.id)

    assert run.action == "skipped" and "BID short by €" in run.reason and "ASK short by" in run.reason  # € as elsewhere
    assert count_rows(db, "orders") == before
    assert healthy(db)


# --- refusals --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bid_depth_eur": "0", "ask_depth_eur": "0"}, "BID or an ASK target above zero"),
        ({"bid_depth_eur": "-1"}, r"BID target \(EUR\) must be zero or more"),
        ({"refresh_tolerance_pct": "0"}, "above 0 and at most 100"),
        ({"top_up_below_pct": "101"}, "above 0 and at most 100"),
        ({"max_order_age_minutes": "0"}, "whole number of minutes from 1"),
        ({"price_floor": "15", "price_ceiling": "14"}, "must be below the price ceiling"),
        ({"interval_seconds": 4}, "whole number of seconds from 5"),
        ({"interval_seconds": ""}, r"Run interval \(seconds\) is required"),  # no cron: the interval is the schedule
        ({"interval_seconds": "abc", "cron": "*/5 * * * *"}, "must be a number"),  # typed beside a cron: still read
        ({"interval_seconds": "30", "cron": "*/5 * * * *"}, "not both"),
        ({"cron": "*/5 * * *"}, "5 fields"),
        ({"cron": "61 * * * *"}, r"is not a cron schedule: the minute field '61' is not valid \(0-59\)"),
        ({"cron": "0 9 * 13 *"}, r"the month field '13' is not valid \(1-12 or JAN-DEC\)"),
        ({"cron": "0 9 31 4 *"}, "'0 9 31 4 \\*' never comes: no month has the day it names"),
        ({"cron": " 0  0 30 2 * "}, "'0 0 30 2 \\*' never comes"),
        ({"dynamic_spread": "yes"}, "True or False"),
        ({"notes": "x" * 2001}, "at most 2,000 characters"),
        ({"notes": "a\x00b"}, "NUL"),
        ({"bid_depth_eur": "NaN"}, "finite number"),
        ({"ask_depth_eur": "2000000000000"}, "above the maximum"),
        ({"bid_depth_eur": "10.001"}, "2 decimals"),
        ({"bid_depth_eur": "10.000"}, '"10.000" reads as 10000 in much of Europe and as 10 here'),
        ({"max_order_age_minutes": "1.000"}, '"1.000" reads as 1000 in much of Europe and as 1 here'),
        ({"interval_seconds": "3.600"}, '"3.600" reads as 3600 in much of Europe'),
        ({"interval_seconds": 10**30}, "whole number of seconds"),
        ({"max_order_age_minutes": "abc"}, "must be a number"),
        ({"max_order_age_minutes": True}, "must be a number"),
        ({"cron": 5}, "text like"),
        ({"enabled": None}, "True or False"),
        ({"price_floor": "-1"}, "greater than zero"),
        (
            {"price_ceiling": "9" * 22},  # it read "above the maximum … accepted in one operation", as an amount
            r"Price ceiling \(EUR\) is a 22-digit number, above the maximum price of €1,000,000,000,000$",
        ),
    ],
)
def test_an_invalid_policy_is_refused_with_a_specific_message_and_changes_nothing(db, actors, changes, message):
    before = snapshot(db)

    with pytest.raises(ValidationError, match=message):
        policy(db, actors, **changes)

    assert snapshot(db) == before


def test_a_cron_alone_is_saved_as_the_policy_s_one_schedule_and_the_interval_it_had_is_gone(db, actors):
    new = policy(db, actors, "EUA", cron="*/5 7-18 * * 1-5")  # a new policy: no interval given, none beside a cron
    policy(db, actors, interval_seconds="300")

    on_cron = policy(db, actors, interval_seconds="", cron="*/5 7-18 * * 1-5")

    assert (new.cron, new.interval_seconds) == ("*/5 7-18 * * 1-5", None)
    assert (on_cron.cron, on_cron.interval_seconds) == ("*/5 7-18 * * 1-5", None)  # it kept 300, unused and unseen
    assert policy(db, actors, "EUA").interval_seconds == 60  # neither given: the default interval


@pytest.mark.parametrize("cron", [None, "", "   ", "\u200b"])
def test_a_policy_chosen_to_run_on_a_cron_with_none_typed_is_refused_under_the_cron_not_saved_on_the_default_interval(
    db, actors, cron
):
    policy(db, actors, interval_seconds="30")
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        policy(db, actors, runs_on="cron", cron=cron)

    # without the choice, a cron left blank read as "no cron": the policy ran every 60 s
    assert refused.value.faults == {
        "cron": "Cron (UTC) is required to run on a cron: 5 fields (minute hour day-of-month month day-of-week), "
        "e.g. '*/5 * * * *' for every five minutes"
    }
    assert snapshot(db) == before


def test_the_schedule_chosen_is_the_one_saved_and_the_other_kind_typed_beside_it_is_refused(db, actors):
    on_cron = policy(db, actors, runs_on="cron", cron="0 9 * * 1-5")
    on_interval = policy(db, actors, runs_on="interval", interval_seconds="45")

    assert (on_cron.cron, on_cron.interval_seconds) == ("0 9 * * 1-5", None)
    assert (on_interval.cron, on_interval.interval_seconds) == (None, 45)
    with pytest.raises(InvalidFields) as both:
        policy(db, actors, runs_on="cron", cron="0 9 * * 1-5", interval_seconds="45")
    assert list(both.value.faults) == [SCHEDULE_FIELD]
    with pytest.raises(InvalidFields) as unknown:
        policy(db, actors, runs_on="hourly", interval_seconds="45")
    assert unknown.value.faults == {
        "runs_on": "A policy runs on an interval or on a cron ('interval' or 'cron'), got 'hourly'"
    }


@pytest.mark.parametrize("interval", ["300", 300, "60"])
def test_an_interval_typed_beside_a_cron_is_refused_under_both_saying_which_runs_and_nothing_is_saved(
    db, actors, interval
):
    policy(db, actors, interval_seconds="30")
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        policy(db, actors, interval_seconds=interval, cron="0 9 * * 1-5")

    # it was saved, and ran on the cron: the interval typed was ignored, said only in the cron field's help
    assert refused.value.faults == {
        SCHEDULE_FIELD: f"Run on an interval or on a cron, not both: clear the run interval to run on cron "
        f"'0 9 * * 1-5', or clear the cron to run every {int(interval)} s"
    }
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("interval", "cron", "message"),
    [
        (30, "0 9 * * 1-5", "Run on an interval or on a cron, not both: clear the run interval to run on cron"),
        (None, None, r"Run interval \(seconds\) is required, or a cron instead"),
    ],
)
def test_the_database_holds_a_policy_to_one_schedule_whoever_calls_it(db, actors, interval, cron, message):
    policy(db, actors, interval_seconds="30")
    before = snapshot(db)

    with pytest.raises(DBAPIError, match=message) as refused:  # save_liquidity_policy, as any client may call it
        db.execute(
            text(
                "SELECT save_liquidity_policy('CEA', 10000, 10000, 0.5, 80, 60, NULL, NULL, false, :interval, :cron, "
                "true, NULL, :by)"
            ),
            {"interval": interval, "cron": cron, "by": actors.admin.id},
        )
    db.rollback()
    with pytest.raises(IntegrityError, match="liquidity_policies_one_schedule"):  # and the table, whatever writes it
        db.execute(text("UPDATE liquidity_policies SET cron = '0 9 * * *'"))
    db.rollback()

    assert refused.value.orig.sqlstate == "CB400"

    assert snapshot(db) == before


def test_percentages_keep_their_three_decimals_a_point_there_groups_no_thousands(db, actors):
    saved = policy(db, actors, refresh_tolerance_pct="1.000", top_up_below_pct="12.500")

    assert (saved.refresh_tolerance_pct, saved.top_up_below_pct) == (Decimal("1.000"), Decimal("12.500"))


def test_every_fault_of_a_policy_is_refused_at_once_under_its_field_and_nothing_is_saved(db, actors):
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        policy(
            db, actors, bid_depth_eur="abc", ask_depth_eur="2000000000000", refresh_tolerance_pct="-5",
            cron="61 * * * *", price_floor="15", price_ceiling="14", notes="a\x00b",
        )  # fmt: skip

    assert refused.value.faults == {
        "bid_depth_eur": "BID target (EUR) must be a number, got 'abc'",
        "ask_depth_eur": (
            "ASK target (EUR) 2000000000000 is above the maximum of €1,000,000,000,000 accepted in one operation"
        ),
        "price_ceiling": "The price floor €15.00 must be below the price ceiling €14.00",
        "refresh_tolerance_pct": "Tolerance (%) is a percentage above 0 and at most 100, got -5",
        "cron": "'61 * * * *' is not a cron schedule: the minute field '61' is not valid (0-59)",
        "notes": "Notes cannot contain NUL characters",
    }
    assert snapshot(db) == before


def test_two_targets_of_zero_are_refused_once_for_the_pair(db, actors):
    with pytest.raises(InvalidFields) as refused:
        policy(db, actors, bid_depth_eur="0", ask_depth_eur="0.00")

    why = "Set a BID or an ASK target above zero (one side alone is fine)"
    assert refused.value.faults == {TARGETS_FIELD: why}
    assert refused.value.message == why


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_target_left_empty_is_no_liquidity_on_that_side_as_in_create_liquidity(db, actors, blank):
    saved = policy(db, actors, bid_depth_eur="5000", ask_depth_eur=blank)

    assert (saved.bid_depth_eur, saved.ask_depth_eur) == (5000, 0)


def test_two_targets_left_empty_are_refused_once_for_the_pair(db, actors):
    with pytest.raises(InvalidFields) as refused:
        policy(db, actors, bid_depth_eur="", ask_depth_eur=" ")

    assert list(refused.value.faults) == [TARGETS_FIELD]


def test_a_target_beyond_what_the_market_makers_hold_is_saved_with_a_warning_in_a_run_s_words(db, actors):
    fund_market(db, actors)  # two liquidity providers with €100,000 each

    saved = policy(db, actors, bid_depth_eur="5000000", ask_depth_eur="0")

    assert saved.bid_depth_eur == 5_000_000  # saved: funds come and go, the admin decides
    assert saved.warnings == {
        "bid_depth_eur": "BID short by €4,799,966.12 (2 market makers hold €200,000.00 of the €4,999,966.12 they "
        "need): runs skip this side until they hold enough"  # whole certificates at each level: a little under
    }
    run = run_policy(db, "CEA", user_id=actors.admin.id)
    assert "BID short by €4,799,966.12 (2 market makers hold €200,000.00" in run.reason  # in a run's very words


# --- a target no level can hold --------------------------------------------------------------------------------


def test_a_target_too_small_to_place_is_saved_with_a_warning_naming_the_smallest_a_run_places_now(db, actors):
    fund_market(db, actors)  # two liquidity providers
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.80")
    quote(db, taker, "CEA", "SELL", "14.30")  # others' mid: 14.05, BID levels 14.02 / 13.99 / 13.97

    saved = policy(db, actors, bid_depth_eur="12")

    assert saved.bid_depth_eur == 12  # saved: the price may move, the admin decides
    assert saved.warnings == {
        "bid_depth_eur": "€12.00 cannot buy one CEA at each of the 3 BID levels around €14.05 (the mid of the "
        "book): a BID target needs at least €69.85 now"
    }  # €13.97 / 20 %: one liquidity provider's share (a larger target is split over both)


def test_the_smallest_target_a_save_names_is_exactly_where_runs_start_placing_the_side(db, actors):
    fund_market(db, actors)
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.80")
    quote(db, taker, "CEA", "SELL", "14.30")

    below = policy(db, actors, bid_depth_eur="69.84")
    skipped = run_policy(db, "CEA", user_id=actors.admin.id)
    at_smallest = policy(db, actors, bid_depth_eur="69.85")
    placed = run_policy(db, "CEA", user_id=actors.admin.id)

    assert "a BID target needs at least €69.85 now" in below.warnings["bid_depth_eur"]
    assert "BID not placed" in skipped.reason and skipped.bid_resting_eur == 0
    assert at_smallest.warnings == {}
    assert placed.bid_resting_eur > 0 and "BID not placed" not in placed.reason
    assert healthy(db)


def test_with_no_price_in_the_book_the_warning_says_so_and_measures_at_the_price_runs_use_instead(db, actors):
    fund_market(db, actors)  # no order of others, no trade: runs quote around the configured €14.00

    saved = policy(db, actors, bid_depth_eur="12", ask_depth_eur="12")
    fitting = policy(db, actors)

    no_price = "The CEA book has no price now (no bid and ask, no trade): runs quote around the configured €14.00"
    assert saved.warnings == {
        "bid_depth_eur": f"{no_price}, where €12.00 cannot buy one CEA at each of the 3 BID levels: a BID target "
        "needs at least €69.65",
        "ask_depth_eur": f"{no_price}, where €12.00 cannot sell one CEA at each of the 3 ASK levels: an ASK target "
        "needs at least €70.35",
    }
    assert fitting.warnings == {}


def test_a_price_band_that_leaves_the_market_out_is_saved_with_a_warning_under_the_bound_a_run_then_skips_at(
    db, actors
):
    fund_market(db, actors)
    taker = trader(db, actors)
    quote(db, taker, "CEA", "BUY", "13.80")
    quote(db, taker, "CEA", "SELL", "14.30")  # others' mid: 14.05

    above = policy(db, actors, price_floor="100", price_ceiling="200")
    skipped = run_policy(db, "CEA", user_id=actors.admin.id)
    below = policy(db, actors, price_ceiling="14")
    inside = policy(db, actors, price_floor="14", price_ceiling="14.10")

    assert above.price_floor == 100  # saved: a band may wait for a price, the admin decides
    assert above.warnings == {
        "price_floor": "The reference now, €14.05 (mid), is below this floor: runs withdraw the policy's orders and "
        "place none while it is"
    }
    assert skipped.action == "skipped" and "is outside the price band €100.00 to €200.00" in skipped.reason
    assert list(below.warnings) == ["price_ceiling"] and "is above this ceiling" in below.warnings["price_ceiling"]
    assert inside.warnings == {}


def test_only_admins_save_and_run_policies_while_analysts_read_them(db, actors):
    fund_market(db, actors)
    policy(db, actors)
    before = snapshot(db)

    with pytest.raises(PermissionDenied):
        save_policy(db, "CEA", user_id=actors.analyst.id, bid_depth_eur="1", ask_depth_eur="1")
    with pytest.raises(PermissionDenied):
        run_policy(db, "CEA", user_id=actors.analyst.id)
    with pytest.raises(PermissionDenied):
        get_policies(db, user_id=actors.trader.id)
    with pytest.raises(NotFound, match="no EUA liquidity policy"):
        run_policy(db, "EUA", user_id=actors.admin.id)
    with pytest.raises(ValidationError, match="Unknown certificate type"):
        run_policy(db, "CEA'; DROP TABLE orders; --", user_id=actors.admin.id)
    with pytest.raises(PermissionDenied):
        run_policy(db, "CEA", user_id="1 OR 1=1")
    with pytest.raises(ValidationError, match="Number of runs"):
        get_policy_runs(db, user_id=actors.admin.id, limit=10**6)

    assert snapshot(db) == before
    assert [p.certificate_type for p in get_policies(db, user_id=actors.analyst.id)] == ["CEA"]


def test_saving_a_policy_is_audited_with_before_and_after(db, actors):
    first = policy(db, actors)
    policy(db, actors, bid_depth_eur="5000")

    tickets = db.execute(
        text(
            "SELECT before_state, after_state FROM ticket_logs WHERE action = 'SAVE_LIQUIDITY_POLICY' "
            "AND entity_id = :p ORDER BY id"
        ),
        {"p": first.id},
    ).all()

    assert tickets[0].before_state is None and tickets[0].after_state["bid_depth_eur"] == 10000
    assert tickets[1].before_state["bid_depth_eur"] == 10000 and tickets[1].after_state["bid_depth_eur"] == 5000


def test_policy_runs_do_not_count_toward_the_admins_manual_rate_limit(db, actors, monkeypatch):
    from core.config import get_settings
    from core.liquidity_service import create_liquidity

    monkeypatch.setattr(get_settings(), "liquidity_rate_limit_per_minute", 1)
    fund_market(db, actors, certs=("CEA", "EUA"))
    cea = policy(db, actors, max_order_age_minutes=1)
    run_policy(db, "CEA", user_id=actors.admin.id)
    age_orders(db, cea.id, minutes=2)
    assert run_policy(db, "CEA", user_id=actors.admin.id).action == "refreshed"

    manual = create_liquidity(db, "EUA", "1000", "0", actors.admin.id)  # the one manual creation this minute

    assert manual.policy_id is None
    assert healthy(db)
