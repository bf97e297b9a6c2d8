"""Cash market: EUA and CEA against EUR. Stats; the order entry pinned above a full-width book; depth chart and
recent trades; the account traded for (balances, open orders, fills, closed orders). Book, trades and account
refresh on their own (fragments), and the entry is outside them, so what is typed there survives every refresh."""

from datetime import UTC
from functools import partial

import pandas as pd
import streamlit as st

from core.config import get_settings
from core.enums import AssetType, CertificateType, OrderSide, OrderType, Role
from core.market_makers import get_market_makers
from core.trading_account import get_trading_account
from ui import clicks, market_data
from ui.account_panel import account_sections
from ui.charts import depth_figure
from ui.feedback import field_error, field_note, field_warning
from ui.format import eur, percent, units
from ui.live import ask_app_rerun, live_fragment
from ui.metrics import Metric, metric_row
from ui.navigation import CASH_MARKET
from ui.order_book import (
    AVAILABLE_KEY,
    ENTRY_KEY,
    ROW_HEIGHT,
    SIDES_KEY,
    STATS_KEY,
    STICKY_CSS,
    book_column_config,
    book_column_order,
    book_frame,
    book_height,
    deepest,
    default_price,
    picked_price,
    trades_height,
)
from ui.order_confirmation import BUTTONS_CSS, PENDING_KEY, confirmation_dialog, submit, submit_button
from ui.order_entry import (
    AVAILABLE,
    DEFAULT_QUANTITY,
    POST_ONLY_HELP,
    POST_ONLY_KEY,
    PRICE_KEY,
    QUANTITY_KEY,
    QUANTITY_TYPED_KEY,
    SENT_PRICE_KEY,
    SUBMIT_KEY,
    TRADES,
    message_rows,
    read_entry,
    side_choices,
)
from ui.runtime import db_session
from ui.session import require_user
from ui.typing_watch import watch_typing
from ui.url_state import YES_NO, UrlChoices, choices_from_url, choices_to_url, same_words, say_not_taken

REFRESH = "3s"
MAKER_PARAM = "market_maker"  # the URL's market maker an admin trades for
NBSP = "\u00a0"
GRIDS_KEY = "cm_book_grids"  # how many clicks in the book replaced its grids: part of their keys
PRICE_CONTEXT_KEY = "cm_price_ctx"  # (market, side, account, post only) the price was drawn for, or "picked"
MARKET_PRICE_KEY = "cm_price_market"  # the Price field of a market order: empty, and says why
PRICE_HIDDEN_KEY = "cm_price_hidden"  # the limit price was kept, its field not drawn: send it again when drawn
DEFAULT_PRICE_KEY = "cm_price_default"  # the price the page last put into the field itself
DEACTIVATED_KEY = "cm_mm_deactivated"  # (the market maker now traded for, why): the one traded for was deactivated
QUANTITY_WATCH_KEY = "cm_qty_watch"  # tells the page the quantity was typed in, even typed over with itself
URL_CHOICES = {
    "cm_cert": ("market", same_words([c.value for c in CertificateType])),
    "cm_side": ("side", same_words([s.value for s in OrderSide])),
    "cm_type": ("type", same_words([t.value for t in OrderType])),
    POST_ONLY_KEY: ("post_only", YES_NO),
}

user = require_user()
is_admin = user.role is Role.ADMIN
st.html(STICKY_CSS + BUTTONS_CSS)

if (requested := st.session_state.pop(market_data.OPEN_ON_KEY, None)) is not None:  # another page sent us to this book
    st.session_state["cm_cert"] = requested
side_by_link = "cm_side" not in st.session_state
# a reload keeps the market, side, type and Post only (a Sell never comes back a Buy); what a link names that none of
# them takes is said under its field, which shows its default
not_taken = choices_from_url(URL_CHOICES)
side_by_link = side_by_link and "cm_side" in st.session_state  # a market maker picked may not trade it (below)
st.session_state.setdefault("cm_cert", CertificateType.EUA.value)
st.session_state.setdefault("cm_side", OrderSide.BUY.value)
st.session_state.setdefault("cm_type", OrderType.LIMIT.value)
if QUANTITY_KEY not in st.session_state:  # first shown, or forgotten while another page was shown
    st.session_state[QUANTITY_KEY] = DEFAULT_QUANTITY
    st.session_state[QUANTITY_TYPED_KEY] = False


