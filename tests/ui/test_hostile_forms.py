"""Hostile input typed into every free-text form of the app (AppTest): a clear error on the page, never a
traceback, and nothing changes in the database. Bounded widgets (number inputs, choices) cannot carry text."""

import pytest

from core.market_makers import create_market_maker
from tests.helpers import PASSWORD, snapshot
from tests.ui.conftest import field_errors, linkable, texts

SQL_ISH = "1; DROP TABLE users; --"
HUGE = "9" * 100_000
# a sample per kind of hostility (tests/integration/test_hostile_input.py sends the full lists to core)
BAD_EUR = ["-5", "NaN", "1e30", "10.001", SQL_ISH, HUGE, "1,2,3.4.5"]
BAD_CERTIFICATES = ["-5", "1.5", "inf", SQL_ISH]


def _label(value: str) -> str:
    return value if len(value) <= 25 else f"{value[:10]}…({len(value)} chars)"


def assert_refused_on_the_page(at, db, before) -> None:
    assert not at.exception, at.exception
    said = [t for t in [*texts(at.error), *field_errors(at)] if t.strip()]  # in an error box or under its field
    assert said, "the page should say why it refused"
    assert snapshot(db) == before


@pytest.fixture
def provider(db, actors):
    return create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="100000")


@pytest.fixture
def holder(db, actors):
    return create_market_maker(db, "Cedar", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 9000, "EUA": 900})


@pytest.mark.parametrize("amount", BAD_EUR, ids=_label)
def test_the_create_market_maker_form_refuses_a_hostile_initial_eur_balance(open_app, actors, db, amount):
    before = snapshot(db)
    at = open_app(actors.admin, "pages/market_makers.py")
    at.button(key="mm_create_open").click().run()

    at.text_input(key="mm_new_name").set_value("Hostile LP")
    at.text_input(key="mm_new_eur").set_value(amount)
    at.button(key="mm_new_submit").click().run()

    assert_refused_on_the_page(at, db, before)


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "tab\there"], ids=_label)  # over 200: the widget stops it
def test_the_create_market_maker_form_refuses_a_hostile_name(open_app, actors, db, name):
    before = snapshot(db)
    at = open_app(actors.admin, "pages/market_makers.py")
    at.button(key="mm_create_open").click().run()

    at.text_input(key="mm_new_name").set_value(name)
    at.button(key="mm_new_submit").click().run()

    assert_refused_on_the_page(at, db, before)


@pytest.mark.parametrize(
    ("form", "who", "amount"),
    [("fund", "holder", a) for a in BAD_CERTIFICATES]
    + [("withdraw", "provider", a) for a in (SQL_ISH, HUGE, "1,2,3.4.5")],  # careless ones: test_market_makers_page
    ids=lambda v: _label(str(v)),
)
def test_the_fund_and_withdraw_forms_refuse_a_hostile_amount(open_app, actors, db, request, form, who, amount):
    market_maker = request.getfixturevalue(who)
    before = snapshot(db)
    at = open_app(actors.admin, "pages/market_makers.py")
    at.selectbox(key="mm_selected").set_value(market_maker.id).run()
    at.button(key=f"mm_{form}_open").click().run()

    at.text_input(key=f"mm_{form}_amount").set_value(amount)
    at.button(key=f"mm_{form}_submit").click().run()

    assert_refused_on_the_page(at, db, before)


@pytest.mark.parametrize(
    ("side", "amount"),
    [("liq_bid", a) for a in ("-5", "NaN", "1e30", "10.001", SQL_ISH)] + [("liq_ask", a) for a in ("Infinity", HUGE)],
    ids=lambda v: _label(str(v)),
)
def test_the_liquidity_form_refuses_hostile_targets(open_app, actors, db, provider, holder, side, amount):
    before = snapshot(db)
    at = open_app(actors.admin, "pages/create_liquidity.py")

    at.text_input(key="liq_bid").set_value("1000")
    at.text_input(key="liq_ask").set_value("1000")
    at.text_input(key=side).set_value(amount)
    at.button(key="liq_preview").click().run()

    assert_refused_on_the_page(at, db, before)
    assert "liq_execute" not in {b.key for b in at.button} or at.button(key="liq_execute").disabled


@pytest.mark.parametrize("search", ["TKT%'; --", "\\", HUGE, "Ωmega 🚀", "\x00"], ids=_label)
def test_the_operations_ticket_search_survives_hostile_text(open_app, actors, db, search):
    before = snapshot(db)
    at = open_app(actors.analyst, "pages/operations.py")

    at.text_input(key="ops_ticket").set_value(search).run()

    assert not at.exception, at.exception
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (SQL_ISH, PASSWORD),
        ("admin", SQL_ISH),
        ("admin' --", "x"),
        (HUGE, HUGE),
        ("Ωmega 🚀", "🚀" * 10),
        ("a\x00", "b"),
    ],
    ids=["sql-name", "sql-password", "comment", "huge", "unicode", "nul"],
)
def test_the_sign_in_form_answers_hostile_credentials_plainly(app, actors, db, username, password):
    at = app.run()

    at.text_input(key="login_username").set_value(username)
    at.text_input(key="login_password").set_value(password)
    at.button(key="FormSubmitter:login_form-Sign in").click().run()

    assert not at.exception, at.exception
    assert texts(at.error) == ["Wrong username or password"]
    assert "auth_user" not in at.session_state


MARKUP_NAME = "Firm [pwn](http://example.invalid/x) *bold* :red[alert] www.example.invalid ceo@example.invalid"


def test_a_refusal_quoting_a_typed_name_shows_the_name_as_typed_never_as_markup(open_app, actors, db):
    create_market_maker(db, MARKUP_NAME, "LIQUIDITY_PROVIDER", actors.admin.id)
    before = snapshot(db)
    at = open_app(actors.admin, "pages/market_makers.py")
    at.button(key="mm_create_open").click().run()

    at.text_input(key="mm_new_name").set_value(MARKUP_NAME.upper())  # taken, whatever the case
    at.button(key="mm_new_submit").click().run()

    assert_refused_on_the_page(at, db, before)
    assert field_errors(at) == [f'A market maker named "{MARKUP_NAME}" already exists']  # under Name, as stored
    assert not [c for c in at.caption if linkable(str(c.value))]
