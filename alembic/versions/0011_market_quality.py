"""Market quality: snapshots of each book (top, depth within ±0.5/1/2 % of mid, every market maker's quotes),
their day/hour/five-minute rollups, and the reads of the market health page and the market-maker scorecard.

Storage: one row per book per snapshot and one per market maker present; mid and spread are derived, never
stored. The rollups hold one row per bucket and distinct spread (book) or per bucket and market maker, so a read
over a month touches a couple of thousand rows instead of 260,000 snapshots.

Revision ID: 0011
Revises: 0010
"""

from alembic import op
from core.sql_files import install_sql

revision = "0011"
down_revision = "0010"
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

-- The rollups' open buckets are updated at every snapshot: pages keep room (fillfactor) so an update stays on its
-- page (HOT), and a bucket's rows stay together with the others written at the same time.

-- per bucket of each grain: how many snapshots, how many two-sided, and over those the summed spread and ±1 %
-- depth (the health summary's means, and the scorecard's snapshot counts)
CREATE TABLE book_snapshot_rollups (
    bucket_start        timestamptz NOT NULL,
    grain               interval NOT NULL CHECK (grain = ANY (snapshot_grains())),
    certificate_type    certificate_type NOT NULL,
    snapshots           integer NOT NULL CHECK (snapshots > 0),
    two_sided           integer NOT NULL CHECK (two_sided BETWEEN 0 AND snapshots),
    spread_bps          numeric(18, 1) NOT NULL,  -- these three summed over the two-sided snapshots
    bid_depth_1pct_eur  numeric(24, 2) NOT NULL,
    ask_depth_1pct_eur  numeric(24, 2) NOT NULL,
    CONSTRAINT book_snapshot_rollups_pkey PRIMARY KEY (certificate_type, grain, bucket_start),
    CONSTRAINT book_snapshot_rollups_bucket_aligned CHECK (bucket_start = snapshot_bucket(grain, bucket_start))
) WITH (fillfactor = 70);

-- per bucket and spread seen: how many two-sided snapshots had it (the median spread). The count rides in the
-- index, so old buckets are read from the index alone.
CREATE TABLE book_spread_rollups (
    bucket_start      timestamptz NOT NULL,
    grain             interval NOT NULL CHECK (grain = ANY (snapshot_grains())),
    certificate_type  certificate_type NOT NULL,
    spread_bps        numeric(12, 1) NOT NULL,
    snapshots         integer NOT NULL CHECK (snapshots > 0),
    CONSTRAINT book_spread_rollups_pkey PRIMARY KEY (certificate_type, grain, bucket_start, spread_bps)
        INCLUDE (snapshots),
    CONSTRAINT book_spread_rollups_bucket_aligned CHECK (bucket_start = snapshot_bucket(grain, bucket_start))
) WITH (fillfactor = 70);

-- per bucket and market maker: in how many snapshots it rested orders; on its own side (market_maker_side) its EUR
-- per band summed over them (the mean quote) and per band how many of them quoted at least each step of
-- quote_ladder_eur() (presence); and the orders it placed in the bucket with every fill they got since (folded in
-- from market_maker_order_events). One scan of this table answers the scorecard.
CREATE TABLE market_maker_rollups (
    bucket_start      timestamptz NOT NULL,
    grain             interval NOT NULL CHECK (grain = ANY (snapshot_grains())),
    market_maker_id   bigint NOT NULL REFERENCES market_maker_clients (id),
    certificate_type  certificate_type NOT NULL,
    snapshots         integer NOT NULL DEFAULT 0 CHECK (snapshots >= 0),
    sum_0_5pct_eur    numeric(24, 2) NOT NULL DEFAULT 0,
    sum_1pct_eur      numeric(24, 2) NOT NULL DEFAULT 0,
    sum_2pct_eur      numeric(24, 2) NOT NULL DEFAULT 0,
    quoting_0_5pct    integer[] NOT NULL DEFAULT array_fill(0, ARRAY[cardinality(quote_ladder_eur())]),
    quoting_1pct      integer[] NOT NULL DEFAULT array_fill(0, ARRAY[cardinality(quote_ladder_eur())]),
    quoting_2pct      integer[] NOT NULL DEFAULT array_fill(0, ARRAY[cardinality(quote_ladder_eur())]),
    placed_quantity   bigint NOT NULL DEFAULT 0 CHECK (placed_quantity >= 0),
    filled_quantity   bigint NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    traded_value_eur  numeric(24, 2) NOT NULL DEFAULT 0 CHECK (traded_value_eur >= 0),
    CONSTRAINT market_maker_rollups_pkey PRIMARY KEY (certificate_type, grain, bucket_start, market_maker_id),
    CONSTRAINT market_maker_rollups_bucket_aligned CHECK (bucket_start = snapshot_bucket(grain, bucket_start)),
    CONSTRAINT market_maker_rollups_one_count_per_step CHECK (
        cardinality(quoting_0_5pct) = cardinality(quote_ladder_eur())
        AND cardinality(quoting_1pct) = cardinality(quote_ladder_eur())
        AND cardinality(quoting_2pct) = cardinality(quote_ladder_eur()))
) WITH (fillfactor = 70);