def quantity_typed() -> None:
    st.session_state[QUANTITY_TYPED_KEY] = True


title, switch, account_box = st.columns([2.2, 1.4, 3], vertical_alignment="bottom")
# no link icon: wrapped under the title at 1,280 px, it pushed the row down
title.title(CASH_MARKET.title, anchor=False)
cert = CertificateType(
    switch.segmented_control("Market", [c.value for c in CertificateType], required=True, key="cm_cert")
)
under_title = st.container()  # what a link named for the market or the market maker that the page did not take
say_not_taken(under_title, "Market", not_taken.get("cm_cert"), cert.value, list(URL_CHOICES["cm_cert"][1]))

# whose account trades: a trader's own entity; an admin picks a market maker
mm_id: int | None = None
trades: OrderSide | None = None  # the side the account trades, when it trades only one
account = None
maker_choice: UrlChoices = {}  # an admin's market maker, kept in the URL too: a reload traded for the first one
with db_session() as db:
    if is_admin:
        everyone = get_market_makers(db, include_inactive=True, user_id=user.id)
        makers = [m for m in everyone if m.is_active]
        # the market maker this page traded for, deactivated since (in another window, by another admin): the choice
        # falls back to the first, and a click on an order for it is dropped. Both said under the title: the page
        # went over to another market maker unsaid, and the click asked to confirm that one's order instead
        kept = st.session_state.get("cm_mm")
        deactivated = next((m for m in everyone if m.id == kept and not m.is_active), None)
        unsent = False
        if deactivated is not None:
            # set, not dropped: a choice dropped showed the deactivated one still, in the browser, beside an entry
            # trading for the first (a value set is sent to the browser)
            if makers:
                st.session_state["cm_mm"] = makers[0].id
            else:
                del st.session_state["cm_mm"]
            if MAKER_PARAM in st.query_params:  # the URL's is this one: no link's to say was not taken
                del st.query_params[MAKER_PARAM]
            unsent = clicks.clicked(SUBMIT_KEY) is not None
            clicks.forget(SUBMIT_KEY)
        if makers:
            by_id = {m.id: m for m in makers}
            maker_choice = {"cm_mm": (MAKER_PARAM, {str(i): i for i in by_id})}
            maker_not_taken = choices_from_url(maker_choice)
            mm_id = account_box.selectbox(
                "Trading for",
                list(by_id),
                format_func=lambda i: f"{by_id[i].name} · {TRADES[by_id[i].side]}",
                key="cm_mm",
            )
            said_maker = maker_not_taken.get("cm_mm")
            # a link to a market maker deactivated since: said by its name, not as an id "not offered here"
            off = next((m for m in everyone if str(m.id) == said_maker and not m.is_active), None)
            why = None if off is None else f"is {off.name}, inactive"
            say_not_taken(under_title, "market maker", said_maker, by_id[mm_id].name, why=why)
            trades = by_id[mm_id].side  # a market maker trades one side only: the entry offers that one
        else:
            # with every one deactivated, "create a market maker first" sent the admin to make one that existed
            first = "Reactivate one on Market Makers, or create one" if everyone else "Create a market maker first"
            account_box.info(f"{first}: admins trade for active market makers.", icon=":material/info:")
        if deactivated is not None:
            gone = f"{deactivated.name} was deactivated{': the order you clicked was not sent' if unsent else ''}."
            now = f" Trading for {by_id[mm_id].name} now." if mm_id is not None else ""
            st.session_state[DEACTIVATED_KEY] = (mm_id, gone + now)
        # said until the admin picks a market maker: the run of the next keystroke took it away at once
        if (said := st.session_state.get(DEACTIVATED_KEY)) is not None and said[0] == mm_id:
            field_warning(under_title, said[1])
        else:
            st.session_state.pop(DEACTIVATED_KEY, None)
    if not is_admin or mm_id is not None:
        account = get_trading_account(db, user.id, market_maker_id=mm_id)
if account is not None and not is_admin:
    account_box.text(f"Trading for {account.name}")  # plain text: a typed name is never markup
    # a trader trades for their own firm only: a link's market maker is not taken, said once, and leaves the URL
    if (said_maker := st.query_params.get(MAKER_PARAM)) is not None:
        del st.query_params[MAKER_PARAM]
        say_not_taken(under_title, "market maker", said_maker, account.name)


