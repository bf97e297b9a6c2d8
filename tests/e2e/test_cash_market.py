"""The cash market in real Chromium: the order entry stays pinned while the page and the book scroll, a price
clicked in the book lands in the entry (every time it is clicked), and bad input is refused next to its field."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import WebSocketRoute, expect
from sqlalchemy import text
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from core.market_makers import deactivate_market_maker
from core.orders import place_order
from core.user_accounts import deactivate_user
from tests.e2e.conftest import open_as, settle
from tests.helpers import snapshot
from tests.trading import fund_trader, make_desk
from ui.order_book import PINNED_FROM_PX

ENTRY = ".st-key-cm_order_entry"
MAIN_SCROLL = "document.querySelector('.stMain').scrollTop"
# notes in window.sawRefusal whether core's refusal of an ended session is ever drawn, however briefly
REFUSAL_WATCH = """() => {
    window.sawRefusal = false;
    new MutationObserver(() => {
        if (document.body.innerText.includes("Only an active signed-in user")) window.sawRefusal = true;
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""
# how many lines each message under the order entry reads on (its text's boxes, the icon left out, grouped by line)
MESSAGE_LINES = r"""() => Object.fromEntries([...document.querySelectorAll(
    '.st-key-cm_order_entry [data-testid=stCaptionContainer]'
)].map(e => {
    const tops = [], walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (t.parentElement.closest('[data-testid=stIconMaterial]')) continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    return [e.innerText.replace(/^error\s*/, ''), tops.filter((top, i) => i === 0 || top > tops[i - 1] + 8).length];
}))"""
STICKY_TOP = 60  # px: top: 3.75rem in ui.order_book.STICKY_CSS, just under the app header


def deep_book(db, actors) -> None:
    """60 price levels a side on EUA, a few trades, and a funded trader."""
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="250000.00", eua=100)
    for i in range(6):
        place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5 + i, "80.95", market_maker_id=desk.ah2.id)
        place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 5 + i, market_maker_id=desk.lp2.id)
    for i in range(60):
        step = Decimal(i) / 100
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 10 + 3 * i, Decimal("80.90") - step,
                    market_maker_id=desk.lp.id)  # fmt: skip
        place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 12 + 2 * i, Decimal("81.00") + step,
                    market_maker_id=desk.ah.id)  # fmt: skip


def settled_box(page, locator) -> dict:
    """The element's box once the page has stopped moving: unchanged over three polls (smooth scrolling
    animates in steps and ends on its own)."""
    seen: list = []
    while len(seen) < 3 or len({str(s) for s in seen[-3:]}) > 1:
        seen.append((locator.bounding_box(), page.evaluate(MAIN_SCROLL)))
        page.wait_for_timeout(200)  # polling for the scroll to settle
    return seen[-1][0]


# what a reader cannot see whole at this width: any element of the Market switch, the stats or the entry narrower than
# its content (an ellipsis, a segmented control scrolled sideways), a side of the book that scrolls sideways (its outer
# column, the bids' prices, hidden), and any two of the entry's controls that overlap
CUT_OR_OVERLAPPING = """() => {
    const cut = [];
    for (const e of document.querySelectorAll('.st-key-cm_cert *, .st-key-cm_stats *, .st-key-cm_order_entry *'))
        // (a box 1 px wide is hidden on purpose: the Post only switch's input, there for screen readers)
        if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1) cut.push(`cut: ${e.textContent}`);
    for (const side of ['buy', 'sell'])
        for (const grid of document.querySelectorAll(`.st-key-cm_book_${side}_EUA .dvn-scroller`))
            if (grid.scrollWidth > grid.clientWidth + 1) cut.push(`the ${side} side scrolls sideways`);
    // the controls shown: a button drawn anew is followed, until its run ends, by the old one, hidden (ui.clicks)
    const controls = [...document.querySelectorAll(
        '.st-key-cm_order_entry :is([data-testid=stButtonGroup], [data-testid=stTextInput] input, button[kind=primary])'
    )].filter(e => e.checkVisibility()).map(e => [e.textContent || e.ariaLabel, e.getBoundingClientRect()]);
    controls.forEach(([a, r], i) => controls.slice(i + 1).forEach(([b, q]) => {
        const meet = r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom;
        if (meet) cut.push(`${a} overlaps ${b}`);
    }));
    // stacked, the asks a toolbar's height below the bids: on a touch screen a grid's toolbar shows at all times,
    // above the grid, and the asks' covered the last bid
    const [bids, asks] = ['buy', 'sell'].map(
        s => document.querySelector(`.st-key-cm_book_${s}_EUA`).getBoundingClientRect());
    const gap = asks.top - bids.bottom;
    if (asks.top >= bids.bottom && gap < 40) cut.push(`the asks are ${gap} px below the bids`);
    return controls.length === 5 ? cut : [...cut, `${controls.length} controls, not 5`];
}"""


