"""Market quality: snapshots of each book (top, depth within ±0.5/1/2 % of mid, every market maker's quotes),
their day/hour/five-minute rollups, and the reads of the market health page and the market-maker scorecard.

Storage: one row per book per snapshot and one per market maker present; mid and spread are derived, never
stored. The rollups hold one row per bucket and distinct spread (book) or distinct quote (market maker), so a
read over a month touches a few thousand rows instead of 260,000 snapshots.

Revision ID: 0011
Revises: 0007
"""

from alembic import op
from core.sql_files import install_sql

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE book_snapshots (
    taken_at              timestamptz NOT NULL,
    certificate_type      certificate_type NOT NULL REFERENCES markets (certificate_type),
    best_bid              numeric(18, 2),
    best_ask              numeric(18, 2),
    bid_depth_0_5pct_eur  numeric(20, 2),
    ask_depth_0_5pct_eur  numeric(20, 2),
    bid_depth_1pct_eur    numeric(20, 2),
    ask_depth_1pct_eur    numeric(20, 2),
    bid_depth_2pct_eur    numeric(20, 2),
    ask_depth_2pct_eur    numeric(20, 2),
    CONSTRAINT book_snapshots_pkey PRIMARY KEY (certificate_type, taken_at),
    -- matching never leaves a crossed book
    CONSTRAINT book_snapshots_not_crossed CHECK (best_bid < best_ask),
    -- the bands are measured from mid: recorded exactly when the book has both sides
    CONSTRAINT book_snapshots_bands_need_a_mid CHECK (
        num_nulls(best_bid, best_ask) = 0
        AND num_nulls(bid_depth_0_5pct_eur, ask_depth_0_5pct_eur, bid_depth_1pct_eur, ask_depth_1pct_eur,
                      bid_depth_2pct_eur, ask_depth_2pct_eur) = 0
        OR num_nonnulls(bid_depth_0_5pct_eur, ask_depth_0_5pct_eur, bid_depth_1pct_eur, ask_depth_1pct_eur,
                        bid_depth_2pct_eur, ask_depth_2pct_eur) = 0),
    -- a wider band holds at least what a narrower one does
    CONSTRAINT book_snapshots_bands_nested CHECK (
        0 <= bid_depth_0_5pct_eur AND bid_depth_0_5pct_eur <= bid_depth_1pct_eur
        AND bid_depth_1pct_eur <= bid_depth_2pct_eur
        AND 0 <= ask_depth_0_5pct_eur AND ask_depth_0_5pct_eur <= ask_depth_1pct_eur
        AND ask_depth_1pct_eur <= ask_depth_2pct_eur)
);

CREATE TABLE market_maker_snapshots (
    taken_at          timestamptz NOT NULL,
    market_maker_id   bigint NOT NULL REFERENCES market_maker_clients (id),
    certificate_type  certificate_type NOT NULL,
    side              order_side NOT NULL,
    best_price        numeric(18, 2) NOT NULL CHECK (best_price > 0),
    value_0_5pct_eur  numeric(20, 2),
    value_1pct_eur    numeric(20, 2),
    value_2pct_eur    numeric(20, 2),
    CONSTRAINT market_maker_snapshots_pkey PRIMARY KEY (certificate_type, taken_at, market_maker_id, side),
    CONSTRAINT market_maker_snapshots_book_fkey FOREIGN KEY (certificate_type, taken_at)
        REFERENCES book_snapshots (certificate_type, taken_at),
    CONSTRAINT market_maker_snapshots_bands CHECK (
        num_nulls(value_0_5pct_eur, value_1pct_eur, value_2pct_eur) IN (0, 3)
        AND 0 <= value_0_5pct_eur AND value_0_5pct_eur <= value_1pct_eur AND value_1pct_eur <= value_2pct_eur)
);

