-- book_snapshot_points: every recorded snapshot of a book with its mid and spread (derived, not stored).
CREATE OR REPLACE VIEW book_snapshot_points AS
SELECT certificate_type,
       taken_at AS at,
       best_bid,
       best_ask,
       mid_price(best_bid, best_ask) AS mid,
       spread_bps(best_bid, best_ask) AS spread_bps,
       bid_depth_0_5pct_eur,
       ask_depth_0_5pct_eur,
       bid_depth_1pct_eur,
       ask_depth_1pct_eur,
       bid_depth_2pct_eur,
       ask_depth_2pct_eur
  FROM book_snapshots;
