"""Markup put together in Python for speed (events/templatetags/timeline.py): a meeting's row, the
map's and the facets' links. It must read as the templates did: every value escaped, every link
changing one filter and keeping the others."""

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from events.models import Meeting
from events.network import partner_network
from events.templatetags.timeline import (
    SINGLE_VALUED,
    Toggler,
    network_edges,
    network_labels,
    network_nodes,
    network_rows,
    slug_url,
)

from .factories import make_delegation, make_meeting, make_organisation, make_topic
from .hostile import HOSTILE, hostile_values
from .pages import facet_links, query, soup

pytestmark = pytest.mark.django_db

TYPED = """<script>alert("x")</script> & 'quoted'"""


def toggled_by_query_dict(query_string: str, key: str, value: str) -> str:
    """The link as the template tag made it with a copy of the request's QueryDict."""
    query = QueryDict(query_string, mutable=True)
    query.pop("page", None)
    current = query.getlist(key)
    if key in SINGLE_VALUED:
        current = [] if value in current else [value]
    elif value in current:
        current = [item for item in current if item != value]
    else:
        current = [*current, value]
    if current:
        query.setlist(key, current)
    else:
        query.pop(key, None)
    return f"?{query.urlencode()}"


@HOSTILE
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(["country", "org", "topic", "year", "q", "page", "more"]), hostile_values()
        ),
        max_size=6,
    ),
    key=st.sampled_from(["country", "org", "year", "q", "sort"]),
    value=hostile_values(),
)
def test_a_toggle_link_is_the_query_with_one_value_changed(pairs, key, value):
    built = QueryDict(mutable=True)
    for name, item in pairs:
        built.appendlist(name, item)
    query_string = built.urlencode()
    assert Toggler(QueryDict(query_string))(key, value) == toggled_by_query_dict(query_string, key, value)


def test_a_row_escapes_everything_an_editor_typed(client):
    organisation = make_organisation(name=TYPED, acronym="<b>ORG</b>")
    topic = make_topic(name=TYPED)
    delegation = make_delegation(title=TYPED)
    make_meeting(
        title=TYPED,
        summary=TYPED,
        venue=TYPED,
        organisations=[organisation],
        topics=[topic],
        delegation=delegation,
    )
    response = client.get(reverse("events:timeline"))
    assert b"<script>" not in response.content
    assert b"<b>ORG" not in response.content
    row = soup(response).select_one(".meeting-row")
    assert row.select_one(".meeting-title").get_text() == TYPED
    assert row.select_one(".meeting-summary").get_text() == TYPED
    assert TYPED in row.select_one(".place").get_text()
    assert row.select_one(".delegation a").get_text() == TYPED
    assert row.select_one(".delegation a")["href"] == delegation.get_absolute_url()
    orgs = row.select_one(".meeting-orgs a")
    assert (orgs.get_text(), orgs["title"], orgs["href"]) == (
        "<b>ORG</b>",
        TYPED,
        organisation.get_absolute_url(),
    )
    assert [(a.get_text(), a["href"]) for a in row.select(".tags a")] == [(TYPED, topic.get_absolute_url())]


def test_map_and_facet_links_keep_the_other_filters(client):
    thai = make_organisation(name="Thai centre", country="TH")
    make_meeting(country="TH", kind="training", organisations=[thai])
    make_meeting(country="KH", kind="training")
    page = soup(client.get(reverse("events:timeline"), {"country": "TH", "kind": "training", "page": "1"}))
    on_map = {link["data-country"]: link for link in page.select("a.map-country")}
    assert "is-selected" in on_map["TH"]["class"]
    assert query(on_map["TH"]["href"]) == {"kind": ["training"]}
    assert on_map["TH"].title.get_text().endswith("(in the filter; select to remove)")
    table = {link.get_text(): query(link["href"]) for link in page.select(".chart-table tbody a")}
    assert table == {"Thailand": {"kind": ["training"]}}
    response = client.get(reverse("events:timeline"), {"country": "TH"})
    assert facet_links(response, "kind")["Training"][1] == "?country=TH&kind=training"
    assert query(facet_links(response, "country")["Thailand"][1]) == {}