CREATE TABLE book_snapshot_rollups (
    bucket_start        timestamptz NOT NULL,
    grain               interval NOT NULL CHECK (grain = ANY (snapshot_grains())),
    certificate_type    certificate_type NOT NULL,
    snapshots           integer NOT NULL CHECK (snapshots > 0),
    spread_bps          numeric(12, 2),  -- NULL: the snapshots with one side or none
    bid_depth_1pct_eur  numeric(24, 2),  -- summed over those snapshots
    ask_depth_1pct_eur  numeric(24, 2),
    CONSTRAINT book_snapshot_rollups_bucket_aligned CHECK (bucket_start = snapshot_bucket(grain, bucket_start)),
    CONSTRAINT book_snapshot_rollups_key UNIQUE NULLS NOT DISTINCT (certificate_type, grain, bucket_start, spread_bps)
);

CREATE TABLE market_maker_snapshot_rollups (
    bucket_start      timestamptz NOT NULL,
    grain             interval NOT NULL CHECK (grain = ANY (snapshot_grains())),
    market_maker_id   bigint NOT NULL REFERENCES market_maker_clients (id),
    certificate_type  certificate_type NOT NULL,
    side              order_side NOT NULL,
    snapshots         integer NOT NULL CHECK (snapshots > 0),
    value_0_5pct_eur  numeric(20, 2),
    value_1pct_eur    numeric(20, 2),
    value_2pct_eur    numeric(20, 2),
    CONSTRAINT market_maker_snapshot_rollups_bucket_aligned CHECK (bucket_start = snapshot_bucket(grain, bucket_start)),
    CONSTRAINT market_maker_snapshot_rollups_key UNIQUE NULLS NOT DISTINCT
        (certificate_type, grain, bucket_start, market_maker_id, side, value_0_5pct_eur, value_1pct_eur, value_2pct_eur)
);

-- the scorecard reads the orders market makers placed in a period
CREATE INDEX orders_market_maker_created_idx ON orders (created_at) WHERE market_maker_id IS NOT NULL;
"""

SQL_PINS: dict[str, str] = {
    "snapshot_grains.sql": "67eafa403e68bfff",
    "spread_bps.sql": "fe6481ebbabe4d81",
    "take_book_snapshot.sql": "bfdbc9c6bd75eeea",
    "book_snapshot_points.sql": "e04c8cd8a16134d7",
    "snapshot_spans.sql": "a6afef7c74b7bcd8",
    "book_health.sql": "8b041390ba03ab2f",
    "book_health_series.sql": "d28d4303bae6e6a7",
    "depth_heatmap.sql": "da1f47527e641a1e",
    "market_maker_scorecard.sql": "21058045daa99c0e",
    "prune_book_snapshots.sql": "57a7d43017c93f87",
}

# the functions the tables' constraints call are installed before the tables, the rest after them
FOR_TABLES = ("snapshot_grains.sql", "spread_bps.sql")


def upgrade() -> None:
    install_sql(op.get_bind(), {name: pin for name, pin in SQL_PINS.items() if name in FOR_TABLES})
    op.execute(TABLES)
    install_sql(op.get_bind(), {name: pin for name, pin in SQL_PINS.items() if name not in FOR_TABLES})


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION take_book_snapshot(certificate_type, timestamptz), "
        "snapshot_spans(timestamptz, timestamptz), "
        "book_health(certificate_type, timestamptz, timestamptz), "
        "book_health_series(certificate_type, timestamptz, timestamptz, interval), "
        "depth_heatmap(certificate_type, timestamptz, timestamptz), "
        "market_maker_scorecard(timestamptz, timestamptz, certificate_type, numeric, numeric), "
        "prune_book_snapshots(timestamptz)"
    )
    op.execute("DROP VIEW book_snapshot_points")
    op.execute(
        "DROP TABLE market_maker_snapshot_rollups, book_snapshot_rollups, market_maker_snapshots, book_snapshots"
    )
    op.execute("DROP INDEX orders_market_maker_created_idx")
    op.execute(
        "DROP FUNCTION spread_bps(numeric, numeric), mid_price(numeric, numeric), "
        "snapshot_bucket(interval, timestamptz), snapshot_grains()"
    )
