-- market_maker_scorecard: how each market maker met its obligations over [p_start, p_end] (both inclusive), per
-- book (p_certificate_type, or every book when NULL), as designated-sponsor programmes judge them: in how many of
-- the book's snapshots its resting EUR on its own side (market_maker_side) within ±p_max_spread_pct of mid was at
-- least p_min_quote_eur, and that EUR summed over the snapshots (the caller divides by `snapshots`, so absence
-- counts as 0); then the orders it placed in the period with all their fills, whenever they came.
-- Rows: every market maker and book with a snapshot or an order in the period. Snapshot counts come from the
-- rollups and the two ends of the period (snapshot_spans), as in book_health.
CREATE OR REPLACE FUNCTION market_maker_scorecard(
    p_start             timestamptz,
    p_end               timestamptz,
    p_certificate_type  certificate_type,
    p_max_spread_pct    numeric,
    p_min_quote_eur     numeric
)
RETURNS TABLE (market_maker_id bigint, name text, certificate_type certificate_type, snapshots bigint,
               present bigint, quoted_eur numeric, placed_quantity bigint, filled_quantity bigint,
               traded_value_eur numeric)
LANGUAGE plpgsql
STABLE
AS $$
#variable_conflict use_column
DECLARE
    v_books certificate_type[] := CASE WHEN p_certificate_type IS NULL THEN enum_range(NULL::certificate_type)
                                       ELSE ARRAY[p_certificate_type] END;
BEGIN
    IF p_max_spread_pct IS NULL OR p_max_spread_pct NOT IN (0.5, 1, 2) THEN
        PERFORM raise_error('CB400', format(
            'The maximum spread must be one of the bands snapshots record: 0.5 %%, 1 %% or 2 %% of mid, got %s %%',
            coalesce(p_max_spread_pct::text, 'none')));
    END IF;
    IF p_min_quote_eur IS NULL OR p_min_quote_eur <= 0 THEN
        PERFORM raise_error('CB400', format('The minimum quote must be more than €0, got %s',
                                            coalesce(p_min_quote_eur::text, 'none')));
    END IF;

    RETURN QUERY
    WITH spans AS (
        SELECT * FROM snapshot_spans(p_start, p_end)
    ), books AS (
        SELECT r.certificate_type, sum(r.snapshots) AS n
          FROM spans s
          JOIN book_snapshot_rollups r ON r.certificate_type = ANY (v_books) AND r.grain = s.grain
                                      AND r.bucket_start >= s.lo AND r.bucket_start < s.hi
         GROUP BY r.certificate_type
        UNION ALL
        SELECT b.certificate_type, count(*)
          FROM spans s
          JOIN book_snapshots b ON s.grain IS NULL AND b.certificate_type = ANY (v_books)
                               AND b.taken_at >= s.lo AND b.taken_at < s.hi
         GROUP BY b.certificate_type
    ), quotes AS (
        SELECT r.certificate_type, r.market_maker_id, r.side, r.snapshots AS n,
               CASE p_max_spread_pct WHEN 0.5 THEN r.value_0_5pct_eur WHEN 1 THEN r.value_1pct_eur
                                     ELSE r.value_2pct_eur END AS v
          FROM spans s
          JOIN market_maker_snapshot_rollups r ON r.certificate_type = ANY (v_books) AND r.grain = s.grain
                                              AND r.bucket_start >= s.lo AND r.bucket_start < s.hi
        UNION ALL
        SELECT q.certificate_type, q.market_maker_id, q.side, 1,
               CASE p_max_spread_pct WHEN 0.5 THEN q.value_0_5pct_eur WHEN 1 THEN q.value_1pct_eur
                                     ELSE q.value_2pct_eur END
          FROM spans s
          JOIN market_maker_snapshots q ON s.grain IS NULL AND q.certificate_type = ANY (v_books)
                                       AND q.taken_at >= s.lo AND q.taken_at < s.hi
    ), quoting AS (
        -- only its own side counts: a liquidity provider's obligation is to bid, an asset holder's to offer
        SELECT q.certificate_type, q.market_maker_id,
               coalesce(sum(q.n) FILTER (WHERE q.v >= p_min_quote_eur AND own.side), 0) AS present,
               coalesce(sum(q.v * q.n) FILTER (WHERE own.side), 0) AS quoted
          FROM quotes q
          JOIN market_maker_clients m ON m.id = q.market_maker_id
         CROSS JOIN LATERAL (SELECT q.side = market_maker_side(m.mm_type) AS side) own
         GROUP BY q.certificate_type, q.market_maker_id
    ), placed AS (
        SELECT o.certificate_type, o.market_maker_id, sum(o.quantity) AS placed, sum(o.filled_quantity) AS filled,
               coalesce(sum(CASE WHEN o.filled_quantity = 0 THEN 0
                                 WHEN o.side = 'BUY' THEN (SELECT sum(t.price * t.quantity) FROM trades t
                                                            WHERE t.buy_order_id = o.id)
                                 ELSE (SELECT sum(t.price * t.quantity) FROM trades t WHERE t.sell_order_id = o.id)
                            END), 0) AS traded
          FROM orders o
         WHERE o.market_maker_id IS NOT NULL AND o.created_at >= p_start AND o.created_at <= p_end
           AND o.certificate_type = ANY (v_books)
         GROUP BY o.certificate_type, o.market_maker_id
    ), present_in AS (
        SELECT certificate_type, market_maker_id FROM quoting
        UNION
        SELECT certificate_type, market_maker_id FROM placed
    )
    SELECT m.id, m.name, k.certificate_type,
           coalesce((SELECT sum(b.n) FROM books b WHERE b.certificate_type = k.certificate_type), 0)::bigint,
           coalesce(q.present, 0)::bigint, coalesce(q.quoted, 0), coalesce(p.placed, 0)::bigint,
           coalesce(p.filled, 0)::bigint, coalesce(p.traded, 0)
      FROM present_in k
      JOIN market_maker_clients m ON m.id = k.market_maker_id
      LEFT JOIN quoting q ON q.certificate_type = k.certificate_type AND q.market_maker_id = k.market_maker_id
      LEFT JOIN placed p ON p.certificate_type = k.certificate_type AND p.market_maker_id = k.market_maker_id
     ORDER BY k.certificate_type, lower(m.name), m.id;
END;
$$;