@live_fragment(REFRESH)
def stats_header(certificate: CertificateType) -> None:
    s = market_data.market_stats(certificate.value)
    change = None if s.change_24h is None else f"{s.change_24h:+.2f} ({percent(s.change_pct_24h, 2, signed=True)}) 24h"
    metric_row(
        [
            Metric("Last price", eur(s.last_price), note=change, moved=bool(s.change_24h)),  # no arrow: unchanged
            Metric("Best bid", eur(s.best_bid)),
            Metric("Best ask", eur(s.best_ask)),
            Metric("Spread", eur(s.spread)),
            Metric("24h volume", f"{units(s.volume_24h)} {certificate}"),
            Metric("24h high / low", f"{eur(s.high_24h)} / {eur(s.low_24h)}"),
        ],
        key=STATS_KEY,
    )


stats_header(cert)


# Side and Type are sized for "Buy | Sell" and "Limit | Market" whole at 1,280 px with the sidebar open (about 110
# and 140 px of the entry's 790), the price and the quantity for "1,000,000.00" and "1,000,000" (about 105 and 95 px:
# at 80 and 70 they showed seven characters), and the button takes the rest, wrapping its sentence onto a second line
# where it must rather than cutting it
ENTRY_WIDTHS = [1.2, 1.45, 1.1, 1.0, 2.4]
# the price and the quantity are sent at every keystroke: what is checked under them and on the button is what they
# hold, and a click elsewhere right after typing carries it (with a pause before sending, a switch to Market within
# it disabled the field first, and the price typed was lost)
ENTRY_LIVE = "0ms"


@live_fragment(REFRESH)
def available_line(certificate: CertificateType, market_maker_id: int | None) -> None:
    """What the account has available and locked, refreshed with the book: an order placed or cancelled in another
    window shows here within seconds, not only once a field of this entry changes."""
    with db_session() as db:
        traded_for = get_trading_account(db, user.id, market_maker_id=market_maker_id)
    if not traded_for.active:  # deactivated under the open page: the whole page takes another and says so
        st.rerun(scope="app")
    balances = traded_for.balances
    eur_bal, cert_bal = balances[AssetType.EUR], balances[AssetType(certificate.value)]
    held, locked = (f"{units(b)}{NBSP}{certificate}" for b in (cert_bal.available, cert_bal.locked))
    st.markdown(  # an amount never breaks from its unit: a line too long breaks at the dot
        f"Available **{eur(eur_bal.available)}** · **{held}**  \n"
        f":gray[Locked in orders {eur(eur_bal.locked)} · {locked}]"
    )


