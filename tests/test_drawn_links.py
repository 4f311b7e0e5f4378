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

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source, make_topic
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


# The meeting page's and the network's lists, as their templates' loops drew them before.
MEETING_LOOPS = {
    "country_links": """{% for country in meeting.countries_taking_part %}<a href="{% url 'events:country-detail' country.code %}">{{ country.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}""",  # noqa: E501
    "hosts": """{% for organisation in meeting.hosts %}<a href="{{ organisation.get_absolute_url }}">{{ organisation.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}""",  # noqa: E501
    "organisations": """{% for link in meeting.organisations_taking_part %}
      <li><a href="{{ link.organisation.get_absolute_url }}">{{ link.organisation }}</a> <span class="muted">— {{ link.role.label|lower }}</span></li>
      {% endfor %}""",  # noqa: E501
    "participants": """{% for participation in meeting.participants_present %}
        <tr>
          <td data-label="Name as reported">{% if participation.person %}<a href="{{ participation.person.get_absolute_url }}">{{ participation.name_as_written }}</a>{% if participation.person.name != participation.name_as_written %} <span class="muted">({{ participation.person.name }})</span>{% endif %}{% else %}{{ participation.name_as_written }} <span class="muted">(not yet identified)</span>{% endif %}{% if participation.names_display %} <span class="muted">— spelt {{ participation.names_display }}</span>{% endif %}</td>
          <td data-label="Title at the time">{{ participation.titles_display|default:"—" }}</td>
          <td data-label="Organisation">{% if participation.organisation %}<a href="{{ participation.organisation.get_absolute_url }}">{{ participation.organisation.short_name }}</a>{% else %}—{% endif %}</td>
          <td data-label="Role">{{ participation.role.label }}</td>
        </tr>
      {% endfor %}""",  # noqa: E501
    "sources": """{% for source in meeting.sources.all %}
      <li>
        <a href="{{ source.url }}" rel="noopener noreferrer external">{{ source.title|default:source.url }}</a>
        <span class="muted">— {{ source.publisher }}{% if source.republished_by %}, republished by {{ source.republished_by }}{% endif %}{% if source.author %}, by {{ source.author }}{% endif %}{% if source.published_on %}, {% if source.published_precision == "year" %}{{ source.published_on|date:"Y" }}{% elif source.published_precision == "month" %}{{ source.published_on|date:"F Y" }}{% else %}{{ source.published_on|date:"j F Y" }}{% endif %}{% endif %}{% if source.language %} ({{ source.language }}){% endif %}</span>
      </li>
      {% endfor %}""",  # noqa: E501
    "topics": """{% for topic in meeting.topics.all %}<li><a href="{{ topic.get_absolute_url }}">{{ topic.name }}</a></li>{% endfor %}""",  # noqa: E501
    "related": """{% for other in related %}<li><a href="{{ other.get_absolute_url }}">{{ other.title }}</a> <span class="muted">— {{ other.date_display }}, {{ other.shared }} shared organisation{{ other.shared|pluralize }}</span></li>{% endfor %}""",  # noqa: E501
}
MEETING_TAGS = {
    "country_links": "{% country_links meeting.countries_taking_part %}",
    "hosts": '{% comma_links meeting.hosts "events:organisation-detail" "name" %}',
    "organisations": "{% organisation_role_items meeting.organisations_taking_part %}",
    "participants": "{% participant_rows meeting.participants_present %}",
    "sources": "{% source_items meeting.sources.all %}",
    "topics": '{% record_links meeting.topics.all "events:topic-detail" "name" %}',
    "related": "{% related_items related %}",
}


def render_loops(templates: dict[str, str], context: dict) -> dict[str, str]:
    from django.template import Context, Template

    return {
        name: Template("{% load timeline %}" + text).render(Context(context))
        for name, text in templates.items()
    }


def test_a_meeting_pages_lists_read_as_the_template_loops_drew_them():
    from events.meeting_index import related_to
    from events.models import Meeting, ParticipantReport

    typed_org = make_organisation(name=TYPED, acronym="<b>ORG</b>")
    plain_org = make_organisation(name="Plain Agency", acronym="")
    host = make_organisation(name="Host & Co", acronym="H&C")
    sources = [
        make_source(title=TYPED, publisher="AzerNews", author="A <b>writer</b>", language="az"),
        make_source(title="", publisher="Azertag", republished_by="Re & pub", published_precision="month"),
        make_source(publisher=TYPED, published_precision="year"),
        make_source(publisher="Undated", published_on=None),
    ]
    person = make_person(name="Elchin Amirbayov")
    meeting = make_meeting(
        title=TYPED,
        visiting_country="AZ",
        organisations=[(host, "host"), typed_org, plain_org, (plain_org, "mentioned")],
        topics=[make_topic(name=TYPED), make_topic(name="Land release")],
        sources=sources,
        participants=[
            {"name_as_written": "Elchin Amirbeyov", "person": person, "title_as_stated": TYPED},
            {"name_as_written": person.name, "person": person, "organisation": typed_org},
            {"name_as_written": TYPED, "organisation": plain_org, "role": "host"},
            {"name_as_written": "Nobody", "title_as_stated": ""},
        ],
    )
    first = meeting.participations.order_by("order").first()
    ParticipantReport.objects.create(
        participation=first, source=sources[0], title_as_stated="Deputy <Minister>"
    )
    ParticipantReport.objects.create(participation=first, source=sources[1], name_as_written="E. Amirbayov")
    for number in range(3):
        make_meeting(title=f"Other {number} <i>", organisations=[typed_org, host][: number + 1])
    read = Meeting.objects.published().for_detail().get(pk=meeting.pk)
    related = related_to(read, Meeting.objects.published().only("title", "slug", "start_date", "end_date"))
    context = {"meeting": read, "related": related}
    drawn, looped = render_loops(MEETING_TAGS, context), render_loops(MEETING_LOOPS, context)
    assert drawn == looped
    assert all(looped[name].strip() for name in looped)  # every list had something to draw
    assert "<script>" not in "".join(drawn.values())


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
