"""Data shaping of the cash market page: book frames, start price, order and price sentences, the confirmation
band setting, depth chart."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.config import Settings
from core.enums import CertificateType, OrderSide, OrderType
from core.market import BookFill, BookLevel, MarketStats, OrderBook, Trade
from core.order_entry import MarketOrderEstimate, PriceCollar
from core.orders import Order
from ui.charts import depth_figure
from ui.format import price
from ui.order_book import (
    AVAILABLE_KEY,
    PINNED_FROM_PX,
    STICKY_CSS,
    book_frame,
    book_height,
    deepest,
    default_price,
    describe_order,
    picked_price,
)
from ui.order_entry import AVAILABLE, Ticket, message_rows
from ui.trading_account_view import cancelled_text, cancels_text

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def level(price: str, quantity: int, cumulative: int, orders: int = 1) -> BookLevel:
    return BookLevel(price=Decimal(price), quantity=quantity, orders=orders, cumulative=cumulative)


BOOK = OrderBook(
    certificate_type="EUA",
    bids=[level("80.50", 10, 10), level("80.40", 5, 15)],
    asks=[level("81.00", 3, 3), level("81.20", 7, 10)],
)
EMPTY = OrderBook(certificate_type="EUA", bids=[], asks=[])
STATS = MarketStats(
    certificate_type="EUA", best_bid=None, best_ask=None, spread=None, mid=None, last_price=None,
    last_trade_at=None, change_24h=None, change_pct_24h=None, volume_24h=0, turnover_24h=Decimal(0),
    high_24h=None, low_24h=None, trades_24h=0,
)  # fmt: skip


def test_a_buy_starts_at_the_best_ask_and_a_sell_at_the_best_bid():
    assert default_price(OrderSide.BUY, BOOK, STATS, Decimal("81")) == Decimal("81.00")
    assert default_price(OrderSide.SELL, BOOK, STATS, Decimal("81")) == Decimal("80.50")


def test_an_empty_book_starts_at_the_last_trade_then_at_the_configured_default():
    assert default_price(OrderSide.BUY, EMPTY, STATS, Decimal("81")) == Decimal("81")
    traded = STATS.model_copy(update={"last_price": Decimal("79.99")})
    assert default_price(OrderSide.BUY, EMPTY, traded, Decimal("81")) == Decimal("79.99")


def test_a_post_only_order_starts_where_it_rests_its_own_sides_best_else_a_tick_inside_the_other():
    tick = Decimal("0.01")
    one_sided = OrderBook(certificate_type="EUA", bids=[], asks=[level("81.00", 3, 3)])

    assert default_price(OrderSide.BUY, BOOK, STATS, Decimal("81"), tick) == Decimal("80.50")  # the best bid
    assert default_price(OrderSide.SELL, BOOK, STATS, Decimal("81"), tick) == Decimal("81.00")  # the best ask
    assert default_price(OrderSide.BUY, one_sided, STATS, Decimal("90"), tick) == Decimal("80.99")  # never €81.00
    assert default_price(OrderSide.SELL, one_sided, STATS, Decimal("70"), tick) == Decimal("81.00")
    assert default_price(OrderSide.BUY, EMPTY, STATS, Decimal("81"), tick) == Decimal("81")


def test_the_button_says_exactly_which_limit_order_it_sends():
    ticket = Ticket(CertificateType.CEA, OrderSide.BUY, OrderType.LIMIT, 10, Decimal("14.03"), None)

    assert ticket.sentence == "Buy 10 CEA at €14.03 limit, total €140.30"


def test_the_button_of_a_market_order_shows_its_estimated_total_and_average_price():
    fills = [BookFill(order_id=1, price=Decimal("80.50"), quantity=1000, amount=Decimal("80500.00")),
             BookFill(order_id=2, price=Decimal("80.40"), quantity=500, amount=Decimal("40200.00"))]  # fmt: skip
    est = MarketOrderEstimate(certificate_type="EUA", side="SELL", quantity=1500, fills=fills, in_book=1500,
                              best_price=Decimal("80.50"), band_pct=Decimal("2"), own_orders=[])  # fmt: skip
    ticket = Ticket(CertificateType.EUA, OrderSide.SELL, OrderType.MARKET, 1500, None, 3, est)

    assert ticket.sentence == "Sell 1,500 EUA at market, est. total €120,700.00 (avg €80.4667)"
    assert (est.slippage_pct, est.price_move_pct, est.beyond_band) == (Decimal("0.04"), Decimal("0.12"), False)


@pytest.mark.parametrize(
    ("value", "text"),
    [("81.0000", "€81.00"), ("81.0333", "€81.0333"), ("1234.5", "€1,234.50"), ("14.0050", "€14.005"), (None, "—")],
)
def test_an_average_price_shows_cents_or_the_decimals_it_really_has(value, text):
    assert price(None if value is None else Decimal(value)) == text


def test_the_market_order_band_is_two_percent_unless_configured(monkeypatch):
    assert Settings().market_order_band_pct == Decimal("2")
    monkeypatch.setenv("CARBON_MARKET_ORDER_BAND_PCT", "0.5")

    assert Settings().market_order_band_pct == Decimal("0.5")


def test_the_book_frame_keeps_one_row_per_level_and_the_depth_bar_scale_is_the_deepest_side():
    frame = book_frame(BOOK.asks)

    assert list(frame.columns) == ["price", "quantity", "orders", "cumulative", "value"]
    assert list(frame["value"]) == [243.0, 568.4]
    assert deepest(BOOK) == 15
    assert book_height(BOOK) == "content"
    many = OrderBook(certificate_type="EUA", bids=[level("1.00", 1, i) for i in range(1, 40)], asks=[])
    assert book_height(many) == 600


def order(**changes) -> Order:
    base = {
        "id": 7, "seq": 7, "certificate_type": "EUA", "side": "BUY", "order_type": "LIMIT",
        "market_maker_id": None, "entity_id": 1, "placed_by": 1, "price": Decimal("81.00"), "quantity": 10,
        "filled_quantity": 4, "remaining_quantity": 6, "locked_amount": Decimal("486.00"),
        "status": "PARTIALLY_FILLED", "post_only": False, "cancel_reason": None, "created_at": NOW, "updated_at": NOW,
        "fills": [Trade(id=1, certificate_type="EUA", price=Decimal("80.75"), quantity=4, buy_order_id=7,
                        sell_order_id=3, aggressor_side="BUY", created_at=NOW)],
    }  # fmt: skip
    return Order.model_validate({**base, **changes})


def test_an_order_is_described_by_what_traded_and_what_rests():
    assert describe_order(order()) == "Order 7: Bought 4 EUA at an average €80.75; 6 EUA rest in the book at €81.00."


def test_one_certificate_rests_or_was_cancelled_in_the_singular():
    one_rests = order(quantity=5, remaining_quantity=1, locked_amount=Decimal("81.00"))
    one_cancelled = order(order_type="MARKET", price=None, status="CANCELLED", cancel_reason="MARKET_REMAINDER",
                          quantity=5, remaining_quantity=1, locked_amount=0)  # fmt: skip

    assert describe_order(one_rests) == "Order 7: Bought 4 EUA at an average €80.75; 1 EUA rests in the book at €81.00."
    assert (
        describe_order(one_cancelled)
        == "Order 7: Bought 4 EUA at an average €80.75; 1 EUA could not fill and was cancelled."
    )


def test_a_market_remainder_is_described_as_cancelled():
    sentence = describe_order(order(order_type="MARKET", price=None, status="CANCELLED",
                                    cancel_reason="MARKET_REMAINDER", locked_amount=0))  # fmt: skip

    assert sentence == "Order 7: Bought 4 EUA at an average €80.75; 6 EUA could not fill and were cancelled."


def test_a_message_under_the_entry_starts_under_its_field_and_runs_to_the_right_edge_on_a_row_of_its_own():
    widths = [1.2, 1.45, 0.85, 0.75, 2.9]  # side, type, price, quantity, button
    before_price, from_price = 1.2 + 1.45, 0.85 + 0.75 + 2.9

    assert message_rows(widths, []) == [[(AVAILABLE, sum(widths))]]  # the Available line alone
    assert message_rows(widths, [3]) == [  # quantity's, under the button
        [(AVAILABLE, before_price + 0.85), (3, 0.75 + 2.9)]
    ]
    assert message_rows(widths, [3, 2]) == [  # the price's refusal is not squeezed into the Price field's width
        [(AVAILABLE, before_price), (2, from_price)],
        [(None, before_price + 0.85), (3, 0.75 + 2.9)],
    ]
    assert message_rows(widths, [1, 0]) == [  # under the first field (Side), the whole width, below Available
        [(AVAILABLE, sum(widths))],
        [(0, sum(widths))],
        [(None, 1.2), (1, 1.45 + 0.85 + 0.75 + 2.9)],
    ]


def test_a_cancel_says_what_was_unfilled_and_what_it_released():
    buy = order(status="CANCELLED", locked_amount=0)  # 6 of 10 at €81.00 unfilled
    sell = order(side="SELL", status="CANCELLED", locked_amount=0)

    assert cancelled_text(buy) == "Order 7 cancelled: 6 EUA unfilled, €486.00 released"
    assert cancelled_text(sell) == "Order 7 cancelled: 6 EUA unfilled, 6 EUA released"


def test_orders_cancelled_together_are_said_in_one_sentence_summed_per_book_and_asset():
    eua_buy = order(id=7, status="CANCELLED", locked_amount=0)  # 6 EUA at €81.00
    eua_sell = order(id=8, side="SELL", status="CANCELLED", locked_amount=0, remaining_quantity=2, filled_quantity=8)
    cea_buy = order(id=9, certificate_type="CEA", price=Decimal("10.50"), status="CANCELLED", locked_amount=0)
    cea_sell = order(id=10, certificate_type="CEA", side="SELL", status="CANCELLED", locked_amount=0)

    together = cancels_text([eua_buy, eua_sell, cea_buy, cea_sell])

    assert together == "4 orders cancelled: 12 CEA and 8 EUA unfilled, €549.00 and 6 CEA and 2 EUA released"
    assert cancels_text([eua_buy, order(id=11, status="CANCELLED", locked_amount=0)]) == (
        "2 orders cancelled: 12 EUA unfilled, €972.00 released"
    )
    assert cancels_text([eua_buy]) == cancelled_text(eua_buy)


def test_the_depth_chart_draws_cumulative_bids_and_asks_around_mid():
    fig = depth_figure(BOOK)

    bids, asks = fig.data[:2]  # then each side's total carried to the edge of the axis
    assert (list(bids.x), list(bids.y)) == ([80.5, 80.4], [10, 15])
    assert (list(asks.x), list(asks.y)) == ([81.0, 81.2], [3, 10])
    assert fig.layout.shapes[0].x0 == 80.75  # mid


def test_the_depth_chart_leaves_out_levels_far_from_mid():
    far = BOOK.model_copy(update={"asks": [*BOOK.asks, level("200.00", 1, 11)]})

    assert list(depth_figure(far).data[1].x) == [81.0, 81.2]


@pytest.mark.parametrize(
    ("side", "price", "through", "past"),
    [
        ("BUY", "85.05", "5.00", False),  # 5 % above: at the band, not past it
        ("BUY", "85.06", "5.01", True),
        ("BUY", "810.00", "900.00", True),  # a decimal point typed one place off
        ("BUY", "70.00", "0.00", False),  # below the market: it rests, it never pays more
        ("SELL", "76.95", "5.00", False),
        ("SELL", "8.10", "90.00", True),
        ("SELL", "95.00", "0.00", False),
    ],
)
def test_a_limit_price_is_measured_through_the_market_in_the_direction_that_costs_its_side(side, price, through, past):
    collar = PriceCollar(side=side, price=Decimal(price), reference=Decimal("81.00"), reference_label="best ask",
                         band_pct=Decimal("5"))  # fmt: skip

    assert (collar.through_pct, collar.beyond_band) == (Decimal(through), past)


@pytest.mark.parametrize(
    ("side", "price", "label", "refused"),
    [
        (OrderSide.BUY, "81.00", "best ask", "against the best ask at €81.00: a post-only buy rests below it"),
        (OrderSide.BUY, "80.99", "best ask", None),
        (OrderSide.SELL, "81.00", "best bid", "against the best bid at €81.00: a post-only sell rests above it"),
        (OrderSide.SELL, "81.01", "best bid", None),
        (OrderSide.BUY, "90.00", "last price", None),  # no ask to meet: measured against the last trade, it rests
        (OrderSide.SELL, "70.00", "best ask", None),  # no bid: against its own side's best, nothing to meet
    ],
)
def test_a_post_only_price_is_refused_only_where_it_meets_the_other_sides_best(side, price, label, refused):
    collar = PriceCollar(side=side, price=Decimal(price), reference=Decimal("81.00"), reference_label=label,
                         band_pct=Decimal("5"))  # fmt: skip

    said = collar.post_only_refusal

    assert said == (None if refused is None else f"This post-only order would trade at once {refused}")


def test_the_limit_price_band_is_five_percent_unless_configured(monkeypatch):
    assert Settings().limit_price_band_pct == Decimal("5")
    monkeypatch.setenv("CARBON_LIMIT_PRICE_BAND_PCT", "10")

    assert Settings().limit_price_band_pct == Decimal("10")


def test_only_a_cell_of_the_price_column_picks_a_price_from_the_book():
    prices = ("80.83", "80.67", "80.59")

    assert picked_price([(1, "price")], prices) == "80.67"
    assert picked_price([(2, "orders")], prices) is None  # what sorting the bids by a header reports
    assert picked_price([(0, "quantity")], prices) is None
    assert picked_price([], prices) is None


def test_on_a_phone_a_refusal_under_the_entry_comes_before_the_available_line_beside_it():
    """Below PINNED_FROM_PX the columns stack: the Available line, first in its row of messages, put a quantity's
    refusal two blocks below its field (under the button, then under the Available line)."""
    phone = STICKY_CSS.split(f"@media (max-width: {PINNED_FROM_PX - 1}px)", 1)[1]

    rule = re.search(rf":has\(\.st-key-{AVAILABLE_KEY}\)\s*\{{([^}}]*)\}}", phone)

    assert rule is not None and "order: 1;" in rule.group(1)
