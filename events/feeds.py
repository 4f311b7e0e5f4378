"""Feeds to subscribe to what a reader filtered: Atom for feed readers, iCalendar for calendars.

Both take the timeline's parameters and handle them as the page does
(``MeetingFilter``, lenient: a bad value is dropped, the rest still apply).

- Atom (``/feeds/meetings.atom``): the 50 meetings with the latest start dates,
  newest first whatever ``sort`` says, each linking to its page. An entry's id
  is a tag URI built from the meeting's primary key, so it survives a new
  slug or title.
- Atom of commitments (``/feeds/commitments.atom``): the outcomes of the 50
  latest promises the commitments page's filters match (``CommitmentFilter``),
  each with its status and what followed; an entry is updated as its outcome moves on.
- iCalendar (``/feeds/meetings.ics``): one all-day event per matching meeting,
  streamed. Each UID is ``meeting-<pk>@mineaction-timeline``, the same on
  every host and after every edit, so calendar apps update an event rather
  than add it twice. Dates follow the precision: a meeting known to the day
  spans its days (end date inclusive, so DTEND is the day after); one known
  to the week spans that week; one known only to the month or year, or only
  to have happened on or before a report's date, is a single day on its
  start date, and its description says how precise that date is.
- iCalendar of commitments (``/feeds/commitments.ics``): one all-day event
  per matching outcome with a date of its own (``outcome-<pk>@...``), dated
  by the same rule, with where it stands and what followed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.contrib.syndication.views import Feed
from django.db import models
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import format_html, format_html_join
from icalendar import Calendar, Event, vDuration

from .chunks import in_chunks, source_urls
from .filters import CommitmentFilter, MeetingFilter
from .models import DatePrecision, Meeting, Outcome, OutcomeStatusChange
from .text import printable

SITE_NAME = "Mine Action Cooperation Timeline"
# The stable, host-independent part of every feed identifier.
ID_DOMAIN = "mineaction-timeline"
ATOM_LIMIT = 50
# How often a subscribed calendar should look for changes.
REFRESH_INTERVAL = datetime.timedelta(hours=12)

PRECISION_NOTES: dict[str, str] = {
    DatePrecision.WEEK: "Some day in that week; shown across the week.",
    DatePrecision.MONTH: "Only the month is known; shown on the first day of the month.",
    DatePrecision.YEAR: "Only the year is known; shown on 1 January.",
    DatePrecision.ON_OR_BEFORE: "The date is not stated; shown on the date of the first report.",
}


def feed_title(meeting_filter: MeetingFilter | CommitmentFilter) -> str:
    labels = [label for _, _, label in meeting_filter.chips()]
    return f"{SITE_NAME}: {', '.join(labels)}" if labels else SITE_NAME


def with_query(path: str, meeting_filter: MeetingFilter | CommitmentFilter) -> str:
    query = meeting_filter.query_string()
    return f"{path}?{query}" if query else path


def xml_safe(value):
    """A feed value (text, or a list of texts) without the characters XML 1.0 cannot carry."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class Atom1Feed(feedgenerator.Atom1Feed):
    """Django's Atom feed, each value cleaned: one control character stored in a record
    would otherwise fail the whole feed (XML cannot carry it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})


class FilteredAtomFeed(Feed):
    """An Atom feed of what a reader's filters match; ``get_object`` returns the FilterSet."""

    feed_type = Atom1Feed
    author_name = SITE_NAME
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The newest entry's date stays the same when an entry is withdrawn or a
        # name in it changes, so "not modified since" would keep readers stale;
        # the ETag, taken from the content, is exact.
        del response["Last-Modified"]
        return response

    def feed_guid(self, reader_filter) -> str:
        return reader_filter.request.build_absolute_uri(self.feed_url(reader_filter))


class MeetingsAtomFeed(FilteredAtomFeed):
    """/feeds/meetings.atom?<timeline filters>"""

    def get_object(self, request, *args, **kwargs) -> MeetingFilter:
        return MeetingFilter.for_request(request)

    def title(self, meeting_filter: MeetingFilter) -> str:
        return feed_title(meeting_filter)

    def subtitle(self, meeting_filter: MeetingFilter) -> str:
        return f"The {ATOM_LIMIT} most recent published meetings matching these filters, newest first."

    def link(self, meeting_filter: MeetingFilter) -> str:
        return with_query(reverse("events:timeline"), meeting_filter)

    def feed_url(self, meeting_filter: MeetingFilter) -> str:
        return with_query(reverse("events:feed-meetings-atom"), meeting_filter)

    def items(self, meeting_filter: MeetingFilter):
        return meeting_filter.qs.for_feed().newest_first()[:ATOM_LIMIT]

    def item_title(self, meeting: Meeting) -> str:
        return meeting.title

    def item_description(self, meeting: Meeting) -> str:
        when_and_where = " · ".join(part for part in (meeting.date_display, meeting.place_display) if part)
        sources = format_html_join(
            ", ", '<a href="{}">{}</a>', ((s.url, s.publisher or s.url) for s in meeting.sources.all())
        )
        return format_html(
            "<p>{}</p><p>{}</p>{}",
            when_and_where,
            meeting.summary,
            format_html("<p>Sources: {}</p>", sources) if sources else "",
        )

    def item_link(self, meeting: Meeting) -> str:
        return meeting.get_absolute_url()

    def item_guid(self, meeting: Meeting) -> str:
        return f"tag:{ID_DOMAIN},2024:meeting-{meeting.pk}"

    def item_pubdate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.created_at

    def item_updateddate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.updated_at

    def item_categories(self, meeting: Meeting) -> list[str]:
        subtype = [meeting.subtype.label] if meeting.subtype is not None else []
        return [meeting.get_kind_display(), *subtype, *(topic.name for topic in meeting.topics.all())]


