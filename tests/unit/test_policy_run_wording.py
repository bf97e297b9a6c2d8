"""What a policy run says it did (Run now's message, the runs table's reason): each thing once, in plain words,
for every kind of outcome. The message read "Refreshed · BID empty. Refreshed: the policy was saved…"."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.config import LiquidityLevels
from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.liquidity_models import FundedMarketMaker, SideRole
from core.policy_models import KILL_SWITCH_ACTIONS, KillSwitch, LiquidityPolicy, PolicyRun
from core.policy_rules import Decision, OwnOrder, RunInputs, decide
from ui.policies_view import ACTION_LABEL, run_now_text, share_text

D = Decimal
NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
LP, AH = MarketMakerType.LIQUIDITY_PROVIDER, MarketMakerType.ASSET_HOLDER
ROLES = {
    OrderSide.BUY: SideRole(side=OrderSide.BUY, mm_type=LP, asset=AssetType.EUR),
    OrderSide.SELL: SideRole(side=OrderSide.SELL, mm_type=AH, asset=AssetType.CEA),
}
RICH = [
    FundedMarketMaker(id=1, name="LP 1", mm_type=LP, available=D("600000.00")),
    FundedMarketMaker(id=2, name="AH 1", mm_type=AH, available=D(10_000)),
]


def policy(**changes: object) -> LiquidityPolicy:
    values = {
        "id": 1,
        "certificate_type": CertificateType.CEA,
        "bid_depth_eur": D("10000.00"),
        "ask_depth_eur": D("8000.00"),
        "refresh_tolerance_pct": D("1.0"),
        "top_up_below_pct": D("50"),
        "max_order_age_minutes": 60,
        "price_floor": None,
        "price_ceiling": None,
        "dynamic_spread": False,
        "interval_seconds": 60,
        "cron": None,
        "enabled": True,
        "paused": False,
        "notes": None,
        "updated_by": 1,
        "updated_by_username": "admin",
        "created_at": NOW - timedelta(days=1),
        "updated_at": NOW - timedelta(days=1),
        **changes,
    }
    return LiquidityPolicy(**values)


def inputs(**changes: object) -> RunInputs:
    values = {
        "policy": policy(),
        "kill_switch": KillSwitch(
            paused=False, reason=None, changed_by=None, changed_by_username=None, changed_at=None
        ),
        "now": NOW,
        "own": (),
        "others_best_bid": None,
        "others_best_ask": None,
        "last_price": D("81.00"),
        "previous_reference": None,
        "default_price": D("81.00"),
        "market_makers": RICH,
        "roles": ROLES,
        "volatility": None,
        "spread_multiplier": D(1),
        "levels": LiquidityLevels(),
        "tick": D("0.01"),
        **changes,
    }
    return RunInputs(**values)


def resting(decision: Decision, at: RunInputs) -> tuple[Decimal, ...]:
    """Each side's depth once the run is done: what it placed, or what stays of what rested."""
    out = []
    for side in (OrderSide.BUY, OrderSide.SELL):
        if side in decision.plans:
            out.append(decision.plans[side].total_eur)
        else:
            kept = [o for o in at.own if o.side is side and o.id not in decision.withdraw]
            out.append(sum((o.resting_eur for o in kept), D(0)))
    return tuple(out)


def said(at: RunInputs) -> tuple[str, Decision]:
    """Run now's message for the run ``decide`` makes of ``at``."""
    decision = decide(at)
    bid, ask = resting(decision, at)
    run = PolicyRun.model_construct(
        certificate_type=CertificateType.CEA,
        action=decision.action,
        reason=decision.reason,
        bid_target_eur=at.policy.bid_depth_eur,
        ask_target_eur=at.policy.ask_depth_eur,
        bid_resting_eur=bid,
        ask_resting_eur=ask,
    )
    return run_now_text(run), decision


def resting_orders(placed_minutes_ago: int = 5, reference: str = "81.00", bid: str = "9900", ask: str = "7900"):
    placed = NOW - timedelta(minutes=placed_minutes_ago)
    common = {
        "placed_reference": D(reference),
        "placed_price_source": "last_trade",
        "placed_spread_multiplier": D(1),
        "placed_at": placed,
        "created_at": placed,
    }
    return (
        OwnOrder(
            id=11,
            side=OrderSide.BUY,
            price=D("80.80"),
            resting_eur=D(bid),
            locked_amount=D(bid),
            market_maker_id=1,
            **common,
        ),
        OwnOrder(
            id=12,
            side=OrderSide.SELL,
            price=D("81.20"),
            resting_eur=D(ask),
            locked_amount=D(0),
            market_maker_id=2,
            **common,
        ),
    )


def funded(mm_id: int, name: str, kind: MarketMakerType, available: str) -> FundedMarketMaker:
    return FundedMarketMaker(id=mm_id, name=name, mm_type=kind, available=D(available))


