"""Engine throughput: one walk of the book along a priority key, a sweep settled set-based in one statement, book
levels kept by a trigger on orders so the book read is flat in the book's size, a matcher per book with an inbox;
the live state of liquidity operations kept per operation and per day, so the Operations reads sum a few rows.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
from core.sql_files import install_sql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SCHEMA = """
-- book_key orders one side of a book best first with one ascending key: the price for asks, minus the price
-- for bids; filled_amount is the EUR value of an order's fills (the sum of its trades' quantity x price)
ALTER TABLE orders
    ADD COLUMN book_key numeric(18, 2) GENERATED ALWAYS AS (CASE side WHEN 'SELL' THEN price ELSE -price END) STORED,
    ADD COLUMN filled_amount numeric(20, 2) NOT NULL DEFAULT 0;
UPDATE orders o SET filled_amount = t.amount
  FROM (SELECT order_id, sum(quantity * price) AS amount
          FROM (SELECT buy_order_id AS order_id, quantity, price FROM trades
                UNION ALL SELECT sell_order_id, quantity, price FROM trades) fills
         GROUP BY order_id) t
 WHERE o.id = t.order_id;

-- one partial index serves both sides of both books, in priority order (walk_book steps along it)
CREATE INDEX orders_book_idx ON orders (certificate_type, side, book_key, seq)
    WHERE status IN ('OPEN', 'PARTIALLY_FILLED');
DROP INDEX orders_book_bids_idx, orders_book_asks_idx;

-- what rests at each price level, kept by track_order_changes: the book read touches depth rows, not orders
CREATE TABLE book_levels (
    certificate_type  certificate_type NOT NULL,
    side              order_side NOT NULL,
    price             numeric(18, 2) NOT NULL,
    quantity          bigint NOT NULL CHECK (quantity >= 0),
    orders            integer NOT NULL CHECK (orders > 0),
    PRIMARY KEY (certificate_type, side, price)
);
INSERT INTO book_levels
SELECT certificate_type, side, price, sum(remaining_quantity), count(*)
  FROM orders WHERE status IN ('OPEN', 'PARTIALLY_FILLED')
 GROUP BY 1, 2, 3;

-- the inbox of each book's matcher: an order submitted while the matcher is busy waits here, accepted (its row
-- committed) until a matcher places or refuses it (submit_order, await_order, match_waiting_orders)
CREATE TABLE order_requests (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_key       uuid NOT NULL UNIQUE,  -- chosen by the caller: it finds its order again after a crash
    certificate_type  certificate_type NOT NULL,
    side              order_side NOT NULL,
    order_type        order_type NOT NULL,
    quantity          bigint NOT NULL,
    price             numeric(18, 2),
    market_maker_id   bigint REFERENCES market_maker_clients (id),
    entity_id         bigint REFERENCES entities (id),
    placed_by         bigint NOT NULL REFERENCES users (id),
    post_only         boolean NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    order_id          bigint UNIQUE REFERENCES orders (id),
    refusal_code      text,
    refusal_message   text,
    -- waiting, or processed with exactly one outcome: the order placed, or the refusal
    CONSTRAINT order_requests_one_outcome CHECK (
        CASE WHEN processed_at IS NULL THEN order_id IS NULL AND refusal_code IS NULL
             ELSE (order_id IS NULL) <> (refusal_code IS NULL) END)
);
CREATE INDEX order_requests_waiting_idx ON order_requests (certificate_type, id) WHERE processed_at IS NULL;

-- what submit_order and await_order return
CREATE TYPE order_outcome AS (outcome text, request_id bigint, refusal_code text, refusal_message text, result text);

-- the live state of liquidity operations, kept by track_order_changes and track_liquidity_operations for the
-- Operations page (adjust_liquidity_state, adjust_liquidity_operations); an index per live sort key
CREATE TABLE liquidity_operation_fills (
    operation_id        bigint PRIMARY KEY,
    actual_total_eur    numeric(18, 2) NOT NULL,
    market_maker_ids    bigint[] NOT NULL DEFAULT '{}',
    open_orders         integer NOT NULL DEFAULT 0,
    filled_bid_eur      numeric(20, 2) NOT NULL DEFAULT 0,
    filled_ask_eur      numeric(20, 2) NOT NULL DEFAULT 0,
    filled_quantity     bigint NOT NULL DEFAULT 0,
    resting_eur         numeric(20, 2) NOT NULL DEFAULT 0,
    resting_quantity    bigint NOT NULL DEFAULT 0,
    withdrawn_eur       numeric(20, 2) NOT NULL DEFAULT 0,
    withdrawn_quantity  bigint NOT NULL DEFAULT 0,
    filled_eur          numeric(20, 2) GENERATED ALWAYS AS (filled_bid_eur + filled_ask_eur) STORED,
    fill_ratio          numeric GENERATED ALWAYS AS
                            (round((filled_bid_eur + filled_ask_eur) / nullif(actual_total_eur, 0), 4)) STORED
);
CREATE INDEX liquidity_operation_fills_filled_idx
    ON liquidity_operation_fills (filled_eur DESC NULLS LAST, operation_id DESC);
