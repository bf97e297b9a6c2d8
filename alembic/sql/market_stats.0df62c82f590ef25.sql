-- market_stats: the header of one book: top of book, spread and mid, last trade, and the last 24 hours
-- (change against the last trade before the window, else the first one in it; volume in certificates
-- and EUR; high; low; number of trades). NULLs where there is no data.
CREATE OR REPLACE FUNCTION market_stats(p_certificate_type certificate_type)
RETURNS TABLE (best_bid numeric, best_ask numeric, spread numeric, mid numeric, last_price numeric,
               last_trade_at timestamptz, change_24h numeric, change_pct_24h numeric, volume_24h bigint,
               turnover_24h numeric, high_24h numeric, low_24h numeric, trades_24h bigint)
LANGUAGE sql
STABLE
AS $$
    SELECT bp.best_bid, bp.best_ask, bp.best_ask - bp.best_bid, round((bp.best_bid + bp.best_ask) / 2, 3),
           bp.last_price, bp.last_trade_at,
           bp.last_price - ref.price, round(100 * (bp.last_price - ref.price) / ref.price, 2),
           coalesce(day.volume, 0), coalesce(day.turnover, 0), day.high, day.low, day.n
    FROM best_prices(p_certificate_type) bp
    CROSS JOIN LATERAL (
        SELECT sum(quantity)::bigint AS volume, sum(price * quantity) AS turnover, max(price) AS high,
               min(price) AS low, count(*) AS n
          FROM trades WHERE certificate_type = p_certificate_type AND created_at > now() - interval '24 hours'
    ) day
    CROSS JOIN LATERAL (
        SELECT coalesce(
            (SELECT price FROM trades
              WHERE certificate_type = p_certificate_type AND created_at <= now() - interval '24 hours'
              ORDER BY created_at DESC, id DESC LIMIT 1),
            (SELECT price FROM trades
              WHERE certificate_type = p_certificate_type AND created_at > now() - interval '24 hours'
              ORDER BY created_at, id LIMIT 1)) AS price
    ) ref;
$$;