class CommitmentsAtomFeed(FilteredAtomFeed):
    """/feeds/commitments.atom?<commitments filters>: the latest promises, each with what followed.

    An entry is updated when its outcome is (a new status change updates it),
    so a reader subscribed to "agreed" commitments sees each one move on.
    """

    def get_object(self, request, *args, **kwargs) -> CommitmentFilter:
        return CommitmentFilter.for_request(request)

    def title(self, commitment_filter: CommitmentFilter) -> str:
        return f"Commitments: {feed_title(commitment_filter)}"

    def subtitle(self, commitment_filter: CommitmentFilter) -> str:
        return f"The {ATOM_LIMIT} most recent promises matching these filters, and what followed each."

    def link(self, commitment_filter: CommitmentFilter) -> str:
        return with_query(reverse("events:commitments"), commitment_filter)

    def feed_url(self, commitment_filter: CommitmentFilter) -> str:
        return with_query(reverse("events:feed-commitments-atom"), commitment_filter)

    def items(self, commitment_filter: CommitmentFilter):
        return commitment_filter.qs.for_commitments().order_by("-meeting__start_date", "-meeting__pk", "-pk")[
            :ATOM_LIMIT
        ]

    def item_title(self, outcome: Outcome) -> str:
        return f"{outcome.get_kind_display()} ({outcome.get_status_display().lower()}): {outcome.text}"

    def item_description(self, outcome: Outcome) -> str:
        meeting = outcome.meeting
        when_and_where = " · ".join(part for part in (outcome.date_display, outcome.place_display) if part)
        changes = format_html_join(
            "",
            "<li>{}: {}{}</li>",
            (
                (
                    change.date_display,
                    change.get_status_display().lower(),
                    f". {change.note}" if change.note else "",
                )
                for change in outcome.status_changes.all()
            ),
        )
        return format_html(
            "<p>{}</p>{}<p>Promised at {}, {}.</p>{}",
            outcome.text,
            format_html("<p>{}</p>", when_and_where) if when_and_where else "",
            meeting.title,
            meeting.date_display,
            format_html("<p>What followed:</p><ul>{}</ul>", changes) if changes else "",
        )

    def item_link(self, outcome: Outcome) -> str:
        return outcome.get_absolute_url()

    def item_guid(self, outcome: Outcome) -> str:
        return f"tag:{ID_DOMAIN},2024:outcome-{outcome.pk}"

    def item_pubdate(self, outcome: Outcome) -> datetime.datetime:
        return outcome.meeting.created_at

    def item_updateddate(self, outcome: Outcome) -> datetime.datetime:
        return max(outcome.updated_at, outcome.meeting.updated_at)

    def item_categories(self, outcome: Outcome) -> list[str]:
        return [outcome.get_kind_display(), outcome.get_status_display()]


# --- iCalendar ----------------------------------------------------------------------


def calendar_days(meeting: Meeting) -> tuple[datetime.date, datetime.date]:
    """The first and last day (inclusive) a calendar shows the meeting on; see the module docstring."""
    if meeting.date_precision in (DatePrecision.DAY, DatePrecision.WEEK):
        _, last = meeting.possible_dates  # the first is the start date at these precisions
        return meeting.start_date, last
    return meeting.start_date, meeting.start_date


def outcome_days(outcome: Outcome) -> tuple[datetime.date, datetime.date]:
    """The first and last day (inclusive) of a dated outcome, by the rule meetings follow."""
    assert outcome.date is not None
    if outcome.date_precision == DatePrecision.WEEK:
        return outcome.date, outcome.date + datetime.timedelta(days=6)
    return outcome.date, outcome.date


def event_description(meeting: Meeting, sources: list[str], page_url: str) -> str:
    lines = [meeting.date_display]
    if meeting.date_as_reported:
        lines[0] += f" (as reported: {meeting.date_as_reported})"
    if meeting.date_precision in PRECISION_NOTES:
        lines.append(PRECISION_NOTES[meeting.date_precision])
    if meeting.summary:
        lines += ["", meeting.summary]
    if sources:
        lines += ["", "Sources:", *sources]
    lines += ["", page_url]
    return "\n".join(lines)


