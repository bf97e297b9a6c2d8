-- book_slippage: what a market order of p_side for p_amount_eur would get from the live book now, by the engine's
-- own walk of the book (walk_book): a BUY spends at most the amount, a SELL sells until its proceeds reach it, in
-- whole certificates. How many certificates, for how much, at what average price; the mid, and the slippage
-- |average − mid| / mid × 10,000 in bps (NULL without a mid or without a fill); and whether the book can absorb
-- the amount at all: what the whole opposite side would fill is worth at least the amount. One statement, so
-- every figure describes the same book.
CREATE OR REPLACE FUNCTION book_slippage(p_certificate_type certificate_type, p_side order_side,
                                         p_amount_eur numeric)
RETURNS TABLE (quantity bigint, filled_eur numeric, average_price numeric, mid numeric, slippage_bps numeric,
               fillable boolean)
LANGUAGE sql
STABLE
AS $$
    WITH walked AS (
        SELECT coalesce(sum(w.quantity), 0)::bigint AS quantity, coalesce(sum(w.amount), 0) AS eur
          FROM walk_book(p_certificate_type, p_side, NULL, p_amount_eur) w
    ), whole_side AS (
        SELECT coalesce(sum(w.amount), 0) AS eur FROM walk_book(p_certificate_type, p_side, NULL, NULL) w
    ), top AS (
        SELECT mid_price(b.best_bid, b.best_ask) AS mid FROM best_prices(p_certificate_type) b
    )
    SELECT w.quantity, w.eur, round(w.eur / nullif(w.quantity, 0), 4), t.mid,
           round(abs(w.eur / nullif(w.quantity, 0) - t.mid) / t.mid * 10000, 2), s.eur >= p_amount_eur
      FROM walked w, whole_side s, top t;
$$;
