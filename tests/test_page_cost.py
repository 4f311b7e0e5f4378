"""Pages cost what they show: a meeting's related meetings from a bounded set of candidates, and
meeting rows kept by their own stamps, so that a write retires only the rows it changes."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import meeting_index
from events.meeting_index import related_and_follow_ups, related_to
from events.models import Meeting, OutcomeStatus, ParticipantReport, Status
from events.models.prepared import PreparedRead
from events.templatetags import timeline as timeline_tags

from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_outcome,
    make_person,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db


def related_titles(client, meeting) -> list[str]:
    page = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    return [link.get_text() for link in page.select("#related ~ ul a")]


def test_related_meetings_share_most_organisations_first_then_newest(client):
    x, y, z, w = (make_organisation() for _ in range(4))
    meeting = make_meeting(organisations=[x, y, z])
    day = datetime.date(2020, 1, 1)
    make_meeting(title="All three", start_date=day, organisations=[x, y, z, w])
    make_meeting(title="Two", start_date=day, organisations=[(x, "host"), (y, "funder")])
    make_meeting(title="One, newer", start_date=day.replace(year=2024), organisations=[x])
    make_meeting(title="One, older", start_date=day, organisations=[y, w])
    make_meeting(title="Only mentioned", organisations=[(x, "mentioned"), (y, "mentioned")])
    make_meeting(title="Draft", status=Status.DRAFT, organisations=[x, y, z])
    assert related_titles(client, meeting) == ["All three", "Two", "One, newer", "One, older"]


def test_a_busy_organisation_gives_only_its_latest_candidates(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(meeting_index, "RELATED_CANDIDATES", 10)
    busy, rare = make_organisation(), make_organisation()
    meeting = make_meeting(organisations=[busy, rare])
    make_meeting(title="Both, long ago", start_date=datetime.date(2001, 1, 1), organisations=[busy, rare])
    for number in range(20):
        make_meeting(title=f"Busy {number}", organisations=[busy])
    loaded = Meeting.objects.for_detail().get(pk=meeting.pk)
    related_to(loaded, Meeting.objects.published())  # the index is read whole
    # Ranked by the index: its log (read on every call outside a page), then the chosen rows.
    with django_assert_num_queries(2):
        related = related_to(loaded, Meeting.objects.published())
    # The rare organisation's meetings are all candidates: the one sharing both comes first.
    assert [other.title for other in related] == ["Both, long ago", *(f"Busy {n}" for n in range(19, 14, -1))]
    assert [other.shared for other in related] == [2, 1, 1, 1, 1, 1]


def test_a_meeting_without_organisations_has_no_related_meetings_and_asks_nothing(django_assert_num_queries):
    meeting = Meeting.objects.for_detail().get(pk=make_meeting().pk)
    with django_assert_num_queries(0):
        assert related_to(meeting, Meeting.objects.published()) == []


class RowRenders:
    """Records which meetings' rows were rendered rather than read from the cache."""

    def __init__(self, monkeypatch):
        self.rendered: list[str] = []
        kept = timeline_tags.kept

        def counting(name, stamp, compute, timeout=None):
            def render():
                html = compute()
                self.rendered.append(BeautifulSoup(html, "html.parser").select_one("h3").get_text())
                return html

            return kept(name, stamp, render, timeout)

        monkeypatch.setattr(timeline_tags, "kept", counting)

    def take(self) -> list[str]:
        rendered, self.rendered = sorted(self.rendered), []
        return rendered


def test_a_write_retires_only_the_rows_it_changes(client, monkeypatch):
    renders = RowRenders(monkeypatch)
    ua, th = make_organisation(name="Ukrainian Demining Centre"), make_organisation(acronym="", name="TMAC")
    topic = make_topic(name="Land release")
    trip = make_delegation(title="Trip to Kyiv")
    first = make_meeting(title="First", organisations=[ua], topics=[topic], delegation=trip)
    second = make_meeting(title="Second", organisations=[th])
    make_meeting(title="Third")
    client.get("/")
    assert renders.take() == ["First", "Second", "Third"]
    client.get("/")
    assert renders.take() == []

    second.title = "Second, renamed"
    second.save()
    page = client.get("/").content.decode()
    assert renders.take() == ["Second, renamed"] and "Second, renamed" in page

    # What a row shows of other records changes it too, though the meeting itself was not saved.
    th.name = "Thailand Mine Action Centre"
    th.save()
    assert "Thailand Mine Action Centre" in client.get("/").content.decode()
    assert renders.take() == ["Second, renamed"]
    for record, field, value in (
        (ua, "acronym", "UDC"),
        (topic, "name", "Clearance"),
        (trip, "title", "Visit"),
    ):
        setattr(record, field, value)
        record.save()
        assert value in client.get("/").content.decode()
        assert renders.take() == ["First"]
    first.organisation_roles.create(organisation=th)
    client.get("/")
    assert renders.take() == ["First"]