def calendar_event(meeting: Meeting, sources: list[str], site: str) -> Event:
    first, last = calendar_days(meeting)
    page_url = site + meeting.get_absolute_url()
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{ID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", first)
    event.add("dtend", last + datetime.timedelta(days=1))  # exclusive, as all-day events need
    # iCalendar text may hold no control characters; records saved before they were refused may.
    event.add("summary", printable(meeting.title))
    if meeting.place_display:
        event.add("location", printable(meeting.place_display))
    event.add("url", page_url)
    event.add("description", printable(event_description(meeting, sources, page_url)))
    event.add("categories", [meeting.get_kind_display()])
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT")  # a record of the past, never "busy"
    return event


def outcome_event(outcome: Outcome, site: str) -> Event:
    first, last = outcome_days(outcome)
    meeting = outcome.meeting
    page_url = site + outcome.get_absolute_url()
    lines = [outcome.date_display]
    if outcome.date_precision in PRECISION_NOTES and outcome.date_precision != DatePrecision.ON_OR_BEFORE:
        lines.append(PRECISION_NOTES[outcome.date_precision])
    lines += ["", outcome.text, "", f"Status now: {outcome.get_status_display()}."]
    lines.append(f"Promised at {meeting.title}, {meeting.date_display}.")
    changes = list(outcome.status_changes.all())
    if changes:
        lines += ["", "What followed:"]
        lines += [
            f"{change.date_display}: {change.get_status_display()}. {change.note}".rstrip()
            for change in changes
        ]
    lines += ["", page_url]
    event = Event()
    event.add("uid", f"outcome-{outcome.pk}@{ID_DOMAIN}")
    event.add("dtstamp", outcome.updated_at)
    event.add("last-modified", outcome.updated_at)
    event.add("dtstart", first)
    event.add("dtend", last + datetime.timedelta(days=1))  # exclusive, as all-day events need
    event.add("summary", printable(f"{outcome.get_kind_display()}: {outcome.text}"))
    if outcome.place_display:
        event.add("location", printable(outcome.place_display))
    event.add("url", page_url)
    event.add("description", printable("\n".join(lines)))
    event.add("categories", [outcome.get_kind_display(), outcome.get_status_display()])
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT")
    return event


def commitments_ics(request):
    """/feeds/commitments.ics?<commitments filters>: every matching outcome with a date, as an all-day
    event on that date (the training, the visit, the signing promised), streamed."""
    commitment_filter = CommitmentFilter.for_request(request)
    outcomes = (
        commitment_filter.qs.filter(date__isnull=False)
        .select_related("meeting")
        .only(
            *("kind", "text", "date", "date_precision", "country", "status", "updated_at", "meeting"),
            *("meeting__title", "meeting__slug", "meeting__start_date", "meeting__end_date"),
            "meeting__date_precision",
        )
        .prefetch_related(
            models.Prefetch("status_changes", queryset=OutcomeStatusChange.objects.order_by("date", "pk"))
        )
        .order_by("date", "pk")
    )
    site = request.build_absolute_uri("/").rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", f"-//{SITE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(f"{feed_title(commitment_filter)}: commitments"))
    calendar.add("x-wr-caldesc", f"Dated commitments from {site}{reverse('events:commitments')}")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    head, end, tail = calendar.to_ical().rpartition(b"END:VCALENDAR")

    def pieces() -> Iterator[bytes]:
        yield head
        for chunk in in_chunks(outcomes):
            for outcome in chunk:
                yield outcome_event(outcome, site).to_ical()
        yield end + tail

    response = StreamingHttpResponse(pieces(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mineaction-commitments.ics"'
    return response


def with_source_urls(meetings) -> Iterator[tuple[Meeting, list[str]]]:
    """Each meeting with its sources' URLs, a chunk of meetings and then their sources at a time."""
    for chunk in in_chunks(meetings):
        urls = source_urls([meeting.pk for meeting in chunk])
        for meeting in chunk:
            yield meeting, urls.get(meeting.pk, [])


def meetings_ics(request):
    """/feeds/meetings.ics?<timeline filters>: every matching meeting as an all-day event, streamed."""
    meeting_filter = MeetingFilter.for_request(request)
    meetings = meeting_filter.qs.select_related("city").defer("search_document", "editorial_note")
    site = request.build_absolute_uri("/").rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", f"-//{SITE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(feed_title(meeting_filter)))
    calendar.add("x-wr-caldesc", f"Published meetings from {site + with_query('/', meeting_filter)}")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    # The calendar's own lines, then the events one by one, then its closing line.
    head, end, tail = calendar.to_ical().rpartition(b"END:VCALENDAR")

    def pieces() -> Iterator[bytes]:
        yield head
        for meeting, sources in with_source_urls(meetings):
            yield calendar_event(meeting, sources, site).to_ical()
        yield end + tail

    response = StreamingHttpResponse(pieces(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mineaction-meetings.ics"'
    return response
