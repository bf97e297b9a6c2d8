-- adjust_book_levels: add changes to book_levels, the quantity and number of orders resting at each price
-- level (one row per certificate_type, side, price with something resting). A level whose orders all leave is
-- deleted, so a read of the best levels never steps over empty ones. Called by track_order_changes, under the
-- book lock every writer of orders holds, so no two callers change the same book at once.
CREATE OR REPLACE FUNCTION adjust_book_levels(
    p_certificate_types  certificate_type[],
    p_sides              order_side[],
    p_prices             numeric[],
    p_quantities         bigint[],
    p_orders             bigint[]
)
RETURNS void
LANGUAGE sql
AS $$
    MERGE INTO book_levels l
    USING (SELECT * FROM unnest(p_certificate_types, p_sides, p_prices, p_quantities, p_orders)
                         AS d(certificate_type, side, price, quantity, orders)
            WHERE d.quantity <> 0 OR d.orders <> 0) d
       ON l.certificate_type = d.certificate_type AND l.side = d.side AND l.price = d.price
     WHEN MATCHED AND l.orders + d.orders = 0 AND l.quantity + d.quantity = 0 THEN
          DELETE
     WHEN MATCHED THEN
          UPDATE SET quantity = l.quantity + d.quantity, orders = l.orders + d.orders
     WHEN NOT MATCHED THEN
          INSERT (certificate_type, side, price, quantity, orders)
          VALUES (d.certificate_type, d.side, d.price, d.quantity, d.orders);
$$;
