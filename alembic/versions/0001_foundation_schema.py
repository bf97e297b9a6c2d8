"""Foundation schema: users, entities, market makers, balances, ledger, tickets, markets, orders, trades,
liquidity operations. Money is NUMERIC; the database refuses what must never happen.

Revision ID: 0001
Revises:
"""

from alembic import op
from core.sql_files import install_sql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TYPE user_role AS ENUM ('ADMIN', 'ANALYST', 'TRADER');
CREATE TYPE market_maker_type AS ENUM ('ASSET_HOLDER', 'LIQUIDITY_PROVIDER');
CREATE TYPE asset_type AS ENUM ('EUR', 'CEA', 'EUA');
CREATE TYPE certificate_type AS ENUM ('CEA', 'EUA');
CREATE TYPE order_side AS ENUM ('BUY', 'SELL');
CREATE TYPE order_type AS ENUM ('LIMIT', 'MARKET');
CREATE TYPE order_status AS ENUM ('OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED');
CREATE TYPE transaction_type AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'LOCK', 'UNLOCK', 'TRADE_DEBIT', 'TRADE_CREDIT');

CREATE TABLE entities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_by  bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX entities_name_key ON entities (lower(btrim(name)));

CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{3,50}$'),
    password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2%'),
    role                user_role NOT NULL,
    entity_id           bigint REFERENCES entities (id),
    is_active           boolean NOT NULL DEFAULT true,
    failed_login_count  integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    locked_until        timestamptz,
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- a trader always acts for exactly one firm; staff never hold balances
    CONSTRAINT users_trader_has_entity CHECK ((role = 'TRADER') = (entity_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
ALTER TABLE entities ADD CONSTRAINT entities_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);

CREATE TABLE market_maker_clients (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    mm_type      market_maker_type NOT NULL DEFAULT 'ASSET_HOLDER',
    -- EUR held (available + locked); maintained by apply_balance_change, checked by check_invariants
    eur_balance  numeric(18, 2) NOT NULL DEFAULT 0 CHECK (eur_balance >= 0),
    is_active    boolean NOT NULL DEFAULT true,
    created_by   bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX market_maker_clients_name_key ON market_maker_clients (lower(btrim(name)));

-- One row per account and asset, created with the account, so a lock always has a row to take.
CREATE TABLE balances (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    market_maker_id  bigint REFERENCES market_maker_clients (id),
    entity_id        bigint REFERENCES entities (id),
    asset            asset_type NOT NULL,
    available        numeric(20, 2) NOT NULL DEFAULT 0,
    locked           numeric(20, 2) NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT balances_non_negative CHECK (available >= 0 AND locked >= 0),
    CONSTRAINT balances_one_owner CHECK ((market_maker_id IS NULL) <> (entity_id IS NULL)),
    CONSTRAINT balances_whole_certificates
        CHECK (asset = 'EUR' OR (available = trunc(available) AND locked = trunc(locked))),
    CONSTRAINT balances_market_maker_asset_key UNIQUE (market_maker_id, asset),
    CONSTRAINT balances_entity_asset_key UNIQUE (entity_id, asset)
);

CREATE SEQUENCE ticket_number_seq;

CREATE TABLE ticket_logs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    varchar(30) NOT NULL UNIQUE
                 DEFAULT 'TKT-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0'),
    action       text NOT NULL,
    actor_id     bigint REFERENCES users (id),
    entity_type  text NOT NULL,
    entity_id    bigint,
    before_state jsonb,
    after_state  jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_logs_created_at_idx ON ticket_logs (created_at DESC);
CREATE INDEX ticket_logs_entity_idx ON ticket_logs (entity_type, entity_id);

-- The ledger: one row per change of one balance row. Each row carries the balance before and after;
-- the CHECK ties the movement to its type, verify_ledger() ties each row to the one before it.
CREATE TABLE asset_transactions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    balance_id        bigint NOT NULL REFERENCES balances (id),
    market_maker_id   bigint REFERENCES market_maker_clients (id),
    entity_id         bigint REFERENCES entities (id),
    asset             asset_type NOT NULL,
    transaction_type  transaction_type NOT NULL,
    amount            numeric(20, 2) NOT NULL CHECK (amount > 0),
    available_before  numeric(20, 2) NOT NULL,
    available_after   numeric(20, 2) NOT NULL,
    locked_before     numeric(20, 2) NOT NULL,
    locked_after      numeric(20, 2) NOT NULL,
    balance_before    numeric(20, 2) GENERATED ALWAYS AS (available_before + locked_before) STORED,
    balance_after     numeric(20, 2) GENERATED ALWAYS AS (available_after + locked_after) STORED,
    reference_type    text,
    reference_id      bigint,
    ticket_id         varchar(30) REFERENCES ticket_logs (ticket_id),
    created_by        bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT asset_transactions_movement_matches_type CHECK (
        CASE transaction_type
            WHEN 'DEPOSIT' THEN available_after = available_before + amount AND locked_after = locked_before
            WHEN 'WITHDRAWAL' THEN available_after = available_before - amount AND locked_after = locked_before
            WHEN 'LOCK' THEN available_after = available_before - amount AND locked_after = locked_before + amount
            WHEN 'UNLOCK' THEN available_after = available_before + amount AND locked_after = locked_before - amount
            WHEN 'TRADE_DEBIT' THEN available_after = available_before AND locked_after = locked_before - amount
            WHEN 'TRADE_CREDIT' THEN available_after = available_before + amount AND locked_after = locked_before
        END
    )
);
CREATE INDEX asset_transactions_balance_idx ON asset_transactions (balance_id, id);
CREATE INDEX asset_transactions_reference_idx ON asset_transactions (reference_type, reference_id);

