"""Topics editors can grow: broad topics and the specific topics under them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Meeting, Topic

from .factories import make_meeting, make_topic
from .pages import meeting_titles

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