with st.container(key=ENTRY_KEY, border=True):
    if account is None:
        st.caption("No account to trade for.")
    else:
        cols = st.columns(ENTRY_WIDTHS, vertical_alignment="bottom")
        sides, why_one = side_choices(trades)
        if st.session_state["cm_side"] not in sides:  # a market maker picked, or a URL's side it does not trade
            if side_by_link:
                not_taken["cm_side"] = str(st.query_params.get("side", ""))
            st.session_state["cm_side"] = sides[0]
        side = OrderSide(
            cols[0].segmented_control("Side", sides, required=True, key="cm_side", format_func=str.title, help=why_one)
        )
        kind = OrderType(
            cols[1].segmented_control("Type", ["LIMIT", "MARKET"], required=True, key="cm_type", format_func=str.title)
        )
        # start from the best opposite price whenever the market or account changes, and when the side changes while
        # the price is still the one we put there; a price typed or picked from the book is kept across a side change.
        # Streamlit forgets a widget's value while its page is not shown, so a missing price starts afresh too. Post
        # only (drawn below, its value read here) starts where the order rests: from the best opposite price the
        # engine refused every post-only order the page's own price made, and turning it on moves such a price too
        passive = bool(st.session_state.get(POST_ONLY_KEY)) and kind is OrderType.LIMIT
        context, previous = (cert, side, mm_id, passive), st.session_state.get(PRICE_CONTEXT_KEY)
        touched = st.session_state.get(PRICE_KEY) != st.session_state.get(DEFAULT_PRICE_KEY)
        same_market = isinstance(previous, tuple) and (previous[0], previous[2]) == (cert, mm_id)
        if PRICE_KEY not in st.session_state or (previous not in (context, "picked") and not (touched and same_market)):
            book = market_data.order_book(cert.value)
            stats = market_data.market_stats(cert.value)
            fallback, tick = get_settings().default_prices[cert], market_data.tick(cert.value) if passive else None
            st.session_state[PRICE_KEY] = str(default_price(side, book, stats, fallback, tick))
            st.session_state[DEFAULT_PRICE_KEY] = st.session_state[PRICE_KEY]
        st.session_state[PRICE_CONTEXT_KEY] = context
        is_market = kind is OrderType.MARKET
        # live, as the quantity: the check and the button follow the last keystroke (they showed the price before it
        # until Enter or Tab, the field holding "abc" beside a live "Buy 10 EUA at €81.17" button)
        if is_market:
            # a market order has no price, and its field says so: it showed the last limit price, greyed, beside a
            # button that sends no price at all. That price is kept (as state, its field not drawn) for Limit again
            st.session_state[PRICE_KEY] = price_text = st.session_state[PRICE_KEY]
            st.session_state[PRICE_HIDDEN_KEY] = True
            cols[2].text_input("Price (€)", "", key=MARKET_PRICE_KEY, placeholder="At market", disabled=True)
        else:
            if st.session_state.pop(PRICE_HIDDEN_KEY, False):
                # set again, so that the browser is sent it: a field drawn anew from kept state shows its default,
                # and it showed nothing while the button read the price kept
                st.session_state[PRICE_KEY] = st.session_state[PRICE_KEY]
            price_text = cols[2].text_input("Price (€)", key=PRICE_KEY, live=ENTRY_LIVE)
        # live: what is checked under it is what the field holds after the last keystroke (it was sent at the first
        # keystroke only, then not until Enter or Tab). Typing over the page's own quantity counts even when it
        # types the same "10": the browser then sends no new value, and the watch below says it was typed
        quantity_text = cols[3].text_input("Quantity", key=QUANTITY_KEY, on_change=quantity_typed, live=ENTRY_LIVE)
        # on the button's label line, where the fields have theirs: a column of its own left the button too narrow
        # for its sentence at 1,280 px. A market order always trades at once: it is never post-only
        action = cols[4].container(gap=None)
        post_only = action.toggle("Post only", key=POST_ONLY_KEY, disabled=is_market, help=POST_ONLY_HELP)
        choices_to_url({**URL_CHOICES, **maker_choice})
        with db_session() as db:
            entry = read_entry(db, user.id, cert, side, kind, price_text, quantity_text, mm_id, post_only)
        label = entry.ticket.sentence if entry.ticket else f"{side.value.title()} {cert}"
        shown = submit_button(action, entry, label, mm_id)

        # more than the account covers is said under Quantity (what to change), and in red only once the person
        # typed the quantity, or chose the price a buy pays: neither the page's own default nor the order just
        # placed (its fields stay, and the account no longer covers them again) is their mistake
        chosen_price = st.session_state[PRICE_KEY]
        caused = st.session_state.get(QUANTITY_TYPED_KEY) or (
            side is OrderSide.BUY
            and chosen_price not in (st.session_state.get(DEFAULT_PRICE_KEY), st.session_state.get(SENT_PRICE_KEY))
        )
        price_error = None if is_market else entry.price_error
        warnings = [w for w in (entry.note, entry.ticket and entry.ticket.self_trade_warning) if w]
        # a link's side, type or Post only the page did not take is said under its field, as a refusal is
        said = {
            0: not_taken.get("cm_side"),
            1: not_taken.get("cm_type"),
            2: price_error,
            3: entry.quantity_error or entry.shortfall,
            4: entry.order_error or warnings or not_taken.get(POST_ONLY_KEY),
        }
        starts = [i for i, message in said.items() if message]
        under = {}
        for row in message_rows(ENTRY_WIDTHS, starts):
            for (field, _), cell in zip(row, st.columns([width for _, width in row]), strict=True):
                if field is not None:
                    under[field] = cell
        with under[AVAILABLE].container(key=AVAILABLE_KEY):  # a handle: on a phone it follows the message beside it
            available_line(cert, mm_id)
        if 0 in under:  # the sides this account trades
            say_not_taken(under[0], "Side", not_taken.get("cm_side"), side.value.title(), sides)
        if 1 in under:
            types = list(URL_CHOICES["cm_type"][1])
            say_not_taken(under[1], "Type", not_taken.get("cm_type"), kind.value.title(), types)
        if 2 in under:
            field_error(under[2], price_error)
        if 3 in under:
            field_error(under[3], entry.quantity_error)
            (field_error if caused else field_note)(under[3], entry.shortfall)
        if 4 in under:
            field_error(under[4], entry.order_error)
            for warning in warnings:
                field_warning(under[4], warning)
            say_not_taken(under[4], "Post only", not_taken.get(POST_ONLY_KEY), "off", list(YES_NO))
        submit(user.id, entry, shown)
        watch_typing(QUANTITY_WATCH_KEY, QUANTITY_KEY, not st.session_state.get(QUANTITY_TYPED_KEY), quantity_typed)