-- One row per order book; FOR UPDATE on it is the book lock that serialises matching.
CREATE TABLE markets (
    certificate_type  certificate_type PRIMARY KEY
);
INSERT INTO markets VALUES ('CEA'), ('EUA');

CREATE TABLE liquidity_operations (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id                 varchar(30) NOT NULL REFERENCES ticket_logs (ticket_id),
    certificate_type          certificate_type NOT NULL,
    target_bid_liquidity_eur  numeric(18, 2) NOT NULL CHECK (target_bid_liquidity_eur >= 0),
    target_ask_liquidity_eur  numeric(18, 2) NOT NULL CHECK (target_ask_liquidity_eur >= 0),
    actual_bid_liquidity_eur  numeric(18, 2) NOT NULL CHECK (actual_bid_liquidity_eur >= 0),
    actual_ask_liquidity_eur  numeric(18, 2) NOT NULL CHECK (actual_ask_liquidity_eur >= 0),
    market_makers_used        jsonb NOT NULL,
    orders_created            bigint[] NOT NULL,
    reference_price           numeric(18, 4) NOT NULL CHECK (reference_price > 0),
    price_source              text NOT NULL CHECK (price_source IN ('mid', 'last_trade', 'default')),
    idempotency_key           text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    created_by                bigint NOT NULL REFERENCES users (id),
    created_at                timestamptz NOT NULL DEFAULT now(),
    notes                     text CHECK (length(notes) <= 2000),
    CONSTRAINT liquidity_operations_some_side CHECK (target_bid_liquidity_eur + target_ask_liquidity_eur > 0),
    CONSTRAINT liquidity_operations_actuals_within_targets CHECK (
        actual_bid_liquidity_eur <= target_bid_liquidity_eur
        AND actual_ask_liquidity_eur <= target_ask_liquidity_eur
    )
);
CREATE INDEX liquidity_operations_created_idx ON liquidity_operations (created_by, created_at DESC);
CREATE INDEX liquidity_operations_certificate_idx ON liquidity_operations (certificate_type, created_at DESC);

CREATE SEQUENCE order_seq;

