-- best_prices: top of one book (from book_levels) and its last trade (NULLs where there is none).
CREATE OR REPLACE FUNCTION best_prices(p_certificate_type certificate_type)
RETURNS TABLE (best_bid numeric, best_ask numeric, last_price numeric, last_trade_at timestamptz)
LANGUAGE sql
STABLE
AS $$
    SELECT
        (SELECT max(price) FROM book_levels WHERE certificate_type = p_certificate_type AND side = 'BUY'),
        (SELECT min(price) FROM book_levels WHERE certificate_type = p_certificate_type AND side = 'SELL'),
        t.price,
        t.created_at
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT price, created_at FROM trades WHERE certificate_type = p_certificate_type
        ORDER BY created_at DESC, id DESC LIMIT 1
    ) t ON true;
$$;