-- what market makers placed and filled since the last snapshot of each book (count_market_maker_order/_fill write,
-- fold_market_maker_orders moves them into market_maker_rollups)
CREATE TABLE market_maker_order_events (
    placed_at         timestamptz NOT NULL,
    market_maker_id   bigint NOT NULL REFERENCES market_maker_clients (id),
    certificate_type  certificate_type NOT NULL,
    placed_quantity   bigint NOT NULL DEFAULT 0 CHECK (placed_quantity >= 0),
    filled_quantity   bigint NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    traded_value_eur  numeric(24, 2) NOT NULL DEFAULT 0 CHECK (traded_value_eur >= 0)
);
CREATE INDEX market_maker_order_events_idx ON market_maker_order_events (certificate_type, placed_at);

-- the scorecard reads the orders market makers placed at the two ends of a period one by one
CREATE INDEX orders_market_maker_created_idx ON orders (created_at) WHERE market_maker_id IS NOT NULL;
"""

# the orders and fills of market makers already in the database; every new one arrives by trigger as an event
ORDER_ROLLUPS = """
INSERT INTO market_maker_rollups
    (bucket_start, grain, market_maker_id, certificate_type, placed_quantity, filled_quantity, traded_value_eur)
SELECT snapshot_bucket(g, o.created_at), g, o.market_maker_id, o.certificate_type, sum(o.quantity),
       coalesce(sum(f.quantity), 0), coalesce(sum(f.eur), 0)
  FROM orders o
 CROSS JOIN unnest(snapshot_grains()) g
  LEFT JOIN LATERAL (SELECT sum(t.quantity) AS quantity, sum(t.price * t.quantity) AS eur
                       FROM trades t WHERE t.buy_order_id = o.id AND o.side = 'BUY'
                                        OR t.sell_order_id = o.id AND o.side = 'SELL') f ON true
 WHERE o.market_maker_id IS NOT NULL
 GROUP BY 1, 2, 3, 4;

CREATE TRIGGER orders_count_market_maker_order AFTER INSERT ON orders REFERENCING NEW TABLE AS inserted_orders
    FOR EACH STATEMENT EXECUTE FUNCTION count_market_maker_order();
CREATE TRIGGER trades_count_market_maker_fill AFTER INSERT ON trades REFERENCING NEW TABLE AS inserted_trades
    FOR EACH STATEMENT EXECUTE FUNCTION count_market_maker_fill();
"""

SQL_PINS: dict[str, str] = {
    "book_slippage.sql": "e257edadea9bac2a",
    "fold_market_maker_orders.sql": "5d466477af8737e9",
    "quote_ladder_eur.sql": "75d9dd05f9a09c77",
    "count_market_maker_order.sql": "b4a11594276e9edd",
    "count_market_maker_fill.sql": "1c52bd4eba1ca26a",
    "snapshot_grains.sql": "51a063f42b76d511",
    "spread_bps.sql": "4b067f9cb90c1d4d",
    "take_book_snapshot.sql": "73883e3f3087a689",
    "book_snapshot_points.sql": "e04c8cd8a16134d7",
    "snapshot_spans.sql": "38f5a1a05aafeb01",
    "book_health.sql": "b030c0044b639353",
    "book_health_series.sql": "d28d4303bae6e6a7",
    "depth_heatmap.sql": "da1f47527e641a1e",
    "market_maker_scorecard.sql": "fe27bfff6b3e7ed3",
    "prune_book_snapshots.sql": "26d10228228fec96",
}

# the functions the tables' constraints call are installed before the tables, the rest after them
FOR_TABLES = ("snapshot_grains.sql", "spread_bps.sql", "quote_ladder_eur.sql")


def upgrade() -> None:
    install_sql(op.get_bind(), {name: pin for name, pin in SQL_PINS.items() if name in FOR_TABLES})
    op.execute(TABLES)
    install_sql(op.get_bind(), {name: pin for name, pin in SQL_PINS.items() if name not in FOR_TABLES})
    op.execute(ORDER_ROLLUPS)


def downgrade() -> None:
    op.execute("DROP TRIGGER trades_count_market_maker_fill ON trades")
    op.execute("DROP TRIGGER orders_count_market_maker_order ON orders")
    op.execute("DROP AGGREGATE sum_counts(integer[])")
    op.execute(
        "DROP FUNCTION take_book_snapshot(certificate_type, timestamptz), "
        "snapshot_spans(timestamptz, timestamptz), "
        "book_health(certificate_type, timestamptz, timestamptz), "
        "book_health_series(certificate_type, timestamptz, timestamptz, interval), "
        "depth_heatmap(certificate_type, timestamptz, timestamptz), "
        "market_maker_scorecard(timestamptz, timestamptz, certificate_type, numeric, numeric), "
        "prune_book_snapshots(timestamptz), count_market_maker_fill(), count_market_maker_order(), "
        "book_slippage(certificate_type, order_side, numeric), quote_ladder_counts(numeric), "
        "fold_market_maker_orders(certificate_type), "
        "add_counts(integer[], integer[])"
    )
    op.execute("DROP VIEW book_snapshot_points")
    op.execute(
        "DROP TABLE market_maker_order_events, market_maker_rollups, book_spread_rollups, book_snapshot_rollups, "
        "market_maker_snapshots, book_snapshots"
    )
    op.execute("DROP INDEX orders_market_maker_created_idx")
    op.execute(
        "DROP FUNCTION spread_bps(numeric, numeric), mid_price(numeric, numeric), "
        "quote_ladder_eur(), snapshot_bucket(interval, timestamptz), snapshot_grains()"
    )
