-- order_book: one row per price level of one book, up to p_depth levels a side, best first:
-- bids (BUY) by price descending, then asks (SELL) ascending, with the quantity resting at the level,
-- the number of orders, and the cumulative quantity from the best price down to this level.
-- It reads book_levels (kept by track_order_changes), p_depth rows a side, however many orders rest.
CREATE OR REPLACE FUNCTION order_book(p_certificate_type certificate_type, p_depth integer DEFAULT 50)
RETURNS TABLE (side order_side, price numeric, quantity bigint, orders bigint, cumulative bigint)
LANGUAGE sql
STABLE
AS $$
    (SELECT 'BUY'::order_side, price, quantity, orders, (sum(quantity) OVER (ORDER BY price DESC))::bigint
       FROM (SELECT price, quantity, orders::bigint FROM book_levels
              WHERE certificate_type = p_certificate_type AND side = 'BUY'
              ORDER BY price DESC LIMIT p_depth) bids
      ORDER BY price DESC)
    UNION ALL
    (SELECT 'SELL'::order_side, price, quantity, orders, (sum(quantity) OVER (ORDER BY price))::bigint
       FROM (SELECT price, quantity, orders::bigint FROM book_levels
              WHERE certificate_type = p_certificate_type AND side = 'SELL'
              ORDER BY price LIMIT p_depth) asks
      ORDER BY price);
$$;