CREATE TABLE orders (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- time priority: assigned under the book lock, so it is strictly increasing per book
    seq                     bigint NOT NULL UNIQUE DEFAULT nextval('order_seq'),
    certificate_type        certificate_type NOT NULL REFERENCES markets (certificate_type),
    side                    order_side NOT NULL,
    order_type              order_type NOT NULL,
    market_maker_id         bigint REFERENCES market_maker_clients (id),
    entity_id               bigint REFERENCES entities (id),
    placed_by               bigint NOT NULL REFERENCES users (id),
    price                   numeric(18, 2) CHECK (price > 0),
    quantity                bigint NOT NULL CHECK (quantity > 0),
    filled_quantity         bigint NOT NULL DEFAULT 0,
    remaining_quantity      bigint GENERATED ALWAYS AS (quantity - filled_quantity) STORED,
    -- what the order still holds: EUR for a BUY, certificates for a SELL
    locked_amount           numeric(20, 2) NOT NULL DEFAULT 0 CHECK (locked_amount >= 0),
    status                  order_status NOT NULL DEFAULT 'OPEN',
    post_only               boolean NOT NULL DEFAULT false,
    cancel_reason           text CHECK (cancel_reason IN ('USER', 'WITHDRAWAL', 'SELF_TRADE', 'MARKET_REMAINDER',
                                                          'DEACTIVATION')),
    liquidity_operation_id  bigint REFERENCES liquidity_operations (id),
    liquidity_level         smallint CHECK (liquidity_level >= 1),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_one_owner CHECK ((market_maker_id IS NULL) <> (entity_id IS NULL)),
    CONSTRAINT orders_filled_within_quantity CHECK (filled_quantity BETWEEN 0 AND quantity),
    CONSTRAINT orders_limit_has_price CHECK (order_type = 'MARKET' OR price IS NOT NULL),
    CONSTRAINT orders_status_matches_fill CHECK (
        CASE status
            WHEN 'OPEN'             THEN filled_quantity = 0
            WHEN 'PARTIALLY_FILLED' THEN filled_quantity > 0 AND filled_quantity < quantity
            WHEN 'FILLED'           THEN filled_quantity = quantity
            WHEN 'CANCELLED'        THEN filled_quantity < quantity
        END
    ),
    CONSTRAINT orders_closed_hold_nothing CHECK (status IN ('OPEN', 'PARTIALLY_FILLED') OR locked_amount = 0),
    CONSTRAINT orders_sell_locks_remaining
        CHECK (side = 'BUY' OR status NOT IN ('OPEN', 'PARTIALLY_FILLED')
               OR locked_amount = quantity - filled_quantity),
    CONSTRAINT orders_cancel_has_reason CHECK ((status = 'CANCELLED') = (cancel_reason IS NOT NULL))
);
-- the book: open orders by price then time, per side
CREATE INDEX orders_book_bids_idx ON orders (certificate_type, price DESC, seq)
    WHERE side = 'BUY' AND status IN ('OPEN', 'PARTIALLY_FILLED');
CREATE INDEX orders_book_asks_idx ON orders (certificate_type, price, seq)
    WHERE side = 'SELL' AND status IN ('OPEN', 'PARTIALLY_FILLED');
CREATE INDEX orders_market_maker_idx ON orders (market_maker_id, status);
CREATE INDEX orders_entity_idx ON orders (entity_id, status);
CREATE INDEX orders_placed_by_idx ON orders (placed_by, created_at DESC);
CREATE INDEX orders_liquidity_operation_idx ON orders (liquidity_operation_id) WHERE liquidity_operation_id IS NOT NULL;

CREATE TABLE trades (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_type  certificate_type NOT NULL,
    price             numeric(18, 2) NOT NULL CHECK (price > 0),
    quantity          bigint NOT NULL CHECK (quantity > 0),
    buy_order_id      bigint NOT NULL REFERENCES orders (id),
    sell_order_id     bigint NOT NULL REFERENCES orders (id),
    aggressor_side    order_side NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trades_two_orders CHECK (buy_order_id <> sell_order_id)
);
CREATE INDEX trades_certificate_time_idx ON trades (certificate_type, created_at DESC, id DESC);
CREATE INDEX trades_buy_order_idx ON trades (buy_order_id);
CREATE INDEX trades_sell_order_idx ON trades (sell_order_id);
"""


# stored functions and views of the foundation (sql/), pinned to the text this revision installs
SQL_PINS = {
    "raise_error.sql": "3cbfadaf3c3edaff",
    "create_ticket.sql": "4d6e8a57a1bad092",
    "refuse_ticket_changes.sql": "b920c95cf362d421",
    "account_label.sql": "7de63552a2dbecc3",
    "lock_balances.sql": "226e571177b5c3b2",
    "balance_id_for.sql": "a97a850cdd199178",
    "apply_balance_change.sql": "958f04fd340da343",
    "create_account_balances.sql": "f77bd644156582a4",
    "active_market_maker.sql": "ac2aa14df5d3d334",
    "fund_account.sql": "73d150e1480fafde",
    "create_market_maker.sql": "6e46425d8e3a7ccd",
    "create_entity.sql": "523bf08164a0cea4",
    "deactivate_market_maker.sql": "155bb48b7b6eeebf",
    "verify_ledger.sql": "4e42a608500e8c1e",
    "market_maker_balances.sql": "c622ff54f0040e62",
    "best_prices.sql": "89c662d59c20d568",
    "entity_balances.sql": "58cae8bc8443e029",
}


def upgrade() -> None:
    op.execute(SCHEMA)
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE trades, orders, liquidity_operations, markets, asset_transactions, ticket_logs, balances,
                   market_maker_clients, users, entities CASCADE;
        DROP SEQUENCE IF EXISTS order_seq, ticket_number_seq;
        DROP TYPE transaction_type, order_status, order_type, order_side, certificate_type, asset_type,
                  market_maker_type, user_role;
        """
    )
