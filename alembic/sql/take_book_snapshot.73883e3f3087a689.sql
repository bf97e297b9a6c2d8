-- take_book_snapshot: record one book as it is now, stamped p_at (now, or earlier to back-date it): its best bid
-- and ask, the resting EUR per side within ±0.5/1/2 % of mid (bounds inclusive), and for every market maker with
-- resting orders its side, best price and EUR within each band. A one-sided or empty book is recorded too, with
-- the bands NULL (no mid). Each snapshot is also counted into the rollups of every grain (snapshot_grains), which
-- the health summary and the scorecard read, and folds in the book's market-maker order events. A system write:
-- no acting user, no ticket.
CREATE OR REPLACE FUNCTION take_book_snapshot(p_certificate_type certificate_type, p_at timestamptz)
RETURNS book_snapshots
LANGUAGE plpgsql
AS $$
DECLARE
    v_read    record;
    s         book_snapshots;
    v_mms     market_maker_snapshots[];
    v_spread  numeric;
BEGIN
    IF p_at IS NULL OR p_at > now() THEN
        PERFORM raise_error('CB400', format(
            'A snapshot records the book as it is now: stamp it now or earlier, not at %s', coalesce(p_at::text, 'no time')));
    END IF;

    -- the book lock first, shared (snapshots of one book may run together): matching writes the same market-maker
    -- rollup rows through its triggers, so the two take turns instead of deadlocking, and no order changes while
    -- the book is read
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR SHARE;

    -- one statement reads the book, so the top, every band and every market maker describe the same state of it
    WITH top AS (
        SELECT bid, ask, mid_price(bid, ask) AS mid
          FROM (SELECT max(price) FILTER (WHERE side = 'BUY') AS bid, min(price) FILTER (WHERE side = 'SELL') AS ask
                  FROM orders
                 WHERE certificate_type = p_certificate_type AND status IN ('OPEN', 'PARTIALLY_FILLED')) best
    ), owners AS (
        -- each owner's resting orders on one side; |price − mid| ≤ mid × b % reads |price − mid| × 100 / b ≤ mid,
        -- multiplications only, so a bound is met exactly
        SELECT o.market_maker_id, o.side,
               CASE o.side WHEN 'BUY' THEN max(o.price) ELSE min(o.price) END AS best_price,
               CASE WHEN top.mid IS NOT NULL THEN coalesce(sum(o.price * o.remaining_quantity)
                    FILTER (WHERE abs(o.price - top.mid) * 200 <= top.mid), 0) END AS v05,
               CASE WHEN top.mid IS NOT NULL THEN coalesce(sum(o.price * o.remaining_quantity)
                    FILTER (WHERE abs(o.price - top.mid) * 100 <= top.mid), 0) END AS v1,
               CASE WHEN top.mid IS NOT NULL THEN coalesce(sum(o.price * o.remaining_quantity)
                    FILTER (WHERE abs(o.price - top.mid) * 50 <= top.mid), 0) END AS v2
          FROM orders o CROSS JOIN top
         WHERE o.certificate_type = p_certificate_type AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
         GROUP BY o.market_maker_id, o.entity_id, o.side, top.mid
    )
    SELECT ROW(p_at, p_certificate_type, top.bid, top.ask,
               d.bid05, d.ask05, d.bid1, d.ask1, d.bid2, d.ask2)::book_snapshots AS book,
           d.mms
      INTO v_read
      FROM top
     CROSS JOIN (
        SELECT sum(v05) FILTER (WHERE side = 'BUY') AS bid05, sum(v05) FILTER (WHERE side = 'SELL') AS ask05,
               sum(v1) FILTER (WHERE side = 'BUY') AS bid1, sum(v1) FILTER (WHERE side = 'SELL') AS ask1,
               sum(v2) FILTER (WHERE side = 'BUY') AS bid2, sum(v2) FILTER (WHERE side = 'SELL') AS ask2,
               array_agg(ROW(p_at, market_maker_id, p_certificate_type, side, best_price, v05, v1, v2)
                             ::market_maker_snapshots ORDER BY market_maker_id, side)
                   FILTER (WHERE market_maker_id IS NOT NULL) AS mms
          FROM owners) d;
    s := v_read.book;
    v_mms := v_read.mms;
    v_spread := spread_bps(s.best_bid, s.best_ask);

    INSERT INTO book_snapshots SELECT (s).*;
    INSERT INTO market_maker_snapshots SELECT * FROM unnest(v_mms);

    -- the rollups: per bucket, snapshots, two-sided ones and their summed spread and ±1 % depth; and per bucket
    -- how many two-sided snapshots had this spread
    INSERT INTO book_snapshot_rollups AS r
        (bucket_start, grain, certificate_type, snapshots, two_sided, spread_bps, bid_depth_1pct_eur, ask_depth_1pct_eur)
    SELECT snapshot_bucket(g, p_at), g, p_certificate_type, 1, (v_spread IS NOT NULL)::integer,
           coalesce(v_spread, 0), coalesce(s.bid_depth_1pct_eur, 0), coalesce(s.ask_depth_1pct_eur, 0)
      FROM unnest(snapshot_grains()) g
    ON CONFLICT (certificate_type, grain, bucket_start) DO UPDATE
       SET snapshots = r.snapshots + 1,
           two_sided = r.two_sided + excluded.two_sided,
           spread_bps = r.spread_bps + excluded.spread_bps,
           bid_depth_1pct_eur = r.bid_depth_1pct_eur + excluded.bid_depth_1pct_eur,
           ask_depth_1pct_eur = r.ask_depth_1pct_eur + excluded.ask_depth_1pct_eur;
    INSERT INTO book_spread_rollups AS r (bucket_start, grain, certificate_type, spread_bps, snapshots)
    SELECT snapshot_bucket(g, p_at), g, p_certificate_type, v_spread, 1
      FROM unnest(snapshot_grains()) g
     WHERE v_spread IS NOT NULL
    ON CONFLICT (certificate_type, grain, bucket_start, spread_bps) DO UPDATE SET snapshots = r.snapshots + 1;

    -- per bucket and market maker: one more snapshot, and its quote on its own side per band (summed, and counted
    -- against each ladder step)
    INSERT INTO market_maker_rollups AS r
        (bucket_start, grain, market_maker_id, certificate_type, snapshots, sum_0_5pct_eur, sum_1pct_eur,
         sum_2pct_eur, quoting_0_5pct, quoting_1pct, quoting_2pct)
    SELECT snapshot_bucket(g, p_at), g, q.market_maker_id, p_certificate_type, 1,
           coalesce(q.v05, 0), coalesce(q.v1, 0), coalesce(q.v2, 0),
           quote_ladder_counts(q.v05), quote_ladder_counts(q.v1), quote_ladder_counts(q.v2)
      FROM (SELECT m.market_maker_id,
                   max(m.value_0_5pct_eur) FILTER (WHERE m.side = market_maker_side(c.mm_type)) AS v05,
                   max(m.value_1pct_eur) FILTER (WHERE m.side = market_maker_side(c.mm_type)) AS v1,
                   max(m.value_2pct_eur) FILTER (WHERE m.side = market_maker_side(c.mm_type)) AS v2
              FROM unnest(v_mms) m
              JOIN market_maker_clients c ON c.id = m.market_maker_id
             GROUP BY m.market_maker_id) q
     CROSS JOIN unnest(snapshot_grains()) g
    ON CONFLICT (certificate_type, grain, bucket_start, market_maker_id) DO UPDATE
       SET snapshots = r.snapshots + 1,
           sum_0_5pct_eur = r.sum_0_5pct_eur + excluded.sum_0_5pct_eur,
           sum_1pct_eur = r.sum_1pct_eur + excluded.sum_1pct_eur,
           sum_2pct_eur = r.sum_2pct_eur + excluded.sum_2pct_eur,
           quoting_0_5pct = add_counts(r.quoting_0_5pct, excluded.quoting_0_5pct),
           quoting_1pct = add_counts(r.quoting_1pct, excluded.quoting_1pct),
           quoting_2pct = add_counts(r.quoting_2pct, excluded.quoting_2pct);

    -- and the orders and fills of its market makers since the last snapshot
    PERFORM fold_market_maker_orders(p_certificate_type);
    RETURN s;
END;
$$;
