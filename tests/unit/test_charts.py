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

    bids, asks = depth_figure(book).data[:2]

    assert (bids.name, bids.mode, list(bids.x), list(bids.y)) == ("Bids", "lines+markers", [100.0], [10])
    assert (asks.name, asks.mode) == ("Asks", "lines")


def test_the_axis_runs_past_the_deepest_prices_and_each_sides_total_reaches_its_edge():
    book = OrderBook(
        certificate_type=CertificateType.EUA,
        bids=[level("80.83", 618, 618), level("80.59", 618, 1236)],
        asks=[level("81.17", 306, 306), level("81.41", 306, 612)],
    )

    figure = depth_figure(book)

    left, right = figure.layout.xaxis.range
    assert left < 80.59 and right > 81.41  # the deepest level is not drawn on the chart's border
    beyond = {(t.x[0], t.y[0]): (t.x[1], t.fill, t.hoverinfo) for t in figure.data[2:]}
    assert beyond == {(80.59, 1236): (left, "tozeroy", "skip"), (81.41, 612): (right, "tozeroy", "skip")}


def test_the_legend_sits_under_the_chart_where_plotlys_toolbar_cannot_cover_it():
    book = OrderBook(certificate_type=CertificateType.EUA, bids=[level("80", 5, 5)], asks=[level("81", 5, 5)])

    legend = depth_figure(book).layout.legend

    # above the plot (y 1.12) the toolbar, always shown on a touch screen, covered "Bids / Asks" on a phone
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
