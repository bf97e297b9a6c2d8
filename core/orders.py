"""Orders on the cash market: place (matched at once in SQL, see sql/submit_order.sql), cancel, list. (What a
person types into an order entry, and the estimate of a MARKET order, are core.order_entry's.)

Who may trade for whom is one rule in SQL (``acting_account``), asked here and by ``submit_order``: a trader
places and cancels for its own entity only; an admin places and cancels for market makers (liquidity providers
buy with EUR, asset holders sell certificates); analysts only read.
"""

import json
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from pydantic import Field
from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import CertificateType, OrderSide, OrderStatus, OrderType, Role
from core.errors import DatabaseUnavailable, NotFound, PermissionDenied, ValidationError
from core.market import Trade
from core.models import Record, User
from core.sqlcall import autocommit_row, read, translate_sqlstate, unit_of_work
from core.validation import MAX_AMOUNT, parse_enum, parse_id, parse_price, parse_quantity

TRADERS = (Role.ADMIN, Role.TRADER)
OPEN_STATUSES = (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)
MY_ORDERS_LIMIT = 500
# an order accepted into its book's inbox (its book's matcher stayed busy) is matched within a batch or two; if the
# database cannot be reached meanwhile, asking again this many times before saying so
AWAIT_ATTEMPTS = 3


class Order(Record):
    id: int
    seq: int
    certificate_type: CertificateType
    side: OrderSide
    order_type: OrderType
    market_maker_id: int | None
    entity_id: int | None
    placed_by: int
    price: Decimal | None
    quantity: int
    filled_quantity: int
    remaining_quantity: int
    locked_amount: Decimal  # what it still holds: EUR for a BUY, certificates for a SELL
    status: OrderStatus
    post_only: bool
    cancel_reason: str | None
    cancelled_by: int | None = None  # the user who cancelled it; none for the engine's own cancels
    cancelled_by_name: str | None = None  # their username, where a read names them (the account's closed orders)
    liquidity_operation_id: int | None = None
    liquidity_level: int | None = None
    created_at: datetime
    updated_at: datetime
    fills: list[Trade] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def average_fill_price(self) -> Decimal | None:
        if not self.fills:
            return None
        amount = sum((f.amount for f in self.fills), Decimal(0))
        return (amount / sum(f.quantity for f in self.fills)).quantize(Decimal("0.0001"))


class OwnOrder(Record):
    """An order of the account's own that an order of the same account meets in the book: self-trade prevention
    cancels it, with all it still has in the book."""

    order_id: int
    price: Decimal
    quantity: int  # what it still has (had) in the book


def acting_account(
    db: Session, user_id: int, market_maker_id: int | None, action: str
) -> tuple[User, int | None, int | None]:
    """(user, market maker id, entity id) of the account ``user_id`` acts for: a trader its own entity, an admin
    the market maker it names (the rule is SQL's ``acting_account``). Runs inside the caller's unit of work."""
    mm_id = parse_id(market_maker_id, "Market maker id") if market_maker_id is not None else None
    uid = _acting_user_id(user_id, action)
    row = (
        db.execute(text("SELECT * FROM acting_account(:u, :mm, :action)"), {"u": uid, "mm": mm_id, "action": action})
        .mappings()
        .one()
    )
    user = User.model_validate(row)
    return user, row["account_market_maker_id"], row["account_entity_id"]


def _acting_user_id(user_id: object, action: str) -> int:
    try:
        return parse_id(user_id, "Acting user id")
    except ValidationError:
        raise PermissionDenied(f"Only an active signed-in user may {action}") from None


def limit_order_value(price: Decimal, quantity: int) -> Decimal:
    """What a limit order is worth (and a BUY locks): refused above the maximum accepted in one order."""
    value, limit = price * quantity, MAX_AMOUNT
    if value > limit:
        raise ValidationError(f"Order value €{value:,.2f} is above the maximum of €{limit:,} accepted in one order")
    return value


