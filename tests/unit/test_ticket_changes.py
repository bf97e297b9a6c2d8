"""The audit log's Change column: every action's states read as words, amounts with their unit (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.audit import NAMED_KEYS, TicketNames
from ui.ticket_changes import FIELDS, describe_change

D = Decimal


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(  # create_liquidity_operation's ticket, as the audit log read it: raw keys, "—" for no policy
            None,
            {"certificate_type": "EUA", "target_bid_liquidity_eur": D("2000.00"),
             "target_ask_liquidity_eur": D("1500.00"), "reference_price": D("81.0000"), "price_source": "default",
             "orders": 12, "market_makers": 4, "spread_multiplier": D("1.25"), "volatility": D("0.0123"),
             "policy_id": None, "notes": "Desk request\nQ4"},
            "Certificate: EUA; Price source: Configured default; Reference price: €81.00; BID target: €2,000.00; "
            "ASK target: €1,500.00; Orders: 12; Market makers: 4; Spread: ×1.25; Volatility: σ 1.230 %; "
            "Notes: Desk request ↵ Q4",
            id="CREATE_LIQUIDITY",
        ),
        pytest.param(
            None,
            {"liquidity_operation_id": 17, "operation_ticket_id": "TKT-2026-000017", "market_maker_id": 4,
             "certificate_type": "EUA", "side": "SELL", "level": 3, "price": D("81.41"), "quantity": 2,
             "locked_amount": 2},
            "Certificate: EUA; Side: Sell; Level 3; Price: €81.41; Quantity: 2 EUA; Locked: 2 EUA; Operation #17; "
            "Operation ticket: TKT-2026-000017; Market maker #4",
            id="PLACE_LIQUIDITY_ORDER",
        ),
        pytest.param(
            None,
            {"market_maker_id": 3, "certificate_type": "CEA", "side": "BUY", "order_type": "LIMIT",
             "price": D("13.97"), "quantity": 1000, "filled_quantity": 0, "status": "OPEN",
             "locked_amount": D("13970")},
            "Certificate: CEA; Side: Buy; Order type: Limit; Price: €13.97; Quantity: 1,000 CEA; Filled: 0 CEA; "
            "Locked: €13,970.00; Status: Open; Market maker #3",
            id="PLACE_ORDER",
        ),
        pytest.param(  # the order's side is not in the ticket: what it held reads as the number it is
            {"status": "PARTIALLY_FILLED", "remaining_quantity": 5, "locked_amount": D("405.00")},
            {"status": "CANCELLED", "remaining_quantity": 5, "locked_amount": 0},
            "Locked: 405.00 → 0; Status: Partially filled → Cancelled",
            id="CANCEL_ORDER",
        ),
        pytest.param(
            {"asset": "EUR", "available": D("500111.83"), "locked": D("0")},
            {"asset": "EUR", "available": D("499111.83"), "locked": D("0"), "withdrawn": D("1000.00")},
            "Available: €500,111.83 → €499,111.83; Withdrawn: €1,000.00",
            id="WITHDRAW_ACCOUNT",
        ),
        pytest.param(
            {"asset": "EUA", "available": D("0"), "locked": D("0")},
            {"asset": "EUA", "available": D("4000"), "locked": D("0"), "deposited": 4000},
            "Available: 0 EUA → 4,000 EUA; Deposited: 4,000 EUA",
            id="FUND_ACCOUNT",
        ),
        pytest.param(None, {"name": "Firm A"}, "Name: Firm A", id="CREATE_ENTITY"),
        pytest.param(
            None,
            {"name": "LP 1", "mm_type": "LIQUIDITY_PROVIDER", "initial_balances": {"EUR": 250000}},
            "Name: LP 1; Type: Liquidity provider; Initial balances: €250,000.00",
            id="CREATE_MARKET_MAKER",
        ),
        pytest.param({"is_active": True}, {"is_active": False}, "Active: Yes → No", id="DEACTIVATE_MARKET_MAKER"),
        pytest.param(
            None,
            {"action": "fund_existing", "mm_type": "ASSET_HOLDER", "asset": "CEA", "total": D("3000"),
             "market_maker_ids": [5, 6], "amounts": [D("1500"), D("1500")]},
            "Asset: CEA; Type: Asset holder; Provisioning: Existing market makers funded; Total: 3,000 CEA; "
            "Market makers: #5, #6; Amounts: 1,500 CEA, 1,500 CEA",
            id="PROVISION_MARKET_MAKERS",
        ),
        pytest.param(
            {"open_orders": list(range(101, 113)), "eur_locked": D("1000.00"), "certificates_locked": D("20")},
            {"orders_cancelled": 12, "eur_unlocked": D("1000.00"), "certificates_unlocked": D("20")},
            "Open orders: #101, #102, #103, #104, #105, #106 and 6 more (before); EUR locked: €1,000.00 (before); "
            "Certificates locked: 20 certificates (before); Orders cancelled: 12; EUR unlocked: €1,000.00; "
            "Certificates unlocked: 20 certificates",
            id="WITHDRAW_LIQUIDITY",
        ),
        pytest.param(
            {"paused": False},
            {"paused": True, "reason": "exchange outage", "policies_paused": [1], "orders_withdrawn": 1,
             "eur_unlocked": D("81.00"), "certificates_unlocked": 0},
            "Orders withdrawn: 1; EUR unlocked: €81.00; Certificates unlocked: 0 certificates; Paused: No → Yes; "
            "Policies paused: #1; Reason: exchange outage",
            id="PAUSE_LIQUIDITY",
        ),
        pytest.param(
            {"paused": True, "reason": "exchange outage", "paused_by": 1, "paused_at": "2026-12-02T01:19:53.5+00:00"},
            {"paused": False, "policies_resumed": []},
            "Paused: Yes → No; Paused by user #1 (before); Paused at: 2026-12-02 01:19:53 UTC (before); "
            "Reason: exchange outage (before)",
            id="RESUME_LIQUIDITY",
        ),
        pytest.param(
            {"id": 1, "certificate_type": "EUA", "bid_depth_eur": D("20000.00"), "refresh_tolerance_pct": D("5.000"),
             "max_order_age_minutes": 60, "price_floor": None, "interval_seconds": 60, "dynamic_spread": False,
             "updated_by": 1, "updated_at": "2026-12-02T01:00:00+00:00"},
            {"id": 1, "certificate_type": "EUA", "bid_depth_eur": D("25000.00"), "refresh_tolerance_pct": D("2.500"),
             "max_order_age_minutes": 1, "price_floor": D("80.00"), "interval_seconds": 60, "dynamic_spread": True,
             "updated_by": 1, "updated_at": "2026-12-02T01:30:00+00:00"},
            "BID depth: €20,000.00 → €25,000.00; Refresh tolerance: 5 % → 2.5 %; Max order age: 60 minutes → "
            "1 minute; Price floor: not set → €80.00; Dynamic spread: No → Yes; "
            "Saved at: 2026-12-02 01:00:00 UTC → 2026-12-02 01:30:00 UTC",
            id="SAVE_LIQUIDITY_POLICY",
        ),
        pytest.param(
            None, {"username": "pf.trader4", "role": "TRADER", "entity_id": 4},
            "Username: pf.trader4; Role: Trader; Trader firm #4",  # it read "Role: TRADER; …; Entity id: 4"
            id="CREATE_USER",
        ),
    ],
)  # fmt: skip
def test_every_actions_change_reads_in_words_with_amounts_in_their_unit(before, after, expected):
    assert describe_change(before, after) == expected


NAMES = TicketNames(
    user={1: "alice"}, entity={4: "Demo Trading GmbH"}, market_maker={3: "Atlas", 5: "LP 1", 6: "LP\n2"}
)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            None, {"username": "pf.trader4", "role": "TRADER", "entity_id": 4},
            "Username: pf.trader4; Role: Trader; Trader firm Demo Trading GmbH (#4)",
            id="CREATE_USER",
        ),
        pytest.param(
            None, {"market_maker_id": 3, "certificate_type": "CEA", "side": "BUY", "price": D("13.97")},
            "Certificate: CEA; Side: Buy; Price: €13.97; Market maker Atlas (#3)",
            id="PLACE_ORDER",
        ),
        pytest.param(
            None, {"action": "fund_existing", "market_maker_ids": [5, 6, 7]},
            "Provisioning: Existing market makers funded; Market makers: LP 1 (#5), LP ↵ 2 (#6), #7",
            id="PROVISION_MARKET_MAKERS: a name on one line; an id it found no name for as the id",
        ),
        pytest.param(
            {"paused": True, "paused_by": 1}, {"paused": False}, "Paused: Yes → No; Paused by alice (#1) (before)",
            id="RESUME_LIQUIDITY",
        ),
        pytest.param(
            {"updated_by": 2}, {"updated_by": 1}, "Saved by user #2 → alice (#1)", id="SAVE_LIQUIDITY_POLICY"
        ),
    ],
)  # fmt: skip
def test_a_user_firm_or_market_maker_a_ticket_refers_to_reads_by_its_name_with_its_id(before, after, expected):
    assert describe_change(before, after, NAMES) == expected


@pytest.mark.parametrize("key", NAMED_KEYS)
def test_every_key_whose_names_the_audit_reads_shows_them(key):
    kind = NAMED_KEYS[key]
    names = TicketNames.model_validate({kind: {9: "Named"}})

    assert "Named (#9)" in describe_change(None, {key: 9 if not key.endswith("_ids") else [9]}, names)


def test_every_key_the_stored_functions_write_has_a_label():
    written = {
        "certificate_type", "target_bid_liquidity_eur", "target_ask_liquidity_eur", "reference_price",
        "price_source", "orders", "market_makers", "spread_multiplier", "volatility", "policy_id", "notes",
        "liquidity_operation_id", "operation_ticket_id", "market_maker_id", "side", "level", "price", "quantity",
        "locked_amount", "order_type", "filled_quantity", "status", "remaining_quantity", "asset", "available",
        "locked", "deposited", "withdrawn", "name", "mm_type", "initial_balances", "is_active", "action", "total",
        "market_maker_ids", "amounts", "open_orders", "eur_locked", "certificates_locked", "orders_cancelled",
        "eur_unlocked", "certificates_unlocked", "reason", "paused", "policies_paused", "orders_withdrawn",
        "paused_by", "paused_at", "policies_resumed", "id", "bid_depth_eur", "ask_depth_eur",
        "refresh_tolerance_pct", "top_up_below_pct", "max_order_age_minutes", "price_floor", "price_ceiling",
        "dynamic_spread", "interval_seconds", "cron", "enabled", "updated_by", "created_at", "updated_at",
        "username", "role", "entity_id",
    }  # fmt: skip

    assert written <= set(FIELDS)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            {"max_spread_bps": 40},
            {"max_spread_bps": 55, "auto_hedge": True},
            "Max spread bps: 40 → 55; Auto hedge: Yes",
        ),
        (
            {"price": "abc", "level": 1.5},
            {"quantity": [1], "side": 7},
            "Side: 7; Level 1.5 (before); Price: abc (before); Quantity: [1]",
        ),
        ({"asset": ["EUR"], "total": "5"}, {}, 'Asset: ["EUR"] (before); Total: 5 (before)'),
        ({"open_orders": "#1"}, {"tags": list(range(9))}, "Open orders: #1 (before); Tags: 9 items"),
        (None, None, ""),
        ("x", "y", "x → y"),
        (None, [1, 2], "[1, 2]"),
    ],
)
def test_a_key_or_a_value_no_field_expects_still_reads_as_words(before, after, expected):
    assert describe_change(before, after) == expected


def test_a_value_that_refuses_to_be_compared_still_reads_as_a_change():
    before, after = {"asset": {"": [False]}}, {"asset": {"": [D("sNaN")]}}  # hypothesis found: False == sNaN raised

    assert describe_change(before, after) == 'Asset: {"": [false]} → {"": [sNaN]}'


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.decimals(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(
    st.dictionaries(st.sampled_from([*FIELDS, "other"]), JSON, max_size=6) | JSON,
    st.dictionaries(st.sampled_from([*FIELDS, "other"]), JSON, max_size=6) | JSON,
)
def test_whatever_a_state_holds_its_change_is_text_and_never_raises(before, after):
    assert isinstance(describe_change(before, after), str)
