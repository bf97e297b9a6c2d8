"""What a person types into the order entry: a price on its book's tick or a whole quantity, read exactly, and
anything else refused with a sentence (never another exception, whatever the text); and what a limit price is
measured against for its collar, and whether its account covers it, in the engine's own words."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from core.errors import InsufficientFunds, ValidationError
from core.order_entry import check_limit_price, check_order_funds, limit_price_collar, parse_order_quantity
from core.orders import place_order
from tests.helpers import snapshot
from tests.trading import fund_trader, make_desk

D = Decimal


def set_tick(db, cert: str, tick: str) -> None:
    db.execute(text("UPDATE markets SET price_tick = :t WHERE certificate_type = :c"), {"t": tick, "c": cert})
    db.commit()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("14.005", "Prices move in steps of €0.01: the nearest are €14.00 and €14.01"),
        ("0.001", "Prices move in steps of €0.01: the lowest is €0.01"),
        pytest.param("0." + "0" * 2000 + "1", "Prices move in steps of €0.01: the lowest is €0.01", id="0.000…01"),
        ("1e2", "Price: type the number in full, like 1000 (no exponent), got '1e2'"),  # not €100.00
        ("", "Enter a price"),
        ("   ", "Enter a price"),
        ("abc", "Price must be a number, got 'abc'"),
        ("0", "Price must be greater than zero, got 0"),
        ("-1", "Price must be greater than zero, got -1"),
        ("14,03", "Price: use a point for decimals, like 14.03 (a comma only groups thousands)"),
        (
            "81.170",  # refused as ambiguous before the tick reads it as 81.17
            'Price: "81.170" reads as 81170 in much of Europe and as 81.17 here: type 81170 or 81,170 '
            "(or 81.17 for €81.17)",
        ),
        (
            "10,000,000,000,000",
            "Price 10,000,000,000,000 is above the maximum price of €1,000,000,000,000",  # a price, not an operation
        ),  # as typed
    ],
)
def test_a_typed_price_that_is_no_price_of_the_book_is_refused_with_its_reason(db, typed, message):
    with pytest.raises(ValidationError) as refused:
        check_limit_price(db, "CEA", typed)

    assert refused.value.message == message


def test_a_typed_price_on_the_tick_is_read_exactly(db):
    set_tick(db, "CEA", "0.05")

    assert check_limit_price(db, "CEA", " €14.05 ") == Decimal("14.05")
    assert check_limit_price(db, "EUA", "1,250.5") == Decimal("1250.50")
    with pytest.raises(ValidationError, match=r"steps of €0\.05: the nearest are €14\.00 and €14\.05"):
        check_limit_price(db, "CEA", "14.03")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Quantity must be greater than zero, got -5"),
        ("0", "Quantity must be greater than zero, got 0"),
        ("1.5", "Quantity: EUA certificates are whole units, got 1.5"),
        ("abc", "Quantity must be a number, got 'abc'"),
        ("", "Enter a quantity"),
        # never "use a point for decimals": 1.5 is refused next, as no whole number
        ("1,5", "Quantity: EUA certificates are whole units (a comma only groups thousands, like 1,000), got '1,5'"),
        (
            "1.000",  # the sweep's "Buy 1 EUA"
            'Quantity: "1.000" reads as 1000 in much of Europe and as 1 here: type 1000 or 1,000 (or 1 for 1 EUA)',
        ),
    ],
)
def test_a_typed_quantity_that_is_no_whole_number_of_certificates_is_refused_with_its_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_order_quantity(typed, "EUA")

    assert refused.value.message == message


def test_a_typed_quantity_is_read_as_whole_certificates():
    assert [parse_order_quantity(t, "CEA") for t in ("10", " 10 ", "10.0", "1,000")] == [10, 10, 10, 1000]


@pytest.mark.parametrize("typed", ["1e3", "1E3", "2.5e1", " 1e-0 "])
def test_a_quantity_in_exponent_notation_is_refused_as_a_slip_not_read_as_a_number(typed):
    with pytest.raises(ValidationError) as refused:
        parse_order_quantity(typed, "CEA")

    assert "type the number in full" in refused.value.message


PRINTABLE_NUMBERISH = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[-+€ ]?[0-9]{0,14}([.,][0-9]{0,6})?([eE][-+]?[0-9]{1,6})?", fullmatch=True),
    st.sampled_from(["NaN", "Infinity", "-inf", "1e-20000", "1e999999", "0x10", "١٤.٠٣", "\x00", "--1"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=PRINTABLE_NUMBERISH)
def test_whatever_is_typed_is_a_price_on_the_tick_or_a_sentence_saying_why_not(db, typed):
    try:
        price = check_limit_price(db, "EUA", typed)
    except ValidationError as refused:
        assert refused.message
        return
    assert price > 0 and price == price.quantize(Decimal("0.01"))


@settings(max_examples=150, deadline=None)
@given(typed=PRINTABLE_NUMBERISH)
def test_whatever_is_typed_is_a_quantity_or_a_sentence_saying_why_not(typed):
    try:
        quantity = parse_order_quantity(typed, "EUA")
    except ValidationError as refused:
        assert refused.message
        return
    assert isinstance(quantity, int) and quantity >= 1


def reference(db, side: str) -> tuple[str, Decimal] | None:
    collar = limit_price_collar(db, "EUA", side, "81.00")
    return None if collar is None else (collar.reference_label, collar.reference)


def test_a_limit_price_is_measured_against_the_other_side_else_the_last_trade_else_its_own_side(db, actors):
    desk = make_desk(db, actors)
    admin = actors.admin.id
    assert (reference(db, "BUY"), reference(db, "SELL")) == (None, None)  # nothing to measure against: no collar

    place_order(db, admin, "EUA", "BUY", "LIMIT", 10, "80.00", market_maker_id=desk.lp.id)
    assert (reference(db, "BUY"), reference(db, "SELL")) == (("best bid", D("80.00")), ("best bid", D("80.00")))

    place_order(db, admin, "EUA", "SELL", "LIMIT", 10, "82.00", market_maker_id=desk.ah.id)
    assert (reference(db, "BUY"), reference(db, "SELL")) == (("best ask", D("82.00")), ("best bid", D("80.00")))

    place_order(db, admin, "EUA", "BUY", "LIMIT", 10, "82.00", market_maker_id=desk.lp2.id)  # takes the only ask
    assert (reference(db, "BUY"), reference(db, "SELL")) == (("last price", D("82.00")), ("best bid", D("80.00")))


@pytest.mark.parametrize(
    ("side", "order_type", "quantity", "price"),
    [("SELL", "LIMIT", 21, D("81.00")), ("SELL", "MARKET", 21, None), ("BUY", "LIMIT", 12_346, D("81.00"))],
)
def test_an_order_its_account_cannot_cover_is_refused_by_the_entry_as_the_engine_refuses_it(
    db, actors, side, order_type, quantity, price
):
    fund_trader(db, actors, eur="1000000.00", eua=20)
    desk = make_desk(db, actors)
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 5, "80.00", market_maker_id=desk.lp.id)  # a bid to hit
    before = snapshot(db)

    with pytest.raises(InsufficientFunds) as by_the_entry:
        check_order_funds(db, actors.trader.id, "EUA", side, quantity, price)
    with pytest.raises(InsufficientFunds) as by_the_engine:
        place_order(db, actors.trader.id, "EUA", side, order_type, quantity, price)

    assert by_the_entry.value.message == by_the_engine.value.message
    assert snapshot(db) == before


def test_what_an_order_locks_is_its_certificates_or_its_price_times_its_quantity_with_amounts_grouped(db, actors):
    fund_trader(db, actors, eur="1000000.00", eua=20)

    sell = check_order_funds(db, actors.trader.id, "EUA", "SELL", 20)
    buy = check_order_funds(db, actors.trader.id, "EUA", "BUY", 12_345, D("81.00"))
    with pytest.raises(InsufficientFunds) as refused:
        check_order_funds(db, actors.trader.id, "EUA", "BUY", 12_346, D("81.00"))

    assert (sell, buy) == (20, D("999945.00"))
    assert refused.value.message == (
        'Not enough EUR: this buy needs €1,000,026.00 (12,346 × €81.00), trader firm "Trader Firm" has '
        "€1,000,000.00 available"
    )
