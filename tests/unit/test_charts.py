"""The Cash Market's depth chart draws whatever rests in the book."""

from decimal import Decimal

from core.enums import CertificateType
from core.market import BookLevel, OrderBook
from ui.charts import depth_figure


def level(price: str, quantity: int, cumulative: int) -> BookLevel:
    return BookLevel(price=Decimal(price), quantity=quantity, orders=1, cumulative=cumulative)


def test_a_side_of_one_level_is_drawn_as_a_point_and_a_deeper_side_as_a_line():
    book = OrderBook(
        certificate_type=CertificateType.EUA,
        bids=[level("100.00", 10, 10)],  # one bid alone: a line through one point draws nothing
        asks=[level("100.50", 5, 5), level("100.60", 5, 10)],
    )

    bids, asks = depth_figure(book).data

    assert (bids.name, bids.mode, list(bids.x), list(bids.y)) == ("Bids", "lines+markers", [100.0], [10])
    assert (asks.name, asks.mode) == ("Asks", "lines")
