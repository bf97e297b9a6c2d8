-- book_matcher_key: the advisory lock (7302, key) of one book's matcher: whoever holds it matches the orders of
-- that book (enter_order, collect_order, drain_order_inbox); the key is the book's place in certificate_type.
CREATE OR REPLACE FUNCTION book_matcher_key(p_certificate_type certificate_type)
RETURNS integer
LANGUAGE sql
STABLE
AS $$
    SELECT array_position(enum_range(NULL::certificate_type), p_certificate_type);
$$;
