"""sitemap.xml for search engines: every published page with the date it last changed.

``/sitemap.xml`` is an index of one sitemap per kind of page (Django splits
one of more than 50,000 addresses into pages of its own). Only published
meetings and delegations are listed, and the records readers can open
(organisations, people, topics, countries with a meeting); drafts never
appear. A profile changes when its record or one of its published meetings
does, so its date is the later of the two. Each section says its latest
change with one aggregate query, for the index.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django_countries.fields import Country

from .models import Delegation, Meeting, Organisation, Person, Status, Topic


def _later(*moments):
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _latest(queryset):
    return queryset.aggregate(latest=Max("updated_at"))["latest"]


class Section(Sitemap):
    def get_latest_lastmod(self):
        """The latest change in the section, for the index: the latest published meeting's by default."""
        return _latest(Meeting.objects.published())


class ListPages(Section):
    """The timeline and the indexes: they change whenever any published meeting does."""

    changefreq = "daily"
    names = (
        "events:timeline",
        "events:organisation-index",
        "events:country-index",
        "events:delegation-index",
        "events:person-index",
        "events:topic-index",
        "events:network",
        "events:commitments",
    )

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            self._latest = self.get_latest_lastmod()
        return self._latest


class MeetingPages(Section):
    def items(self):
        return Meeting.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, meeting):
        return meeting.updated_at


class DelegationPages(Section):
    def get_latest_lastmod(self):
        return _latest(Delegation.objects.published())

    def items(self):
        return Delegation.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, delegation):
        return delegation.updated_at


def _published(path: str) -> Q:
    return Q(**{f"{path}__status": Status.PUBLISHED})


class OrganisationPages(Section):
    def get_latest_lastmod(self):
        return _later(_latest(Organisation.objects.all()), super().get_latest_lastmod())

    def items(self):
        meetings = "meeting_roles__meeting"
        return (
            Organisation.objects.only("slug", "updated_at")
            .annotate(meetings_changed=Max(f"{meetings}__updated_at", filter=_published(meetings)))
            .order_by("pk")
        )

    def lastmod(self, organisation):
        return _later(organisation.updated_at, organisation.meetings_changed)


class PersonPages(Section):
    def get_latest_lastmod(self):
        return _later(_latest(Person.objects.all()), super().get_latest_lastmod())

    def items(self):
        meetings = "participations__meeting"
        return (
            Person.objects.only("slug", "updated_at")
            .annotate(meetings_changed=Max(f"{meetings}__updated_at", filter=_published(meetings)))
            .order_by("pk")
        )

    def lastmod(self, person):
        return _later(person.updated_at, person.meetings_changed)


class TopicPages(Section):
    def items(self):
        return (
            Topic.objects.public()
            .only("slug")
            .annotate(meetings_changed=Max("meetings__updated_at", filter=_published("meetings")))
            .order_by("pk")
        )

    def lastmod(self, topic):
        return topic.meetings_changed


class CountryPages(Section):
    """Countries where a published meeting was held (others have a page, but nothing of their own)."""

    def items(self):
        rows = (
            Meeting.objects.published()
            .exclude(country="")
            .values("country")
            .annotate(changed=Max("updated_at"))
            .order_by("country")
        )
        return [(Country(row["country"]), row["changed"]) for row in rows]

    def location(self, item):
        return reverse("events:country-detail", args=[item[0].code])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": ListPages,
    "meetings": MeetingPages,
    "delegations": DelegationPages,
    "organisations": OrganisationPages,
    "people": PersonPages,
    "topics": TopicPages,
    "countries": CountryPages,
}
