"""What a click on the order entry's button sends when the browser has not yet drawn what the app drew last: never
an order the button did not show (ui.clicks)."""

from playwright.sync_api import WebSocketRoute, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from core.orders import get_my_orders, place_order
from tests.e2e.conftest import open_as, settle
from tests.trading import fund_trader, make_desk

ENTRY = ".st-key-cm_order_entry"


class HeldDrawing:
    """Relays the page's websocket to the app, and on request holds back what the app sends: the browser keeps
    showing the page as it was while the app runs on. It notes when a run that drew ``awaited`` has finished."""

    def __init__(self, awaited: str) -> None:
        self.awaited = awaited
        self.holding = self.drew = self.finished = False
        self.held: list[str | bytes] = []
        self.page: WebSocketRoute | None = None

    def route(self, page: WebSocketRoute) -> None:
        app = page.connect_to_server()
        self.page = page
        page.on_message(app.send)
        app.on_message(self.from_app)

    def from_app(self, message: str | bytes) -> None:
        if not self.holding:
            self.page.send(message)
            return
        self.held.append(message)
        forward = ForwardMsg.FromString(message) if isinstance(message, bytes) else None
        if forward is not None and forward.HasField("delta") and self.awaited in str(forward.delta):
            self.drew = True
        if forward is not None and forward.HasField("script_finished") and self.drew:
            self.finished = True  # the run that drew it: a timer's run of a part of the page waits for it to end

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.page.send(message)


def test_a_click_on_the_button_still_drawn_before_a_keystroke_was_answered_sends_nothing_it_did_not_show(
    db, actors, app_server, page
):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    relay = HeldDrawing(awaited="Buy 12 EUA")
    page.route_web_socket("**/_stcore/stream", relay.route)
    open_as(page, app_server, actors.trader.username)
    entry = page.locator(ENTRY)
    shown = entry.get_by_role("button", name="Buy 10 EUA at €81.00 limit, total €810.00")
    expect(shown).to_be_enabled()
    settle(page)

    relay.holding = True
    entry.get_by_label("Quantity").fill("12")  # sent as typed: the app runs and draws "Buy 12", the browser not yet
    for _ in range(200):
        if relay.finished:
            break
        page.wait_for_timeout(50)
    assert relay.finished
    shown.click()  # it still says 10
    relay.release()
    settle(page)

    expect(entry.get_by_role("button", name="Buy 12 EUA at €81.00 limit, total €972.00")).to_be_visible()
    assert get_my_orders(db, actors.trader.id) == []  # 12 were sent from a button that said 10