def test_a_meetings_related_meetings_and_follow_ups_are_read_in_one_query(django_assert_num_queries):
    x, y = make_organisation(), make_organisation()
    first = make_meeting(title="First")
    meeting = make_meeting(organisations=[x, y], follow_up_of=first)
    both = make_meeting(
        title="Both", start_date=datetime.date(2025, 3, 1), organisations=[x], follow_up_of=meeting
    )
    earlier = make_meeting(title="Earlier", start_date=datetime.date(2024, 9, 1), follow_up_of=meeting)
    make_meeting(title="Draft", status=Status.DRAFT, follow_up_of=meeting)
    related = make_meeting(title="Related", organisations=[x, y])
    loaded = Meeting.objects.for_detail().get(pk=meeting.pk)
    published = Meeting.objects.published()
    related_to(loaded, published)  # the index is read whole
    # The index's log (read on every call outside a page), then one query for both lists' rows.
    with django_assert_num_queries(2):
        shown, follows, later = related_and_follow_ups(loaded)
    assert [other.pk for other in shown] == [related.pk, both.pk]
    assert [other.shared for other in shown] == [2, 1]
    assert [other.pk for other in later] == [earlier.pk, both.pk]
    assert follows.pk == first.pk
    alone = Meeting.objects.for_detail().get(pk=earlier.pk)
    with django_assert_num_queries(1):  # no organisations: no ranking; what it follows, its follow-ups
        shown, follows, later = related_and_follow_ups(alone)
    assert (shown, follows.pk, later) == ([], meeting.pk, [])
    first.status = Status.DRAFT
    first.save()
    assert related_and_follow_ups(loaded)[1] is None  # a draft is not shown as followed


def parts(meeting) -> dict[str, list]:
    """What a meeting page reads of a meeting's to-many records, as comparable values."""
    return {
        "organisations": [
            (link.organisation.name, link.role.label) for link in meeting.organisation_roles.all()
        ],
        "participants": [
            (each.name_as_written, each.person and each.person.name, each.role.label, each.titles_display)
            for each in meeting.participations.all()
        ],
        "topics": [topic.name for topic in meeting.topics.all()],
        "outcomes": [
            (
                outcome.text,
                [party.name for party in outcome.parties.all()],
                [
                    (change.status, change.source and change.source.publisher)
                    for change in outcome.status_changes.all()
                ],
            )
            for outcome in meeting.outcomes.all()
        ],
        "sources": [source.publisher for source in meeting.sources.all()],
    }


def test_a_meeting_read_for_its_page_holds_every_part_and_asks_nothing_more(django_assert_num_queries):
    ua, th = make_organisation(name="Ukrainian Demining Centre"), make_organisation(name="TMAC")
    news, agency = make_source(publisher="AzerNews"), make_source(publisher="Azertag")
    meeting = make_meeting(
        organisations=[ua, (th, "host")],
        topics=[make_topic(name="Land release"), make_topic(name="Clearance")],
        sources=[news, agency],
        participants=[{"name_as_written": "A. Person", "person": make_person(name="Anna Person")}, "Someone"],
    )
    first = meeting.participations.get(name_as_written="A. Person")
    ParticipantReport.objects.create(participation=first, source=news, title_as_stated="Director")
    ParticipantReport.objects.create(participation=first, source=agency, title_as_stated="Head of unit")
    make_outcome(
        meeting,
        parties=[th, ua],
        changes=[{"status": OutcomeStatus.DONE, "date": datetime.date(2025, 1, 1), "source": agency}],
    )
    expected = parts(Meeting.objects.for_detail().get(pk=meeting.pk))
    assert expected["participants"][0][3] and expected["outcomes"][0][1] == [
        "TMAC",
        "Ukrainian Demining Centre",
    ]
    # The meeting, its parts together, then its outcome's parties and changes.
    # The meeting and its parts together, then its outcome's parties and changes.
    with django_assert_num_queries(9):
        loaded = Meeting.objects.get_published_for_detail(meeting.slug)
    with django_assert_num_queries(0):
        assert parts(loaded) == expected
        assert all(each.meeting is loaded for each in loaded.participations.all())


def test_each_meeting_read_by_its_address_gets_its_own_records_and_a_draft_none(django_assert_num_queries):
    # The page's SQL is compiled once and kept: the second meeting's reads must not be the first's.
    first = make_meeting(
        organisations=[make_organisation(name="TMAC")],
        topics=[make_topic(name="Stockpile survey")],
        participants=["First Person"],
        sources=[make_source(publisher="AzerNews")],
    )
    second = make_meeting(
        organisations=[make_organisation(name="CMAC"), make_organisation(name="NPA")],
        topics=[make_topic(name="Dog teams")],
        participants=["Second Person", "Third Person"],
    )
    draft = make_meeting(status=Status.DRAFT, organisations=[make_organisation(name="HALO")])
    for meeting in (first, second, first):
        plain = Meeting.objects.for_detail().get(pk=meeting.pk)
        # The meeting and its parts together, read by the address, and no outcome to read after.
        with django_assert_num_queries(7):
            loaded = Meeting.objects.get_published_for_detail(meeting.slug)
        assert (loaded.pk, loaded.title, loaded.countries_taking_part) == (
            plain.pk,
            plain.title,
            plain.countries_taking_part,
        )
        assert parts(loaded) == parts(plain)
    for slug in (draft.slug, "no-such-meeting"):
        with pytest.raises(Meeting.DoesNotExist):
            Meeting.objects.get_published_for_detail(slug)


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {statement for (statement,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL keeps prepared statements")
def test_on_postgresql_a_meeting_pages_reads_are_planned_once_per_connection(client):
    meetings = [make_meeting(organisations=[make_organisation()], participants=["Someone"]) for _ in range(3)]
    client.get(meetings[0].get_absolute_url())
    kept = prepared_statements()
    # The page's eight reads at most, kept by the connection and run again for every meeting.
    assert 0 < len([statement for statement in kept if '"events_' in statement]) <= 8
    for meeting in meetings[1:]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        # Logged as any query is, with its parameters written in (what a profile's EXPLAIN reads).
        assert sum(f"'{meeting.slug}'" in query["sql"] for query in captured.captured_queries) == 7
    assert prepared_statements() == kept


def test_a_prepared_read_refuses_a_marker_its_query_does_not_use():
    read = PreparedRead(lambda slug, other: Meeting.objects.filter(slug=slug), slug="\x00a", other="\x00b")
    with pytest.raises(ValueError, match="markers"):
        read.statement("default", slug="x", other="y")