CREATE INDEX liquidity_operation_fills_resting_idx
    ON liquidity_operation_fills (resting_eur DESC NULLS LAST, operation_id DESC);
CREATE INDEX liquidity_operation_fills_withdrawn_idx
    ON liquidity_operation_fills (withdrawn_eur DESC NULLS LAST, operation_id DESC);
CREATE INDEX liquidity_operation_fills_ratio_idx
    ON liquidity_operation_fills (fill_ratio DESC NULLS LAST, operation_id DESC);
-- ticket ids are upper case (create_ticket writes them so): a ticket search compares the upper-cased text as it is
ALTER TABLE liquidity_operations
    ADD CONSTRAINT liquidity_operations_ticket_upper_case CHECK (ticket_id = upper(ticket_id));

-- per UTC day of creation, book and creator (the Operations filters): what the daily chart sums
CREATE TABLE liquidity_operation_days (
    day               date NOT NULL,
    certificate_type  certificate_type NOT NULL,
    created_by        bigint NOT NULL,
    operations        integer NOT NULL,
    deployed_bid_eur  numeric(20, 2) NOT NULL,
    deployed_ask_eur  numeric(20, 2) NOT NULL,
    filled_eur        numeric(20, 2) NOT NULL,
    PRIMARY KEY (day, certificate_type, created_by)
);
-- ... and per market maker and side, what still rests: what the resting depth chart sums
CREATE TABLE liquidity_resting_days (
    day               date NOT NULL,
    certificate_type  certificate_type NOT NULL,
    created_by        bigint NOT NULL,
    market_maker_id   bigint NOT NULL,
    side              order_side NOT NULL,
    resting_eur       numeric(20, 2) NOT NULL,
    resting_quantity  bigint NOT NULL,
    open_orders       integer NOT NULL,
    PRIMARY KEY (day, certificate_type, created_by, market_maker_id, side)
);

-- the Operations views change their columns' source and types: recreated with what returns them
DROP FUNCTION list_operations(certificate_type, date, date, bigint, text, text, boolean, integer, integer);
DROP VIEW liquidity_operation_summary, liquidity_order_state;

