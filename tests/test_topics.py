"""Topics editors can grow: broad topics and the specific topics under them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from events.models import Meeting, Topic

from .factories import make_meeting, make_topic
from .pages import facet_links, meeting_titles, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def dogs():
    """A broad topic with a specific one under it, a meeting tagged with each, and one with neither."""
    broad = make_topic(name="Land release", slug="land-release-broad")
    specific = make_topic(name="Mine detection dogs", slug="dogs", parent=broad)
    make_meeting(title="About clearance", topics=[broad])
    make_meeting(title="About dogs", topics=[specific])
    make_meeting(title="About both", topics=[broad, specific])
    make_meeting(title="About nothing")
    return broad, specific


def test_filtering_by_a_broad_topic_includes_its_specific_topics(client, dogs):
    broad, specific = dogs
    assert set(meeting_titles(client.get(f"/?topic={broad.slug}"))) == {
        "About clearance",
        "About dogs",
        "About both",
    }
    assert set(meeting_titles(client.get(f"/?topic={specific.slug}"))) == {"About dogs", "About both"}
    assert Meeting.objects.published().about_topics([broad]).count() == 3


def test_topic_counts_match_their_pages(client, dogs):
    broad, specific = dogs
    counts = {topic.slug: topic.meeting_count for topic in Topic.objects.with_meeting_counts()}
    assert (counts[broad.slug], counts[specific.slug]) == (3, 2)
    page = client.get(broad.get_absolute_url())
    assert page.context["page"].paginator.count == 3
    api = client.get(f"/api/topics/{broad.slug}/").json()
    assert api["meeting_count"] == 3


def test_topics_have_two_levels_only(dogs):
    broad, specific = dogs
    finer = Topic(name="Dog handlers", slug="dog-handlers", parent=specific)
    with pytest.raises(ValidationError) as error:
        finer.full_clean()
    assert "parent" in error.value.message_dict
    broad.parent = make_topic(name="Everything", slug="everything")
    with pytest.raises(ValidationError):
        broad.full_clean()  # it has specific topics under it


def test_editors_may_add_a_topic(as_editor, dogs):
    broad, _ = dogs
    assert Group.objects.get(name="Editor").permissions.filter(codename="add_topic").exists()
    response = as_editor.post(
        reverse("admin:events_topic_add"),
        {
            "name": "Border clearance",
            "slug": "border-clearance-x",
            "parent": broad.pk,
            "description": "",
            "keywords": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Topic.objects.get(slug="border-clearance-x").parent == broad


# --- The roll-up: a broad topic's count is the list its link opens ---------------------------


def test_a_broad_topics_facet_counts_its_specific_topics_meetings_once(client, dogs):
    broad, specific = dogs
    response = client.get("/")
    topics = facet_links(response, "topic")
    assert topics["Land release"][0] == 3  # "About both" counts once
    assert topics["Mine detection dogs"][0] == 2
    for label, (count, href) in topics.items():
        assert len(meeting_titles(client.get(f"/{href}"))) == count, label


def test_specific_topics_sit_behind_a_more_disclosure_under_their_broad_topic(client, dogs):
    page = soup(client.get("/"))
    section = page.select_one('section[aria-labelledby="facet-topic"]')
    broad_items = section.select(":scope > ul > li")
    assert [li.select_one(".facet-label").get_text(strip=True) for li in broad_items] == ["Land release"]
    disclosure = broad_items[0].select_one("details")
    assert disclosure is not None and not disclosure.has_attr("open")
    assert "more" in disclosure.select_one("summary").get_text().lower()
    assert [a.select_one(".facet-label").get_text(strip=True) for a in disclosure.select("li a")] == [
        "Mine detection dogs"
    ]
    # Chosen, the specific topic shows with its disclosure open.
    chosen = soup(client.get("/?topic=dogs")).select_one('section[aria-labelledby="facet-topic"] details')
    assert chosen.has_attr("open")


def test_topic_counts_and_the_filter_agree_for_every_topic_on_random_data():
    broad = [make_topic(name=f"Broad {n}", slug=f"broad-{n}") for n in range(3)]
    specific = [make_topic(name=f"Specific {n}", slug=f"specific-{n}", parent=broad[n % 3]) for n in range(5)]
    proposed = make_topic(name="Proposed", slug="proposed", parent=broad[0], approved=False)
    every = [*broad, *specific, proposed]
    for n in range(24):
        make_meeting(topics=[every[(n * 7 + k) % len(every)] for k in range(n % 4)])
    meetings = Meeting.objects.published()
    counts = {row["slug"]: row["meetings"] for row in meetings.topic_counts()}
    annotated = {topic.slug: topic.meeting_count for topic in Topic.objects.public().with_meeting_counts()}
    for topic in Topic.objects.public():
        listed = meetings.about_topics([topic]).count()
        assert counts.get(topic.slug, 0) == listed == (annotated[topic.slug] or 0), topic.slug
    assert "proposed" not in counts
    years = {}
    for row in meetings.topic_year_counts():
        years[row["slug"]] = years.get(row["slug"], 0) + row["meetings"]
    assert years == counts


def test_the_topic_facet_costs_one_query(dogs, django_assert_num_queries):
    with django_assert_num_queries(1):
        Meeting.objects.published().topic_counts()


# --- Proposed topics: an editor's new topic waits for a publisher ---------------------------


def test_an_editors_new_topic_is_proposed_and_must_be_specific(as_editor, dogs):
    broad, _ = dogs
    url = reverse("admin:events_topic_add")
    form = soup(as_editor.get(url))
    assert form.select_one('input[name="approved"]') is None  # not the editor's to set
    response = as_editor.post(url, {"name": "Border demarcation", "slug": "border-x", "parent": ""})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    response = as_editor.post(
        url, {"name": "ALIS detector", "slug": "alis", "parent": broad.pk, "approved": "on"}
    )
    assert response.status_code == 302
    assert Topic.objects.get(slug="alis").approved is False


def test_a_proposed_topic_is_not_public_until_a_publisher_approves_it(client, dogs, publisher):
    broad, _ = dogs
    alis = make_topic(name="ALIS detector", slug="alis", parent=broad, approved=False)
    make_meeting(title="Detector trial", topics=[alis])
    make_meeting(title="Draft trial", topics=[alis], status="draft")
    assert "ALIS detector" not in facet_links(client.get("/"), "topic")
    assert facet_links(client.get("/"), "topic")["Land release"][0] == 3  # not rolled up yet
    assert client.get("/topics/alis/").status_code == 404
    assert "There is no topic “alis”" in client.get("/?topic=alis").content.decode()
    assert client.get("/api/topics/alis/").status_code == 404
    assert "alis" not in {t["slug"] for t in client.get("/api/topics/?page_size=100").json()["results"]}
    assert client.get("/api/meetings/?topic=alis").status_code == 400
    trial = client.get("/api/meetings/?q=Detector").json()["results"][0]
    assert trial["topics"] == []
    assert "/topics/alis/" not in client.get("/sitemap.xml").content.decode()
    assert "ALIS detector" not in client.get("/feeds/meetings.atom").content.decode()
    assert "ALIS detector" not in client.get("/topics/").content.decode()
    assert meeting_titles(client.get("/?q=ALIS")) == []
    assert "ALIS detector" not in b"".join(client.get("/export/meetings.csv").streaming_content).decode()

    alis.approve(publisher)
    assert facet_links(client.get("/"), "topic")["Land release"][0] == 4
    assert client.get("/topics/alis/").status_code == 200
    assert meeting_titles(client.get("/?topic=alis")) == ["Detector trial"]
    assert meeting_titles(client.get("/?q=ALIS")) == ["Detector trial"]
    assert alis.history.latest().history_user == publisher


def test_only_a_publisher_approves_and_does_so_in_the_admin(client, editor, publisher, dogs):
    broad, _ = dogs
    alis = make_topic(name="ALIS detector", slug="alis", parent=broad, approved=False)
    with pytest.raises(PermissionDenied):
        alis.approve(editor)
    client.force_login(editor)
    changelist = reverse("admin:events_topic_changelist")
    client.post(changelist, {"action": "approve_topics", "_selected_action": [alis.pk]})
    alis.refresh_from_db()
    assert alis.approved is False
    client.force_login(publisher)
    assert "(proposed)" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "approve_topics", "_selected_action": [alis.pk]})
    assert response.status_code == 302
    alis.refresh_from_db()
    assert alis.approved is True


def test_the_database_refuses_a_third_topic_level(dogs):
    broad, specific = dogs
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Dog handlers", slug="dog-handlers", parent=specific)
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=broad.pk).update(parent=make_topic(name="Everything", slug="everything"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Loose", slug="loose", approved=False)  # a proposal is specific
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=specific.pk).update(parent=specific)