POOR = [funded(3, "Poor LP 1", LP, "100.00"), funded(4, "Poor LP 2", LP, "50.00"), funded(5, "Poor AH", AH, "3")]
SHORT_LP = [funded(1, "LP 1", LP, "100.00"), RICH[1]]
SAVED_NOW = policy(updated_at=NOW)
OUTCOMES = {
    "placed": inputs(),
    "placed, one side short of funds": inputs(market_makers=SHORT_LP),
    "placed, leaving market makers out": inputs(market_makers=[*RICH, *POOR]),
    "skipped, both sides short of funds": inputs(market_makers=[funded(1, "LP 1", LP, "100.00")]),
    "skipped, paused": inputs(
        kill_switch=KillSwitch(paused=True, reason="Drill", changed_by=1, changed_by_username="admin", changed_at=NOW)
    ),
    "skipped, disabled": inputs(policy=policy(enabled=False)),
    "skipped, outside the price band": inputs(policy=policy(price_floor=D("90.00")), own=resting_orders()),
    "refreshed": inputs(policy=SAVED_NOW, own=resting_orders()),
    "refreshed for every reason": inputs(
        policy=SAVED_NOW, own=resting_orders(placed_minutes_ago=90, reference="75.00")
    ),
    "refreshed, one side short of funds": inputs(
        policy=SAVED_NOW, own=resting_orders(bid="100"), market_makers=[funded(1, "LP 1", LP, "0.00"), RICH[1]]
    ),
    "refreshed, leaving market makers out": inputs(
        policy=SAVED_NOW, own=resting_orders(), market_makers=[*RICH, *POOR]
    ),
    "refreshed, short on both sides": inputs(
        policy=SAVED_NOW, own=resting_orders(bid="100", ask="100"), market_makers=[funded(1, "LP 1", LP, "0.00")]
    ),
    "no change": inputs(own=resting_orders()),
    "topped up": inputs(own=resting_orders(bid="1000")),
    "topped up, leaving market makers out": inputs(own=resting_orders(bid="1000"), market_makers=[*RICH, *POOR]),
    "no change, a low side short of funds": inputs(
        own=resting_orders(bid="1000"), market_makers=[funded(1, "LP 1", LP, "0.00"), RICH[1]]
    ),
}


def repeated_phrases(message: str) -> list[str]:
    """Every run of three words the message says more than once (amounts are words, so "€100.00" and "€50.00"
    differ): a thing said twice."""
    words = [w.strip("().,;:").lower() for w in message.split()]
    trigrams = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    return sorted({t for t in trigrams if trigrams.count(t) > 1})


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_a_run_says_its_outcome_once_and_nothing_twice(outcome):
    message, decision = said(OUTCOMES[outcome])

    label = ACTION_LABEL[decision.action]
    assert len(re.findall(rf"\b{label}\b", message, flags=re.IGNORECASE)) == 1, message  # "Refreshed … Refreshed"
    assert repeated_phrases(message) == [], message
    for side in ("BID", "ASK"):  # a side left empty is said once, with why ("BID empty. … BID short by")
        assert not (f"{side} empty" in message and f"{side} short" in message), message


def test_every_kind_of_outcome_is_worded():
    actions = {decide(at).action for at in OUTCOMES.values()}

    # placed, refreshed, topped up, no change, skipped; the kill switch records its own (pause_liquidity and
    # resume_liquidity)
    assert actions == set(ACTION_LABEL) - set(KILL_SWITCH_ACTIONS)


def test_a_refresh_says_why_and_what_rests_now_in_plain_words():
    message, _ = said(OUTCOMES["refreshed, one side short of funds"])

    assert message == (
        "CEA policy run: Refreshed. The policy was saved after its orders were placed: replaced 2 orders with "
        "ASK €7,882.69 around €81.00 (last trade). BID short by €9,749.58 (1 market maker holds €100.00 of the "
        "€9,849.58 it needs)."
    )


def test_market_makers_left_out_are_named_with_what_they_hold_and_the_share_said_once():
    message, _ = said(OUTCOMES["placed, leaving market makers out"])

    assert message.endswith(
        "leaving out Poor LP 1 (€100.00), Poor LP 2 (€50.00) and Poor AH (3 CEA), each holding less than an even "
        "share (BID €9,849.58, ASK 97 CEA)."
    )


def test_a_side_left_empty_that_the_reason_does_not_name_is_still_said_in_the_label():
    run = PolicyRun.model_construct(
        certificate_type=CertificateType.CEA,
        action="none",
        reason="The reference moved 0.00 %, within the 1 % tolerance.",
        bid_target_eur=D(1000),
        ask_target_eur=D(1000),
        bid_resting_eur=D(0),
        ask_resting_eur=D(900),
    )

    assert run_now_text(run) == (
        "CEA policy run: No change · BID empty. The reference moved 0.00 %, within the 1 % tolerance."
    )


def test_a_run_measures_each_side_against_its_target_as_the_card_does_and_says_its_top_up_level_as_an_amount():
    at = OUTCOMES["no change"]  # BID €9,900.00 resting of €10,000.00, ASK €7,900.00 of €8,000.00

    reason = decide(at).reason

    # the card reads "99 % of the €10,000.00 target"; the reason read "BID at 101 % of a full plan" beside it
    assert share_text(D("9900.00"), D("10000.00")) == "99 % of the €10,000.00 target"
    assert "BID €9,900.00 resting, 99 % of its €10,000.00 target, top-up below €4,924.79" in reason
    assert share_text(D("7900.00"), D("8000.00")) == "99 % of the €8,000.00 target"
    assert "ASK €7,900.00 of €8,000.00 (99 %), top-up below €" in reason
    assert re.findall(r"(\d+) % of a full plan", reason) == ["50"]  # the policy's setting, no second share of it