DROP FUNCTION lock_balances(bigint[]);
DROP FUNCTION walk_book(certificate_type, order_side, bigint, numeric, bigint, bigint);
DROP FUNCTION settle_trade(bigint, bigint, numeric, bigint, order_side, bigint);
"""

# install order matters: callers after the functions they call
SQL_PINS: dict[str, str] = {
    "lock_balances.sql": "d99e9ed0a6f2618f",
    "walk_book.sql": "586c28004e60b6d8",
    "check_order.sql": "40ba35540060ebf1",
    "adjust_book_levels.sql": "676cb9ea811aed93",
    "liquidity_order_share.sql": "4fe9d5fc0d59b87e",
    "liquidity_order_changes.sql": "e1f0564ecef8bf2f",
    "adjust_liquidity_state.sql": "27051f474c590894",
    "adjust_liquidity_operations.sql": "26a293fe72920088",
    "track_liquidity_operations.sql": "dce4edad74abb956",
    "track_order_changes.sql": "17da20593f704fde",
    "settle_order.sql": "004dca1069a09332",
    "match_order.sql": "1ad82612921d6649",
    "place_order.sql": "90a6fae6f0223bf5",
    "order_book.sql": "cffd6d41ece57434",
    "best_prices.sql": "103d7d6ac36d96ca",
    "liquidity_order_state.sql": "adacdfc3ad93bb37",
    "liquidity_operation_summary.sql": "c0c6227b79c41942",
    "filtered_operations.sql": "f8e964156151dd0d",
    "list_operations.sql": "3f17a53c1a5d7f2b",
    "operation_daily_stats.sql": "2488ac513b01425b",
    "operation_resting_depth.sql": "0959f6fdfe5f4dad",
    "check_invariants.sql": "d55eec1fe28e391b",
    "acting_account.sql": "afaa618f64e3590c",
    "book_matcher_key.sql": "98efffd0f5732565",
    "order_result.sql": "42f9c5014f8dc7f3",
    "match_waiting_orders.sql": "ad65f7dd78fa7182",
    "enter_order.sql": "634d4605802fa5d1",
    "collect_order.sql": "73cad92c9c22038f",
    "drain_order_inbox.sql": "49ab5a27cc6cf799",
    "commit_and_flush.sql": "b0105df0c5143056",
    "submit_order.sql": "7f966cb63ff21418",
    "await_order.sql": "d9b130c032e4ea8b",
}

# the state kept for the Operations page, built from what exists, by the very functions that keep it
BACKFILL = """
SELECT adjust_liquidity_operations(ARRAY(SELECT lo FROM liquidity_operations lo), '{}');
SELECT adjust_liquidity_state(ARRAY(SELECT o FROM orders o WHERE liquidity_operation_id IS NOT NULL), '{}', true);
"""

TRIGGERS = """
CREATE TRIGGER orders_inserted AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_order_changes();
CREATE TRIGGER orders_updated AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_order_changes();
CREATE TRIGGER orders_deleted AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_order_changes();
CREATE TRIGGER liquidity_operations_inserted AFTER INSERT ON liquidity_operations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_liquidity_operations();
CREATE TRIGGER liquidity_operations_updated AFTER UPDATE ON liquidity_operations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_liquidity_operations();
CREATE TRIGGER liquidity_operations_deleted AFTER DELETE ON liquidity_operations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION track_liquidity_operations();
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    install_sql(op.get_bind(), SQL_PINS)
    op.execute(BACKFILL)
    op.execute(TRIGGERS)


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER liquidity_operations_deleted ON liquidity_operations;
        DROP TRIGGER liquidity_operations_updated ON liquidity_operations;
        DROP TRIGGER liquidity_operations_inserted ON liquidity_operations;
        DROP TRIGGER orders_deleted ON orders;
        DROP TRIGGER orders_updated ON orders;
        DROP TRIGGER orders_inserted ON orders;
        DROP PROCEDURE await_order(uuid, bigint, text, bigint, text, text, text),
            submit_order(bigint, certificate_type, order_side, order_type, bigint, numeric, bigint, boolean, uuid,
                         text, bigint, text, text, text),
            commit_and_flush();
        DROP FUNCTION drain_order_inbox(certificate_type), collect_order(uuid, bigint),
            enter_order(bigint, certificate_type, order_side, order_type, bigint, numeric, bigint, boolean, uuid),
            match_waiting_orders(certificate_type), order_result(bigint), book_matcher_key(certificate_type),
            acting_account(bigint, bigint, text);
        DROP FUNCTION list_operations(certificate_type, date, date, bigint, text, text, boolean, integer, integer);
        DROP VIEW liquidity_operation_summary, liquidity_order_state;
        DROP FUNCTION track_order_changes(), track_liquidity_operations(),
            adjust_liquidity_operations(liquidity_operations[], liquidity_operations[]),
            adjust_liquidity_state(orders[], orders[], boolean), liquidity_order_changes(orders[], orders[]),
            liquidity_order_share(orders),
            adjust_book_levels(certificate_type[], order_side[], numeric[], bigint[], bigint[]);
        DROP FUNCTION place_order(certificate_type, order_side, order_type, bigint, numeric, bigint, bigint, bigint,
                                  boolean, bigint, smallint);
        DROP FUNCTION match_order(certificate_type, order_side, order_type, bigint, numeric, bigint, bigint, bigint,
                                  boolean, bigint, smallint, boolean);
        DROP FUNCTION settle_order(certificate_type, order_side, order_type, bigint, numeric, bigint, bigint, bigint,
                                   boolean, bigint, smallint, numeric, bigint, bigint, bigint[], bigint[]);
        DROP FUNCTION check_order(certificate_type, order_type, bigint, numeric, bigint, bigint, boolean);
        DROP FUNCTION walk_book(certificate_type, order_side, bigint, numeric, bigint, bigint, numeric, boolean);
        DROP FUNCTION lock_balances(bigint[], boolean);
        DROP TYPE order_outcome;
        DROP TABLE order_requests, book_levels, liquidity_operation_fills, liquidity_operation_days,
                   liquidity_resting_days;
        CREATE INDEX orders_book_bids_idx ON orders (certificate_type, price DESC, seq)
            WHERE side = 'BUY' AND status IN ('OPEN', 'PARTIALLY_FILLED');
        CREATE INDEX orders_book_asks_idx ON orders (certificate_type, price, seq)
            WHERE side = 'SELL' AND status IN ('OPEN', 'PARTIALLY_FILLED');
        DROP INDEX orders_book_idx;
        ALTER TABLE orders DROP COLUMN filled_amount, DROP COLUMN book_key;
        ALTER TABLE liquidity_operations DROP CONSTRAINT liquidity_operations_ticket_upper_case;
        """
    )
    # as 0001, 0002, 0004, 0005, 0008 and 0010 installed them
    install_sql(
        op.get_bind(),
        {
            "lock_balances.sql": "226e571177b5c3b2",
            "settle_trade.sql": "fe81946feaf11d40",
            "walk_book.sql": "75b0d9f78d242204",
            "place_order.sql": "fadc40e470712ed8",
            "order_book.sql": "24057777e3df3d31",
            "best_prices.sql": "89c662d59c20d568",
            "liquidity_order_state.sql": "634c3862f954ee70",
            "liquidity_operation_summary.sql": "1975978a630bd29e",
            "filtered_operations.sql": "37656eb83f549ea9",
            "list_operations.sql": "3734d5237cef9bc6",
            "operation_daily_stats.sql": "4d28cd6c8e71e17d",
            "operation_resting_depth.sql": "b1a490f2ec41ce6d",
            "check_invariants.sql": "00f9b9b217ec1606",
        },
    )
