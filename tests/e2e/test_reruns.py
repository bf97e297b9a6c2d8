"""The browser tests' one rerun is really asked for (tests/e2e/conftest.py). Its hook ran before the one that marks
the browser tests e2e, so it found none to mark, and a browser test that failed under load was never run again."""


def test_a_browser_test_that_fails_is_run_once_more(request):
    flaky = request.node.get_closest_marker("flaky")

    assert request.node.get_closest_marker("e2e") is not None
    assert flaky is not None and flaky.kwargs == {"reruns": 1}