def place_order(
    db: Session,
    placed_by_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    order_type: OrderType | str,
    quantity: object,
    price: object = None,
    market_maker_id: int | None = None,
    post_only: bool = False,
) -> Order:
    """Place an order and match it at once; returns it with the fills it made.

    Without ``market_maker_id`` a trader trades for its own entity; an admin must name the market maker.
    """
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    kind = parse_enum(OrderType, order_type, "order type")
    qty = parse_quantity(quantity, cert.value)
    limit: Decimal | None = None
    if kind is OrderType.LIMIT:
        if price is None:
            raise ValidationError("A limit order needs a price")
        limit = parse_price(price)
        limit_order_value(limit, qty)
    elif price is not None:
        raise ValidationError("A market order takes no price: it trades at the best prices in the book")
    if not isinstance(post_only, bool):
        raise ValidationError("post_only must be true or false")
    mm_id = parse_id(market_maker_id, "Market maker id") if market_maker_id is not None else None
    user_id = _acting_user_id(placed_by_id, "place orders")

    # one call, committed by itself: the check of who trades for whom, and the matching of this order (and of the
    # orders waiting for its book) once it has the book's matcher (free, or within its wait); else the order waits
    # in the book's inbox under a key of ours, so that after a crash we can still ask whether it was accepted
    key = uuid.uuid4()
    outcome = autocommit_row(
        db,
        "CALL submit_order(%(by)s, %(c)s, %(s)s, %(t)s, %(q)s, %(p)s, %(mm)s, %(po)s, %(key)s)",
        {
            "by": user_id,
            "c": cert.value,
            "s": order_side.value,
            "t": kind.value,
            "q": qty,
            "p": limit,
            "mm": mm_id,
            "po": post_only,
            "key": key,
        },
    )
    while outcome["outcome"] == "QUEUED":
        outcome = _await_order(db, key, user_id)
    if outcome["outcome"] == "REFUSED":
        raise translate_sqlstate(outcome["refusal_code"], outcome["refusal_message"])
    return Order.model_validate(json.loads(outcome["result"], parse_float=Decimal))


def _await_order(db: Session, key: uuid.UUID, user_id: int) -> dict:
    """The outcome of an order waiting in its book's inbox (``await_order`` waits for the book's matcher). If the
    database goes away meanwhile, ask again: the order is either in the inbox under its key (it will be matched)
    or a crash took it back before it was on disk (it was never accepted)."""
    for attempt in range(AWAIT_ATTEMPTS):
        try:
            return autocommit_row(db, "CALL await_order(%(k)s, %(u)s)", {"k": key, "u": user_id})
        except DatabaseUnavailable:
            time.sleep(0.2 * (attempt + 1))
        except NotFound:
            raise DatabaseUnavailable(
                "The database went down before your order was accepted; nothing was changed. Try again shortly."
            ) from None
    raise DatabaseUnavailable(
        "The database went down while your order waited for its book and cannot be reached to say whether it was "
        "accepted: see your open orders and fills once it is back"
    )


def _order_owner(db: Session, user: User, order_id: int, refusal: str = "") -> Row:
    """(market_maker_id, entity_id) of an order the user may act on: ``NotFound`` when there is none, and
    ``PermissionDenied`` (with ``refusal`` added) when a trader asks about another entity's order."""
    owner = db.execute(text("SELECT market_maker_id, entity_id FROM orders WHERE id = :id"), {"id": order_id}).first()
    if owner is None:
        raise NotFound(f"Order {order_id} does not exist")
    if user.role is Role.TRADER and owner.entity_id != user.entity_id:
        raise PermissionDenied(f"Order {order_id} is not an order of your entity{refusal}")
    return owner


def cancel_order(db: Session, order_id: int, by_id: int) -> Order:
    """Cancel an open order and unlock what it still holds. Traders cancel their entity's orders,
    admins market makers' orders."""
    oid = parse_id(order_id, "Order id")
    with unit_of_work(db):
        user = require_role(db, by_id, TRADERS, "cancel orders")
        owner = _order_owner(db, user, oid, ": you can cancel only your own")
        if user.role is Role.ADMIN and owner.market_maker_id is None:
            raise PermissionDenied(f"Order {oid} belongs to a trader's entity: only its traders can cancel it")
        row = db.execute(text("SELECT * FROM cancel_order(:id, :by)"), {"id": oid, "by": user.id}).mappings().one()
        fills = _fills(db, oid)
    return Order.model_validate({**row, "fills": fills})


