"""What a person types into the order entry: a price on its book's tick or a whole quantity, read exactly, and
anything else refused with a sentence (never another exception, whatever the text); and what a limit price is
measured against for its collar."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from core.errors import ValidationError
from core.order_entry import check_limit_price, limit_price_collar, parse_order_quantity
from core.orders import place_order
from tests.trading import make_desk

D = Decimal


def set_tick(db, cert: str, tick: str) -> None:
    db.execute(text("UPDATE markets SET price_tick = :t WHERE certificate_type = :c"), {"t": tick, "c": cert})
    db.commit()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("14.005", "Prices move in steps of €0.01: the nearest are €14.00 and €14.01"),
        ("0.001", "Prices move in steps of €0.01: the lowest is €0.01"),
        ("", "Enter a price"),
        ("   ", "Enter a price"),
        ("abc", "Price must be a number, got 'abc'"),
        ("0", "Price must be greater than zero, got 0"),
        ("-1", "Price must be greater than zero, got -1"),
        ("14,03", "Price: use a point for decimals, like 14.03 (a comma only groups thousands)"),
        ("1e13", "Price 1E+13 is above the maximum of 1,000,000,000,000 accepted in one operation"),
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
        ("1,5", "Quantity: use a point for decimals, like 14.03 (a comma only groups thousands)"),
    ],
)
def test_a_typed_quantity_that_is_no_whole_number_of_certificates_is_refused_with_its_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_order_quantity(typed, "EUA")

    assert refused.value.message == message


def test_a_typed_quantity_is_read_as_whole_certificates():
    assert [parse_order_quantity(t, "CEA") for t in ("10", " 10 ", "10.0", "1,000", "1e3")] == [10, 10, 10, 1000, 1000]


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
