"""Hostile input for property tests: what crawlers, fuzzers and attackers send to public URLs.

Reuse it for every page that reads its query string::

    from hypothesis import given

    from .hostile import HOSTILE, assert_never_500, hostile_query_strings

    @HOSTILE
    @given(query=hostile_query_strings(["q", "country", "org", "page", "sort"]))
    def test_timeline_survives_hostile_query_strings(client, query):
        assert_never_500(client, reverse("events:timeline"), query)

A page may answer 200, 302, 400 or 404 to such a request; it must not fail.
"""

from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples stay modest so the whole suite stays fast. The client and the
# database are shared by the examples of one test on purpose: the requests
# only read.
HOSTILE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "'",
    '"',
    "' OR '1'='1",
    "1; DROP TABLE events_meeting; --",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "%",
    "%%",
    "\\",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "__proto__",
    "☃",
    "𝕏",
    "\u202e",
    "\ufeff",
    "\r\nSet-Cookie: x=1",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "-5000-01-01",
    "XX",
    "a" * 10_000,
]

# Query strings that are not even validly encoded.
BROKEN_PARTS = ["%", "%zz", "%ff%fe", "%c0%af", "%00", "&&", "=", "==", "a=1=2", ";", "+", "%2", "%u0041"]


def hostile_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_VALUES),
        st.text(max_size=40),
        st.integers().map(str),
        st.dates().map(str),
    )


def hostile_query_strings(params: list[str] | tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Query strings mixing the page's own parameters (repeated, with nasty values) and junk.

    The result is what arrives in QUERY_STRING: percent-encoded, sometimes badly.
    """
    names = st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=20))
    if params:
        names = st.one_of(st.sampled_from(list(params)), names)
    pairs = st.tuples(names, hostile_values()).map(lambda pair: f"{quote(pair[0])}={quote(pair[1], safe='')}")
    return st.lists(st.one_of(pairs, st.sampled_from(BROKEN_PARTS)), max_size=8).map("&".join)


def assert_never_500(client, url: str, query: str = "", *, data: dict | None = None, **extra):
    """GET ``url`` with the raw ``query`` (or POST ``data``); the app may refuse but must not fail."""
    if data is None:
        response = client.get(url, QUERY_STRING=query, **extra)
    else:
        response = client.post(f"{url}?{query}" if query else url, data, **extra)
    assert response.status_code < 500, f"{url}?{query} answered {response.status_code}"
    return response
