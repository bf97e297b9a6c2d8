-- best_prices: top of one book and its last trade (NULLs where there is none).
CREATE OR REPLACE FUNCTION best_prices(p_certificate_type certificate_type)
RETURNS TABLE (best_bid numeric, best_ask numeric, last_price numeric, last_trade_at timestamptz)
LANGUAGE sql
STABLE
AS $$
    SELECT
        (SELECT max(price) FROM orders
          WHERE certificate_type = p_certificate_type AND side = 'BUY' AND status IN ('OPEN', 'PARTIALLY_FILLED')),
        (SELECT min(price) FROM orders
          WHERE certificate_type = p_certificate_type AND side = 'SELL' AND status IN ('OPEN', 'PARTIALLY_FILLED')),
        t.price,
        t.created_at
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT price, created_at FROM trades WHERE certificate_type = p_certificate_type
        ORDER BY created_at DESC, id DESC LIMIT 1
    ) t ON true;
$$;