if st.session_state.get(PENDING_KEY) is not None:
    confirmation_dialog(user.id)


def on_book_select(key: str, prices: tuple[str, ...], generation: int) -> None:
    """A click in the book. A click on a price puts it into the entry, here, before any script runs, so a price typed
    after the click comes in a later message and wins. Every click replaces the book's grids with new ones (their
    keys count the clicks), and only the newest grids are read: every message the browser sends carries the
    selection of the grids it drew, and Streamlit takes one it no longer holds for a new click, so a message sent
    before the browser heard of a pick would apply it again, over a price typed since. New grids start with nothing
    selected: the same price can be picked again, and no selection lingers in one side (with one there, the first
    click on the other side's price went unanswered)."""
    if generation != st.session_state.get(GRIDS_KEY, 0):
        return  # a grid already replaced: its click was read once
    st.session_state[GRIDS_KEY] = generation + 1
    if (picked := picked_price(st.session_state[key].selection.cells, prices)) is None:
        return  # not a price: a quantity, or a sort by a header (reported as a cell of the leftmost column)
    st.session_state["cm_type"] = OrderType.LIMIT.value
    st.session_state[PRICE_KEY] = picked
    st.session_state[PRICE_CONTEXT_KEY] = "picked"
    ask_app_rerun()  # the entry lives outside the book's fragment


@live_fragment(REFRESH)
def market_panel(certificate: CertificateType) -> None:
    book = market_data.order_book(certificate.value)
    st.subheader("Order book", help="Click a price to use it in the order entry.")
    bids_col, asks_col = st.container(key=SIDES_KEY).columns(2)
    generation = st.session_state.get(GRIDS_KEY, 0)
    for col, side_, levels in ((bids_col, OrderSide.BUY, book.bids), (asks_col, OrderSide.SELL, book.asks)):
        name = f"cm_book_{side_.value.lower()}_{certificate}"
        key = f"{name}_{generation}"
        with col.container(key=name):  # a handle that outlives the grid's key
            if not levels:
                st.caption("No bids" if side_ is OrderSide.BUY else "No asks")
                continue
            st.dataframe(
                book_frame(levels),
                hide_index=True,
                height=book_height(book),
                row_height=ROW_HEIGHT,
                column_config=book_column_config(side_, deepest(book)),
                column_order=book_column_order(side_),
                on_select=partial(on_book_select, key, tuple(str(lv.price) for lv in levels), generation),
                selection_mode="single-cell",
                key=key,
            )

    chart_col, trades_col = st.columns([3, 2])
    with chart_col:
        st.subheader("Depth")
        if book.bids or book.asks:
            stats = market_data.market_stats(certificate.value)
            st.plotly_chart(depth_figure(book, stats.mid), key=f"cm_depth_{certificate}")
        else:
            st.caption("No orders in the book")  # not empty axes on a made-up scale
    with trades_col:
        st.subheader("Recent trades")
        trades = market_data.recent_trades(certificate.value)
        if not trades:
            st.caption("No trades yet")
        else:
            frame = pd.DataFrame(
                {
                    "time": [t.created_at.astimezone(UTC).strftime("%H:%M:%S") for t in trades],
                    "side": ["Buy" if t.aggressor_side is OrderSide.BUY else "Sell" for t in trades],
                    "price": [float(t.price) for t in trades],
                    "quantity": [t.quantity for t in trades],
                }
            )
            st.dataframe(
                frame,
                hide_index=True,
                height=trades_height(len(trades)),
                column_config={
                    "time": st.column_config.TextColumn("Time (UTC)"),
                    "side": st.column_config.TextColumn("Aggressor"),
                    "price": st.column_config.NumberColumn("Price €", format="%.2f"),
                    "quantity": st.column_config.NumberColumn("Quantity", format="%,d"),
                },
            )


market_panel(cert)


@live_fragment(REFRESH)
def account_panel(market_maker_id: int | None) -> None:
    account_sections(user.id, market_maker_id)


if account is not None:
    account_panel(mm_id)