# where each text of the title row stands on its line: the title's, the Market switch's and the "Trading for" line's
# baselines (a probe of no height set on the baseline of each one's first line)
TITLE_ROW_BASELINES = """() => {
    const baseline = e => {
        const probe = document.createElement('span');
        probe.style.cssText = 'display: inline-block; width: 0; height: 0; vertical-align: baseline';
        e.prepend(probe);  // on the first line: the title once carried its link icon on a second
        const y = probe.getBoundingClientRect().top;
        probe.remove();
        return y;
    };
    return [baseline(document.querySelector('h1 span')), baseline(document.querySelector('.st-key-cm_cert button p')),
            baseline(document.querySelector('[data-testid=stText] span'))];
}"""


def test_the_order_entry_stays_pinned_while_the_page_and_the_book_scroll_but_not_on_a_phone(
    db, actors, app_server, page, screenshot
):
    deep_book(db, actors)
    open_as(page, app_server, actors.trader.username)
    entry = page.locator(ENTRY)
    bids = page.locator(".st-key-cm_book_buy_EUA")
    entry.wait_for()  # the page's default timeout: the first run of the app imports pandas and plotly
    bids.wait_for()
    page.get_by_role("heading", name="Closed orders").wait_for()  # the last section: the whole page has run
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)  # the login form has faded out
    expect(bids.locator("canvas").first).to_be_visible()
    settled_box(page, entry)
    screenshot(page, "cash-market.png")

    # every column, control and label whole from a laptop with the sidebar open to a wide screen, for both order
    # types (a MARKET button says the most); one page, resized: the layout follows the window without a rerun
    for order_type, button in (("Limit", "Buy 10 EUA at €81.00 limit"), ("Market", "Buy 10 EUA at market")):
        entry.get_by_text(order_type, exact=True).click()
        expect(entry.get_by_role("button", name=re.compile(f"^{button}"))).to_be_visible()
        for width in (1280, 1920, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(300)  # one layout pass (not an assertion)
            assert (order_type, width, page.evaluate(CUT_OR_OVERLAPPING)) == (order_type, width, [])
            # the Market switch and "Trading for" stand on the title's line, not above it (nor pushed below it by
            # the title's link icon, which wrapped under it at 1,280 px)
            title, switch, trading = page.evaluate(TITLE_ROW_BASELINES)
            assert (width, abs(switch - title) <= 2, abs(trading - title) <= 5) == (width, True, True)

    # a price and a quantity of seven digits read whole in their boxes
    entry.get_by_text("Limit", exact=True).click()
    for label, typed in (("Price (€)", "1,000,000.00"), ("Quantity", "1,000,000")):
        entry.get_by_label(label).fill(typed)
        entry.get_by_label(label).press("Tab")
    expect(entry.get_by_text("Not enough EUR")).to_be_visible()
    for width in (1280, 1920, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # one layout pass (not an assertion)
        assert (width, page.evaluate(CUT_OR_OVERLAPPING)) == (width, [])
    for label, typed in (("Price (€)", "81.00"), ("Quantity", "10")):
        entry.get_by_label(label).fill(typed)
        entry.get_by_label(label).press("Tab")
    expect(entry.get_by_role("button", name=re.compile("^Buy 10 EUA at €81.00 limit"))).to_be_visible()

    # scroll the page until the entry sticks under the app header
    page.mouse.move(800, 250)
    page.mouse.wheel(0, 600)
    pinned = settled_box(page, entry)
    page_scroll = page.evaluate(MAIN_SCROLL)
    assert page_scroll > 0
    assert pinned["y"] == STICKY_TOP

    # in the page margin the wheel scrolls the page (over the book it would scroll the book)
    page.mouse.move(pinned["x"] - 30, 700)
    page.mouse.wheel(0, 600)
    assert settled_box(page, entry) == pinned
    assert page.evaluate(MAIN_SCROLL) > page_scroll

    grid = bids.bounding_box()
    page.mouse.move(grid["x"] + grid["width"] / 2, max(grid["y"], pinned["y"] + pinned["height"]) + 120)
    page.mouse.wheel(0, 400)
    assert settled_box(page, entry) == pinned
    assert pinned["y"] < 100 and entry.is_visible()

    # what a send says comes at the bottom of the window: at the top it covered the pinned entry's button, and with
    # it the sentence of the next order
    button = entry.get_by_role("button", name=re.compile("^Buy 10 EUA at €81.00 limit"))
    button.click()
    toast = page.get_by_test_id("stToast").first
    expect(toast).to_be_visible()
    said, sends = toast.bounding_box(), button.bounding_box()
    assert said["y"] > sends["y"] + sends["height"] + 200

    # on a phone the entry, its fields wrapped, is half the screen tall: it scrolls away with the page instead
    page.set_viewport_size({"width": PINNED_FROM_PX - 250, "height": 844})
    # scrolled by script: at this width the sidebar can lie over the page, and a wheel over it scrolls the sidebar
    page.evaluate("document.querySelector('.stMain').scrollTo(0, 1500)")
    phone = settled_box(page, entry)
    assert page.evaluate(MAIN_SCROLL) > 0
    assert phone["y"] + phone["height"] <= 0


def click_ask(page, asks, row: int, price, expected: str) -> None:
    """Click one ask's price cell; the canvas grid takes clicks once it has drawn and the page stopped moving,
    so click again if the entry does not show it. Not sooner than a loaded machine answers (a pick is two runs,
    the book's and then the page's): a second click still in flight would put its price back over what the test
    types next."""
    row_height, header = 38, 38
    for _ in range(3):
        grid = settled_box(page, asks)
        page.mouse.click(grid["x"] + 30, grid["y"] + header + row * row_height + row_height / 2)
        try:
            expect(price).to_have_value(expected, timeout=10_000)
        except AssertionError:
            continue
        settle(page)
        return
    expect(price).to_have_value(expected)


def test_every_option_field_and_price_is_whole_from_a_phone_to_a_window_beside_another(
    db, actors, app_server, page, screenshot
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 926, "80.83", market_maker_id=desk.lp.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 922, "81.17", market_maker_id=desk.ah.id)
    open_as(page, app_server, actors.trader.username)
    entry = page.locator(ENTRY)
    expect(entry.get_by_role("button", name=re.compile("^Buy 10 EUA at €81.17 limit"))).to_be_visible()
    expect(page.locator(".st-key-cm_book_buy_EUA canvas").first).to_be_visible()

    cut = {}
    for width in (390, 800, 1024):  # a phone; a window beside another on a 1,920 px screen; a small laptop
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)  # one layout pass (not an assertion)
        cut[width] = page.evaluate(CUT_OR_OVERLAPPING)
        screenshot(page, f"cash-market-{width}.png")

    # from 700 to 1,180 px with the sidebar open, Side showed "Buy" and Type "Limit" alone (Sell and Market scrolled
    # out of their boxes), and the book's two sides, side by side, hid the bids' prices (their outer column); on a
    # phone too, by 36 px
    assert cut == {390: [], 800: [], 1024: []}


def test_a_price_clicked_in_the_book_fills_the_order_entry_every_time_it_is_clicked(db, actors, app_server, page):
    deep_book(db, actors)
    open_as(page, app_server, actors.trader.username)
    asks = page.locator(".st-key-cm_book_sell_EUA")
    asks.wait_for()  # the page's default timeout: the first run of the app imports pandas and plotly
    price = page.get_by_label("Price (€)")
    price.wait_for()
    expect(price).to_have_value("81.00")

    click_ask(page, asks, 2, price, "81.02")  # the third ask
    expect(page.get_by_role("button", name="Buy 10 EUA at €81.02 limit, total €810.20")).to_be_visible()
    price.fill("80.00")
    price.press("Tab")
    expect(page.get_by_role("button", name="Buy 10 EUA at €80.00 limit, total €800.00")).to_be_visible()

    click_ask(page, asks, 2, price, "81.02")  # the same cell again: applied again

    expect(page.get_by_role("button", name="Buy 10 EUA at €81.02 limit, total €810.20")).to_be_visible()


def test_a_price_is_picked_at_the_first_click_after_a_click_elsewhere_in_the_book(db, actors, app_server, page):
    deep_book(db, actors)
    open_as(page, app_server, actors.trader.username)
    asks, bids = page.locator(".st-key-cm_book_sell_EUA"), page.locator(".st-key-cm_book_buy_EUA")
    price = page.get_by_label("Price (€)")
    price.wait_for()
    settle(page)
    ask_box = settled_box(page, asks)
    page.mouse.click(ask_box["x"] + 110, ask_box["y"] + 38 + 38 + 19)  # the second ask's quantity: no price
    settle(page)

    bid_box = settled_box(page, bids)
    page.mouse.click(bid_box["x"] + bid_box["width"] - 30, bid_box["y"] + 38 + 2 * 38 + 19)  # the third bid's price

    expect(price).to_have_value("80.88")  # once: it used to take a second click


class StaleSelection:
    """Relays the page's websocket to the app. It keeps the last selection the browser sent for the EUA asks, and
    on request puts it into the next message: a message the browser sent before it heard what became of a pick."""

    def __init__(self) -> None:
        self.pick: WidgetState | None = None
        self.armed = self.replayed = False

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            back = BackMsg.FromString(message) if isinstance(message, bytes) else None
            if back is not None and back.HasField("rerun_script"):
                widgets = back.rerun_script.widget_states.widgets
                for state in widgets:
                    if "cm_book_sell_EUA" in state.id and '"price"' in state.string_value:
                        self.pick = WidgetState.FromString(state.SerializeToString())
                if self.armed and self.pick is not None:
                    kept = [w for w in widgets if w.id != self.pick.id]
                    del widgets[:]
                    widgets.extend([*kept, self.pick])
                    message, self.armed, self.replayed = back.SerializeToString(), False, True
            server.send(message)

        ws.on_message(from_page)


def test_a_pick_is_not_applied_again_by_a_message_that_still_carries_its_selection(db, actors, app_server, page):
    deep_book(db, actors)
    relay = StaleSelection()
    page.route_web_socket("**/_stcore/stream", relay.route)
    open_as(page, app_server, actors.trader.username)
    asks, price = page.locator(".st-key-cm_book_sell_EUA"), page.get_by_label("Price (€)")
    price.wait_for()
    click_ask(page, asks, 2, price, "81.02")
    price.fill("80.00")
    price.press("Tab")
    expect(page.get_by_role("button", name="Buy 10 EUA at €80.00 limit, total €800.00")).to_be_visible()
    settle(page)

    relay.armed = True  # the next message carries the pick's selection, as one sent before the pick was answered
    quantity = page.get_by_label("Quantity")
    quantity.fill("11")
    quantity.press("Tab")
    settle(page)

    assert relay.replayed
    expect(page.get_by_role("button", name="Buy 11 EUA at €80.00 limit, total €880.00")).to_be_visible()
    expect(price).to_have_value("80.00")


HOSTILE = "Firm [pwn](http://example.invalid/x)"
MONEY_TABLES = ("orders", "trades", "balances", "asset_transactions")


def test_bad_input_in_the_order_entry_is_refused_next_to_its_field_and_sends_nothing(
    db, actors, app_server, page, screenshot
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    db.execute(text("UPDATE entities SET name = :n WHERE id = :e"), {"n": HOSTILE, "e": actors.entity.id})
    db.commit()
    open_as(page, app_server, actors.trader.username)
    price, quantity = page.get_by_label("Price (€)"), page.get_by_label("Quantity")
    entry = page.locator(".st-key-cm_order_entry")
    expect(entry.get_by_role("button", name="Buy 10 EUA at €81.00 limit, total €810.00")).to_be_enabled()
    before = {t: rows for t, rows in snapshot(db).items() if t in MONEY_TABLES}

    for field, typed, message in [
        (quantity, "-5", "Quantity must be greater than zero, got -5"),
        (quantity, "1.5", "Quantity: EUA certificates are whole units, got 1.5"),
        (quantity, "abc", "Quantity must be a number, got 'abc'"),
        (quantity, "1 000", "Quantity: type 1000 or 1,000, without spaces, got '1 000'"),
        (quantity, "€10", "Quantity counts EUA certificates, not euros: type the number without €, got '€10'"),
        (quantity, "", "Enter a quantity"),
        (price, "81.005", "Prices move in steps of €0.01: the nearest are €81.00 and €81.01"),
        (price, "", "Enter a price"),
        (price, "0", "Price must be greater than zero, got 0"),
    ]:
        field.fill(typed)
        field.press("Tab")
        expect(entry.get_by_text(message)).to_be_visible()
        expect(entry.get_by_role("button", name="Buy EUA", exact=True)).to_be_disabled()
        if typed == "81.005":
            screenshot(page, "cash-market-bad-price.png")
        field.fill("10" if field is quantity else "81.00")
        field.press("Tab")
        expect(entry.get_by_role("button", name="Buy 10 EUA at €81.00 limit, total €810.00")).to_be_enabled()

    # a bad price and a bad quantity at once, on a laptop with the sidebar open: each refusal reads on a line or two
    # (side by side, the price's had the Price field's width: seven lines)
    page.set_viewport_size({"width": 1280, "height": 800})
    price_refusal, quantity_refusal = (
        "Prices move in steps of €0.01: the nearest are €81.00 and €81.01",
        "Quantity: EUA certificates are whole units, got 1.5",
    )
    for field, typed in ((price, "81.005"), (quantity, "1.5")):
        field.fill(typed)
        field.press("Tab")
    expect(entry.get_by_text(quantity_refusal)).to_be_visible()
    expect(entry.get_by_text(price_refusal)).to_be_visible()
    settle(page)
    lines = page.evaluate(MESSAGE_LINES)
    assert lines[price_refusal] <= 2 and lines[quantity_refusal] <= 2, lines

    expect(page.get_by_text("Something went wrong")).to_have_count(0)
    assert {t: rows for t, rows in snapshot(db).items() if t in MONEY_TABLES} == before
    expect(page.get_by_text(f"Trading for {HOSTILE}", exact=True)).to_be_visible()  # the name as typed
    expect(page.locator("a[href*='example.invalid']")).to_have_count(0)  # and never a link


def test_the_entrys_available_line_follows_an_order_placed_in_another_window(db, actors, app_server, page):
    fund_trader(db, actors, eur="10000.00")
    open_as(page, app_server, actors.trader.username)
    entry = page.locator(ENTRY)
    expect(entry.get_by_text("Available €10,000.00")).to_be_visible()

    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")  # another window, nothing touched here

    expect(entry.get_by_text("Available €9,200.00")).to_be_visible()  # within a refresh of the book (3 s)
    expect(entry.get_by_text("Locked in orders €800.00")).to_be_visible()

    # an admin switches the trader off in another window: the open page signs out saying why, never showing core's
    # refusal of the ended session on the way (it did, in red, until the session watch came round)
    page.evaluate(REFUSAL_WATCH)
    deactivate_user(db, actors.trader.id, created_by_id=actors.admin.id)
    expect(page.get_by_text("Your account is deactivated")).to_be_visible()
    assert page.evaluate("window.sawRefusal") is False


PACES = {"at a person's pace": 150, "as fast as keys go": 0, "at once": None}  # ms between keys; None: a fill


def type_over(field, typed: str, pace: str, enter: bool = False) -> None:
    """Select what ``field`` holds and type ``typed`` over it at ``pace``: a person's, as fast as keys go (a quick
    trader, a test), or at once (a paste, Playwright's fill)."""
    field.click()
    field.press("ControlOrMeta+a")
    if PACES[pace] is None:
        field.fill(typed)
    else:
        field.press_sequentially(typed, delay=PACES[pace])
    if enter:
        field.press("Enter")


@pytest.mark.parametrize("pace", PACES)
def test_the_default_quantity_typed_again_over_itself_turns_its_shortfall_note_into_a_refusal(
    db, actors, app_server, page, pace
):
    make_desk(db, actors)  # the trader's firm holds no CEA: the 10 the page puts there cannot be sold
    open_as(page, app_server, actors.trader.username, "/cash-market?market=CEA&side=SELL")
    entry = page.locator(ENTRY)
    quantity = entry.get_by_role("textbox", name="Quantity")
    said = entry.locator("[data-testid=stCaptionContainer]", has_text="Not enough CEA: this sell needs 10")
    expect(said).to_be_visible(timeout=20_000)
    settle(page)
    assert said.inner_text().startswith("info")  # a note: the trader typed nothing

    type_over(quantity, "10", pace, enter=True)  # the same value

    # red, as after typing any other quantity: it stayed a grey note (the browser sent nothing, the value being
    # the one it had), and typed fast or at once it stayed grey even when the browser sent "1" and then "10"
    # (Streamlit merged the two, and the page saw no change)
    expect(said).to_have_text(re.compile(r"^error"))
    expect(quantity).to_have_value("10")


def test_after_an_order_the_same_quantity_pasted_again_turns_its_shortfall_note_into_a_refusal(
    db, actors, app_server, page
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eua=7)
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 30, "80.00", market_maker_id=desk.lp.id)
    open_as(page, app_server, actors.trader.username, "/cash-market?market=EUA&side=SELL&type=MARKET")
    entry = page.locator(ENTRY)
    quantity = entry.get_by_role("textbox", name="Quantity")
    settle(page)
    type_over(quantity, "7", "at a person's pace")
    entry.get_by_role("button", name=re.compile("^Sell 7 EUA at market")).click()
    said = entry.locator("[data-testid=stCaptionContainer]", has_text="Not enough EUA: this sell needs 7")
    expect(said).to_have_text(re.compile(r"^info"))  # the fields keep the order just sent: no mistake of theirs
    settle(page)

    type_over(quantity, "7", "at once")  # the watch is armed again once the page has sent the order

    expect(said).to_have_text(re.compile(r"^error"))


@pytest.mark.parametrize("pace", ["at a person's pace", "as fast as keys go"])
def test_the_check_under_quantity_follows_the_last_keystroke_without_enter_or_tab(db, actors, app_server, page, pace):
    make_desk(db, actors)
    fund_trader(db, actors, eua=20)
    open_as(page, app_server, actors.trader.username, "/cash-market?market=EUA&side=SELL")
    entry = page.locator(ENTRY)
    quantity = entry.get_by_role("textbox", name="Quantity")
    expect(entry.get_by_role("button", name=re.compile("^Sell 10 EUA"))).to_be_visible()
    settle(page)

    for typed, shown in (("5000", "this sell needs 5,000,"), ("12", "Sell 12 EUA at €"), ("3000", "needs 3,000,")):
        type_over(quantity, typed, pace)

        # the check and the button said what the first keystroke made ("5", "1", "3") until Enter or Tab
        expect(entry.get_by_text(shown)).to_be_visible()
        expect(quantity).to_have_value(typed)


def test_the_check_under_price_and_the_button_follow_the_last_keystroke_without_enter_or_tab(
    db, actors, app_server, page
):
    make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    open_as(page, app_server, actors.trader.username, "/cash-market?market=EUA&side=BUY")
    entry = page.locator(ENTRY)
    price = entry.get_by_role("textbox", name="Price (€)")
    expect(entry.get_by_role("button", name=re.compile("^Buy 10 EUA at"))).to_be_visible()
    settle(page)

    for typed, shown in (("abc", "Price must be a number, got 'abc'"), ("80.5", "Buy 10 EUA at €80.50 limit")):
        type_over(price, typed, "as fast as keys go")

        # the button kept offering the price before, beside a field holding "abc", until Enter or Tab
        expect(entry.get_by_text(shown)).to_be_visible()
        expect(price).to_have_value(typed)


def test_a_price_typed_right_before_a_switch_to_market_is_there_again_back_on_limit(db, actors, app_server, page):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    open_as(page, app_server, actors.trader.username, "/cash-market?market=EUA&side=BUY")
    entry = page.locator(ENTRY)
    price = entry.get_by_role("textbox", name="Price (€)")
    expect(entry.get_by_role("button", name=re.compile("^Buy 10 EUA at"))).to_be_visible()
    settle(page)

    for kind in ("Market", "Limit", "Market", "Limit"):  # the app's runs as quick as once warm (first runs are slow)
        entry.get_by_text(kind, exact=True).click()
        settle(page)

    type_over(price, "79.50", "as fast as keys go")
    entry.get_by_text("Market", exact=True).click()  # at once: Market disables the price field
    expect(entry.get_by_role("button", name=re.compile("^Buy 10 EUA at market"))).to_be_visible()
    expect(price).to_have_value("")  # a market order has no price: it showed 79.50, greyed
    expect(price).to_have_attribute("placeholder", "At market")
    expect(price).to_be_disabled()
    entry.get_by_text("Limit", exact=True).click()

    # the price before it came back: the field was disabled before the typed price was sent
    expect(entry.get_by_role("button", name="Buy 10 EUA at €79.50 limit, total €795.00")).to_be_visible()
    expect(price).to_have_value("79.50")


def test_post_only_starts_where_the_order_rests_and_a_price_that_would_trade_is_refused_before_the_click(
    db, actors, app_server, page
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    open_as(page, app_server, actors.trader.username)
    entry = page.locator(ENTRY)
    expect(entry.get_by_role("button", name="Buy 10 EUA at €81.00 limit, total €810.00")).to_be_enabled()
    before = {t: rows for t, rows in snapshot(db).items() if t in MONEY_TABLES}

    entry.get_by_text("Post only", exact=True).click()  # no bid: a tick inside the best ask, where a buy rests
    expect(entry.get_by_role("button", name="Buy 10 EUA at €80.99 limit, post only, total €809.90")).to_be_enabled()
    price = entry.get_by_role("textbox", name="Price (€)")
    price.fill("81.00")  # the best ask: the engine refused it after the click, with the button enabled
    price.press("Tab")

    refusal = "This post-only order would trade at once against the best ask at €81.00: a post-only buy rests below it"
    expect(entry.get_by_text(refusal)).to_be_visible()
    expect(entry.get_by_role("button", name="Buy EUA")).to_be_disabled()
    assert {t: rows for t, rows in snapshot(db).items() if t in MONEY_TABLES} == before
    entry.get_by_text("Market", exact=True).click()  # a market order always trades at once: never post-only
    expect(entry.get_by_role("switch", name="Post only")).to_be_disabled()


def test_an_admin_whose_market_maker_is_deactivated_under_the_open_page_sees_the_one_it_trades_for_now(
    db, actors, app_server, page
):
    desk = make_desk(db, actors)
    open_as(page, app_server, actors.admin.username, f"/cash-market?market=EUA&market_maker={desk.ah2.id}")
    trading_for = page.get_by_role("combobox", name="Trading for")
    expect(trading_for).to_have_value("AH Two · sells certificates")
    settle(page)

    deactivate_market_maker(db, desk.ah2.id, actors.admin.id)  # another window; this one untouched

    # within a refresh of the entry's Available line, said under the title
    expect(page.get_by_text("AH Two was deactivated. Trading for AH One now.")).to_be_visible(timeout=15_000)
    # the box read "AH Two · sells certificates" still, beside an entry trading for AH One
    expect(trading_for).to_have_value("AH One · sells certificates")
    expect(page.locator(ENTRY).get_by_role("button", name=re.compile("^Sell 10 EUA at"))).to_be_visible()


def test_a_page_of_fills_turned_is_in_the_address_bar_and_a_reload_opens_on_it(
    db, actors, app_server, page, screenshot
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    for _ in range(21):  # two pages of fills, of 20 each
        place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 1)
    open_as(page, app_server, actors.trader.username, "/cash-market")
    expect(page.get_by_text("Page 1 of 2 · 21 fills")).to_be_visible()

    page.locator(".st-key-cm_fills_page_next").get_by_role("button").click()  # in the account's part, a fragment

    expect(page.get_by_text("Page 2 of 2 · 21 fills")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]fills_page=2(&|$)"))
    page.reload()
    expect(page.get_by_text("Page 2 of 2 · 21 fills")).to_be_visible()
    page.get_by_text("Page 2 of 2 · 21 fills").scroll_into_view_if_needed()
    settle(page)
    screenshot(page, "cash-market-fills-page-2.png")