@pytest.mark.parametrize("slug", ["land-release", "UA", "org_1", "with space", "ünï", "a/b", "%41"])
def test_a_slug_link_is_what_reverse_gives(slug):
    for view_name in ("events:topic-detail", "events:country-detail"):
        try:
            expected = reverse(view_name, args=[slug])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                slug_url(view_name, slug)
            continue
        assert slug_url(view_name, slug) == expected
    for first, second in ((slug, "org-2"), ("org-2", slug)):
        try:
            expected = reverse("events:organisation-pair", args=[first, second])
        except NoReverseMatch:
            continue
        assert slug_url("events:organisation-pair", first, second) == expected
    set_script_prefix("/mirror/")
    try:
        assert slug_url("events:topic-detail", "land-release") == "/mirror/topics/land-release/"
        assert slug_url("events:organisation-pair", "a", "b") == "/mirror/organisations/a/with/b/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("url", ["/", "/commitments/", "/topics/", "/countries/TH/"])
def test_no_template_comment_reaches_the_page(client, url):
    make_meeting(country="TH", topics=[make_topic()])
    content = client.get(url).content
    assert b"{#" not in content
    assert b"#}" not in content


# The network partial's loops as the template wrote them, before they were put together in Python.
NETWORK_LOOPS = (
    '{% for edge in network.edges %}<line class="net-edge" x1="{{ edge.first.x }}" y1="{{ edge.first.y }}" '
    'x2="{{ edge.second.x }}" y2="{{ edge.second.y }}" stroke-width="{{ edge.width }}"><title>'
    "{{ edge.first.label }} and {{ edge.second.label }}: {{ edge.meetings }} shared meeting"
    "{{ edge.meetings|pluralize }}</title></line>{% endfor %}|"
    '{% for node in network.nodes %}<a class="net-node{% if node.current %} is-current{% endif %}" '
    'href="{{ node.url }}" data-org="{{ node.slug }}" data-meetings="{{ node.meetings }}"><title>'
    "{{ node.name }}: {{ node.meetings }} meeting{{ node.meetings|pluralize }} ({{ node.kind_label }})"
    '</title><circle class="org-kind-{{ node.kind }}" cx="{{ node.x }}" cy="{{ node.y }}" r="{{ node.r }}">'
    "</circle></a>{% endfor %}|"
    '{% for node in network.nodes %}{% if node.label_place %}<text class="net-label'
    '{% if not node.major %} net-label-minor{% endif %}{% if node.current %} is-current{% endif %}" '
    'x="{{ node.label_x }}" y="{{ node.label_y }}" text-anchor="{{ node.label_anchor }}" '
    'dominant-baseline="{{ node.label_baseline }}">{{ node.label }}</text>{% endif %}{% endfor %}|'
    '{% for edge in network.edges %}<tr data-pair="{{ edge.first.slug }} {{ edge.second.slug }}"><td>'
    '<a href="{{ edge.first.url }}">{{ edge.first.label }}</a></td><td><a href="{{ edge.second.url }}">'
    '{{ edge.second.label }}</a></td><td><a href="{{ edge.pair_url }}" title="Meetings of both">'
    "{{ edge.meetings }}</a></td></tr>{% endfor %}"
)


def test_the_network_reads_as_its_template_loops_did():
    typed = [make_organisation(name=f"{TYPED} {n}", acronym="<b>O</b>" if n else "") for n in range(4)]
    for organisations in (typed[:2], typed[:3], typed[1:], typed):
        make_meeting(organisations=organisations)
    network = partner_network(Meeting.objects.published(), focus=typed[0])
    assert network["edges"]
    network["nodes"][0]["x"] += 0.1 + 0.2  # a float that str() writes in full
    drawn = "|".join(tag(network) for tag in (network_edges, network_nodes, network_labels, network_rows))
    assert drawn == Template(NETWORK_LOOPS).render(Context({"network": network}))
    assert "<script>" not in drawn and "<b>" not in drawn