def get_order(db: Session, order_id: int, *, user_id: int) -> Order:
    """One order with its fills: a trader sees its own firm's orders, admins and analysts any."""
    oid = parse_id(order_id, "Order id")

    def load(session: Session) -> Order:
        user = require_role(session, user_id, (Role.ADMIN, Role.ANALYST, Role.TRADER), "see orders")
        row = session.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": oid}).mappings().first()
        if row is None:
            raise NotFound(f"Order {oid} does not exist")
        if user.role is Role.TRADER and row["entity_id"] != user.entity_id:
            raise PermissionDenied(f"Order {oid} is not an order of your entity")
        return Order.model_validate({**row, "fills": _fills(session, oid)})

    return read(db, load)


# The own orders an order cancelled by self-trade prevention, read from the ledger after the fact (the engine does no
# extra work for it): settle_order writes the order's LOCK, then an UNLOCK of each own order it meets, in one
# statement, so with one transaction id (a batch matches each order in its own subtransaction, so another order of
# the same batch has another); the UNLOCKs are on the owner's other balance (a BUY locks EUR and meets own SELLs,
# which unlock certificates), after the LOCK in ledger order.
SELF_TRADE_CANCELS = """
    SELECT o.id AS order_id, o.price, o.remaining_quantity AS quantity
      FROM orders x
      JOIN asset_transactions l ON l.reference_type = 'order' AND l.reference_id = x.id AND l.transaction_type = 'LOCK'
      JOIN asset_transactions u
        ON u.balance_id = balance_id_for(x.market_maker_id, x.entity_id, CASE x.side WHEN 'BUY'
                                         THEN x.certificate_type::text::asset_type ELSE 'EUR' END)
       AND u.id > l.id AND u.xmin = l.xmin AND u.transaction_type = 'UNLOCK' AND u.reference_type = 'order'
      JOIN orders o ON o.id = u.reference_id AND o.cancel_reason = 'SELF_TRADE'
     WHERE x.id = :id
     ORDER BY u.id
"""


def get_self_trade_cancels(db: Session, order_id: int, *, user_id: int) -> list[OwnOrder]:
    """The account's own resting orders that order ``order_id`` met and self-trade prevention cancelled, in the
    order it met them (a trader asks about its own entity's orders, an admin about any)."""
    oid = parse_id(order_id, "Order id")

    def load(session: Session) -> list[OwnOrder]:
        _order_owner(session, require_role(session, user_id, TRADERS, "see orders"), oid)
        return [OwnOrder.model_validate(r) for r in session.execute(text(SELF_TRADE_CANCELS), {"id": oid}).mappings()]

    return read(db, load)


def get_my_orders(
    db: Session, user_id: int, status: OrderStatus | str | Iterable[OrderStatus | str] | None = None
) -> list[Order]:
    """A trader's entity orders, or the orders an admin placed; newest first, optionally of some statuses."""
    if status is None:
        statuses = list(OrderStatus)
    elif isinstance(status, str):
        statuses = [parse_enum(OrderStatus, status, "order status")]
    elif isinstance(status, Iterable):
        statuses = [parse_enum(OrderStatus, s, "order status") for s in status]
    else:
        statuses = [parse_enum(OrderStatus, status, "order status")]  # refuses anything else, clearly
    with unit_of_work(db):
        user = require_role(db, user_id, TRADERS, "list their orders")
        mine = "entity_id = :who" if user.role is Role.TRADER else "placed_by = :who"
        rows = list(
            db.execute(
                text(
                    f"SELECT * FROM orders WHERE {mine} AND status = ANY (CAST(:st AS order_status[])) "
                    "ORDER BY created_at DESC, id DESC LIMIT :n"
                ),
                {
                    "who": user.entity_id if user.role is Role.TRADER else user.id,
                    "st": [s.value for s in statuses],
                    "n": MY_ORDERS_LIMIT,
                },
            ).mappings()
        )
    return [Order.model_validate(r) for r in rows]


def _fills(db: Session, order_id: int) -> list[Trade]:
    rows = db.execute(
        text("SELECT * FROM trades WHERE buy_order_id = :id OR sell_order_id = :id ORDER BY id"), {"id": order_id}
    ).mappings()
    return [Trade.model_validate(r) for r in rows]
