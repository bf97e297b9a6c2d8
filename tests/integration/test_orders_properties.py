"""Any sequence of orders and cancels keeps the rules: exact ledger, locks held by open orders only,
never a crossed book, assets conserved, and every fill priced no worse than the aggressor's limit."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InsufficientFunds, ValidationError
from core.market_makers import get_market_makers
from core.orders import cancel_order, place_order
from tests.trading import assert_consistent, fund_trader, make_desk, totals

ACCOUNTS = ("trader", "lp", "ah")
order_steps = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.sampled_from(("BUY", "SELL")),
    st.sampled_from(("LIMIT", "LIMIT", "LIMIT", "MARKET")),
    st.integers(1, 12),
    st.integers(-6, 6),  # cents around 14.00
    st.booleans(),  # cancel one of this account's open orders instead
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(order_steps, min_size=5, max_size=25))
def test_random_order_flow_keeps_every_invariant(db, actors, steps):
    # hypothesis reuses the test database across examples: set up once, then every state must be sound
    if not get_market_makers(db, user_id=actors.admin.id):
        make_desk(db, actors, eur="20000.00", certificates=400)
        fund_trader(db, actors, eur="3000.00", cea=100)
    makers = {m.name: m.id for m in get_market_makers(db, user_id=actors.admin.id)}
    who = {
        "trader": (actors.trader.id, None),
        "lp": (actors.admin.id, makers["LP One"]),
        "ah": (actors.admin.id, makers["AH One"]),
    }
    opened: dict[str, list[int]] = {a: [] for a in ACCOUNTS}
    before = totals(db)

    for account, side, kind, qty, cents, cancel in steps:
        user_id, mm_id = who[account]
        if cancel and opened[account]:
            order_id = opened[account].pop(0)
            try:
                cancel_order(db, order_id, user_id)
            except Exception as exc:  # it may have filled meanwhile
                assert "already" in str(exc)
            continue
        price = Decimal("14.00") + Decimal(cents) / 100 if kind == "LIMIT" else None
        try:
            order = place_order(db, user_id, "CEA", side, kind, qty, price, market_maker_id=mm_id)
        except (InsufficientFunds, ValidationError):
            continue
        if order.is_open:
            opened[account].append(order.id)
        for fill in order.fills:
            assert price is None or (fill.price <= price if side == "BUY" else fill.price >= price)
        assert_consistent(db)

    assert totals(db) == before
