"""Markup put together in Python for speed (events/templatetags/timeline.py): a meeting's row, the
map's and the facets' links. It must read as the templates did: every value escaped, every link
changing one filter and keeping the others."""

import pytest
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from events.templatetags.timeline import SINGLE_VALUED, Toggler, slug_url

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
    set_script_prefix("/mirror/")
    try:
        assert slug_url("events:topic-detail", "land-release") == "/mirror/topics/land-release/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("url", ["/", "/commitments/", "/topics/", "/countries/TH/"])
def test_no_template_comment_reaches_the_page(client, url):
    make_meeting(country="TH", topics=[make_topic()])
    content = client.get(url).content
    assert b"{#" not in content
    assert b"#}" not in content


# The template loops the tags replaced, kept here to hold the tags to the same markup.
FACET_ITEMS_LOOP = """{% load timeline %}<ul>
        {% for item in values %}
        <li{% if item.selected %} class="selected"{% endif %}>
          {% facet_link item %}
          {% if item.children %}
          <details class="facet-children"{% if item.open %} open{% endif %}>
            <summary>{{ item.children|length }} more<span class="visually-hidden"> under {{ item.label }}</span></summary>
            <ul>
              {% for child in item.children %}
              <li{% if child.selected %} class="selected"{% endif %}>{% facet_link child %}</li>
              {% endfor %}
            </ul>
          </details>
          {% endif %}
        </li>
        {% endfor %}
      </ul>"""  # noqa: E501 (the template's own lines)

MEETING_ROWS_LOOP = """{% load timeline %}{% if grouped %}
    {% regroup meetings by start_date.year as years %}
    {% for year in years %}
    <section class="year-group" aria-labelledby="year-{{ year.grouper }}-{{ forloop.counter }}">
      <h2 id="year-{{ year.grouper }}-{{ forloop.counter }}" class="year-heading">{{ year.grouper }}</h2>
      {% regroup year.list by start_date.month as months %}
      {% for month in months %}
        <h3 class="month-heading">{{ month.list.0.start_date|date:"F Y" }}</h3>
        {% for meeting in month.list %}{% meeting_row meeting %}{% endfor %}
      {% endfor %}
    </section>
    {% endfor %}
  {% else %}
    {% for meeting in meetings %}{% meeting_row meeting %}{% endfor %}
  {% endif %}"""


def test_facet_items_read_as_the_template_loop_did(rf):
    from django.template import Context, Template

    from events.facets import FacetValue

    values = [
        FacetValue("topic", "land-release", TYPED, 12, full_name=TYPED),
        FacetValue(
            "topic",
            "training",
            "Training",
            7,
            selected=True,
            children=[
                FacetValue("topic", "eod", "EOD", 3, selected=True),
                FacetValue("topic", "mre", "Risk <education>", 2),
            ],
        ),
        FacetValue("topic", "survey", "Survey", 1, children=[FacetValue("topic", "nts", "NTS", 1)]),
    ]
    request = rf.get("/", {"topic": ["training", "eod"], "country": "TH"})
    looped = Template(FACET_ITEMS_LOOP).render(Context({"request": request, "values": values}))
    tagged = Template("{% load timeline %}<ul>{% facet_items values %}</ul>").render(
        Context({"request": request, "values": values})
    )
    assert tagged == looped


@pytest.mark.parametrize("grouped", [True, False])
def test_meeting_rows_read_as_the_regroup_loops_did(grouped):
    import datetime

    from django.template import Context, Template

    from events.models import Meeting

    for day in ["2024-03-02", "2024-03-20", "2024-01-05", "2023-12-31", "2023-12-01", "2021-06-06"]:
        make_meeting(title=f"{TYPED} {day}", start_date=datetime.date.fromisoformat(day))
    meetings = list(Meeting.objects.published().for_timeline().order_by("-start_date", "-pk"))
    context = {"meetings": meetings, "grouped": grouped}
    looped = Template(MEETING_ROWS_LOOP).render(Context(context))
    tagged = Template("{% load timeline %}{% meeting_rows meetings grouped %}").render(Context(context))
    assert tagged == looped
