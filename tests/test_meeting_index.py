"""The facet index gives exactly what the plain queries give: every total, facet count and page.

Random meetings, random filters and random writes (publishing, withdrawing,
editing organisations, roles, topics, countries and dates, deleting), after
each of which every filter's answer from the index is compared with the
FilterSet's own queryset and the grouped queries of facets_for(). Run it on
SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db.models import Count
from django.http import QueryDict
from pyroaring import BitMap

from events.facets import facets_for, facets_from_index, indexed_organisation_nodes
from events.filters import MeetingFilter
from events.meeting_index import (
    MeetingIndex,
    OrderedMeetings,
    OrganisationsByMeeting,
    forget_answers,
    meeting_index,
    select,
    select_by,
    topic_rows,
)
from events.models import (
    Meeting,
    MeetingChange,
    MeetingKind,
    MeetingOrganisation,
    MeetingSubtype,
    OrganisationRole,
    Participation,
    Person,
    Status,
    Topic,
)

from .factories import make_meeting, make_organisation, make_person, make_topic

pytestmark = pytest.mark.django_db

COUNTRIES = ["AZ", "TH", "KH", "UA", "DE", "NO"]
KINDS = [value for value, _ in MeetingKind.choices][:4]
ROLES = ["host", "participant", "funder", "mentioned", "observer"]
WORDS = ["demining", "survey", "training", "clearance"]
PAGE = 7


@pytest.fixture
def world():
    chance = random.Random(15)
    for name in ("Ada Lind", "Bo Chan", "Cy Ruiz"):
        make_person(name=name)
    organisations = [
        make_organisation(name=f"Body {letter}", country=chance.choice([*COUNTRIES, ""]))
        for letter in "ABCDEFGHIJ"
    ]
    broad = [make_topic(name=f"Broad {n}") for n in range(3)]
    specific = [make_topic(name=f"Specific {n}", parent=broad[n % 3], approved=n != 3) for n in range(5)]
    meetings = [new_meeting(chance, organisations, broad + specific) for _ in range(45)]
    return chance, organisations, broad + specific, meetings


def new_meeting(chance: random.Random, organisations, topics) -> Meeting:
    kind = chance.choice(KINDS)
    subtypes = list(MeetingSubtype.objects.filter(kind=kind))
    picked = chance.sample(organisations, chance.randint(0, 4))
    return make_meeting(
        title=f"{chance.choice(WORDS)} talks {chance.randint(1, 10**6)}",
        kind=kind,
        subtype=chance.choice([None, *subtypes]),
        # Few distinct days, so that many meetings share one and the id breaks the tie.
        start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=chance.choice(range(0, 1500, 45))),
        country=chance.choice([*COUNTRIES, ""]),
        visiting_country=chance.choice(["", "", "NO"]),
        status=chance.choice([Status.PUBLISHED] * 4 + [Status.DRAFT]),
        organisations=[(organisation, chance.choice(ROLES)) for organisation in picked],
        topics=chance.sample(topics, chance.randint(0, 3)),
        participants=random_participants(chance, picked),
    )


def random_participants(chance: random.Random, organisations) -> list[dict]:
    """People of the organisations, some not yet identified, some only mentioned, some listed twice."""
    people = list(Person.objects.order_by("pk"))
    found = []
    for organisation in organisations:
        for _ in range(chance.randint(0, 2)):
            person = chance.choice([None, *people])
            name = person.name if person else chance.choice(["A. Officer", "B. Officer"])
            found.append(
                {
                    "name_as_written": chance.choice([name, name.upper()]),
                    "person": person,
                    "organisation": organisation,
                    "role": chance.choice(["participant", "host", "mentioned"]),
                }
            )
    return found + chance.sample(found, min(len(found), 1))


def random_query(chance: random.Random, organisations, topics) -> QueryDict:
    query = QueryDict(mutable=True)
    if chance.random() < 0.4:
        query.setlist("country", chance.sample(COUNTRIES, chance.randint(1, 2)))
    if chance.random() < 0.3:
        query.setlist("org", [org.slug for org in chance.sample(organisations, chance.randint(1, 2))])
    if chance.random() < 0.3:
        query.setlist("topic", [topic.slug for topic in chance.sample(topics, chance.randint(1, 2))])
    if chance.random() < 0.2:
        query.setlist("kind", chance.sample(KINDS, chance.randint(1, 2)))
    if chance.random() < 0.1:
        query.setlist(
            "subtype", list(MeetingSubtype.objects.order_by("?").values_list("slug", flat=True)[:2])
        )
    if chance.random() < 0.15:
        query["year"] = str(chance.choice([2020, 2021, 2022, 2023]))
    if chance.random() < 0.15:
        query["date_from"] = f"2021-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}"
    if chance.random() < 0.15:
        query["date_to"] = f"2022-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}"
    if chance.random() < 0.15:
        query["q"] = chance.choice(WORDS)
    if chance.random() < 0.3:
        query["sort"] = "oldest"
    return query


def assert_index_agrees(query: QueryDict) -> None:
    plain = MeetingFilter(query, queryset=Meeting.objects.published())
    indexed = MeetingFilter(query, queryset=Meeting.objects.published())
    meetings = plain.qs
    selection = select(indexed)
    ids = list(meetings.values_list("pk", flat=True))
    assert selection.count == len(ids), query.urlencode()
    assert facets_from_index(selection, indexed) == facets_for(meetings, plain), query.urlencode()
    for expanded in ("org", "country"):
        assert facets_from_index(selection, indexed, expanded) == facets_for(meetings, plain, expanded)
    for limit in (3, 40):
        pairs = selection.index.pair_counts(selection.ids, "org", limit)
        assert pairs == meetings.organisation_pairs(limit=limit), query.urlencode()
        if len(indexed.selected_organisations) == 1:
            # Every meeting has the one organisation: its profile's network counts alike.
            focus = indexed.selected_organisations[0].pk
            around = selection.index.pair_counts_around(selection.ids, "org", focus, limit)
            assert around == pairs, query.urlencode()
    organisations = {pk for first, second, _ in pairs[0] for pk in (first, second)}
    nodes = indexed_organisation_nodes(selection, organisations)
    plain_nodes = meetings.organisation_nodes(organisations)
    assert sorted(nodes, key=str) == sorted(plain_nodes, key=str), query.urlencode()
    listing = OrderedMeetings(selection, Meeting.objects.all(), newest=indexed.chosen_sort == "newest")
    for start in range(0, len(ids) + PAGE, PAGE):
        page = [meeting.pk for meeting in listing[start : start + PAGE]]
        assert page == ids[start : start + PAGE], (query.urlencode(), start)


def random_write(chance: random.Random, organisations, topics) -> str:
    """One random change, as an editor or a publisher makes it; returns what it did."""
    meetings = list(Meeting.objects.order_by("pk"))
    meeting = chance.choice(meetings)
    action = chance.choice(
        [
            "publish",
            "withdraw",
            "add organisation",
            "remove organisation",
            "change role",
            "topics",
            "country",
            "date",
            "delete",
            "new",
            "approve topic",
            "role present",
        ]
    )
    if action == "publish":
        meeting.status = Status.PUBLISHED
        meeting.save()
    elif action == "withdraw":
        meeting.status = Status.WITHDRAWN
        meeting.save()
    elif action == "add organisation":
        MeetingOrganisation.objects.get_or_create(
            meeting=meeting, organisation=chance.choice(organisations), role_id=chance.choice(ROLES)
        )
    elif action == "remove organisation":
        link = meeting.organisation_roles.order_by("?").first()
        if link is not None:
            link.delete()
    elif action == "change role":
        link = meeting.organisation_roles.order_by("?").first()
        if (
            link is not None
            and not meeting.organisation_roles.filter(
                organisation=link.organisation, role_id="mentioned"
            ).exists()
        ):
            link.role_id = "mentioned" if link.role_id != "mentioned" else "host"
            link.save()
    elif action == "topics":
        meeting.topics.set(chance.sample(topics, chance.randint(0, 3)))
    elif action == "country":
        meeting.country = chance.choice([*COUNTRIES, ""])
        meeting.save()
    elif action == "date":
        meeting.start_date = datetime.date(2019, 6, 1) + datetime.timedelta(days=chance.randint(0, 2000))
        meeting.end_date = None
        meeting.save()
    elif action == "delete":
        meeting.organisation_roles.all().delete()
        meeting.delete()
    elif action == "new":
        new_meeting(chance, organisations, topics)
    elif action == "approve topic":
        topic = chance.choice([topic for topic in topics if topic.parent_id is not None])
        topic.approved = not topic.approved
        topic.save()
    elif action == "role present":
        role = OrganisationRole.objects.get(slug="observer")
        role.present = not role.present
        role.save()
    return action


def assert_profiles_agree(organisations) -> None:
    """Each organisation's network (its strongest links and how many) and its representatives, as
    the plain queries count them."""
    for organisation in organisations:
        selection = select_by("org", [organisation.pk])
        meetings = Meeting.objects.published().involving_organisations([organisation])
        for limit in (1, 3, 40):
            around = selection.index.pair_counts_around(selection.ids, "org", organisation.pk, limit)
            assert around == meetings.organisation_pairs(limit=limit), organisation.name
        plain = (
            Participation.objects.taking_part()
            .filter(organisation=organisation, meeting__status="published")
            .values("person__slug", "person__name", "name_as_written")
            .annotate(meetings=Count("meeting", distinct=True))
            .order_by("-meetings", "person__name", "name_as_written")
        )
        for limit in (2, 30):
            kept = Participation.objects.representatives_of(organisation.pk, limit=limit)
            assert kept == list(plain[:limit]), organisation.name


def test_every_count_and_page_agrees_with_the_plain_queries_after_random_writes(world):
    chance, organisations, topics, _ = world
    for query in [QueryDict(), *(random_query(chance, organisations, topics) for _ in range(15))]:
        assert_index_agrees(query)
    assert_profiles_agree(organisations)
    for _ in range(30):
        action = random_write(chance, organisations, topics)
        for _ in range(4):
            query = random_query(chance, organisations, topics)
            try:
                assert_index_agrees(query)
            except AssertionError as error:
                raise AssertionError(f"after {action}: {error}") from None
        try:
            assert_profiles_agree(organisations)
        except AssertionError as error:
            raise AssertionError(f"after {action}: {error}") from None
    assert_index_agrees(QueryDict())


def test_kept_search_words_follow_every_write(world):
    chance, organisations, topics, _ = world
    searches = ["training", "Survey -demining", "training or clearance", "TALKS", '"training talks"', "the"]

    def every_search_agrees() -> None:
        for text in searches:
            assert_index_agrees(QueryDict(urlencode({"q": text})))

    every_search_agrees()  # the words are kept from here on
    assert meeting_index().words.bitmaps
    meeting = Meeting.objects.published().order_by("pk").first()
    meeting.summary = "A survey of training needs."
    meeting.save()
    meeting.refresh_search_document()
    every_search_agrees()
    Meeting.objects.published().order_by("pk").last().delete()
    withdrawn = Meeting.objects.published().order_by("pk")[3]
    withdrawn.status = Status.WITHDRAWN
    withdrawn.save()
    new_meeting(chance, organisations, topics)
    make_meeting(title="Clearance and survey training")
    every_search_agrees()


def test_searched_words_agree_with_the_search_on_tricky_and_hostile_text():
    make_meeting(title="Trainers trained at the training centre", summary="Déminage humanitaire à Genève.")
    make_meeting(title="Mine risk education", summary="Mines, mining and demining; a 50% share of_it.")
    make_meeting(title="Survey without training", summary="Non-technical survey in the café.")
    make_meeting(title="Draft training", summary="Never published.", status=Status.DRAFT)
    searches = [
        "trains",  # stemming: the lexeme 'train'
        "MINING",
        '"training centre"',  # a phrase: left to the database
        '"centre training"',
        "survey or mine",
        "survey OR mine -risk",
        "-training",
        "training -survey",
        "déminage",
        "Genève",
        "deminage",
        "café",
        "50%",
        "of_it",
        "_",
        "%",
        "'",
        "''",
        "\\",
        "train:*",
        "a & b | !c",
        "(training",
        "!!",
        "the",
        "Robert'); DROP TABLE events_meeting;--",
        "\u00a0training\u3000",
    ]
    found = set()
    for text in searches:
        forget_answers()
        query = QueryDict(urlencode({"q": text}))
        assert_index_agrees(query)
        found.add(select(MeetingFilter(query, queryset=Meeting.objects.published())).count)
    assert found >= {0, 1, 2}  # the searches find some meetings, and none for some
    for text in searches:  # and again, every word kept
        assert_index_agrees(QueryDict(urlencode({"q": text})))


def test_a_write_is_seen_by_an_index_read_before_it(world):
    chance, organisations, topics, meetings = world
    index = meeting_index()
    before = len(index.published)
    new_meeting(chance, organisations, topics).delete()
    published = make_meeting(title="A new one")
    assert MeetingChange.objects.filter(meeting_id=published.pk).exists()
    assert len(meeting_index().published) == before + 1
    assert published.pk in meeting_index().published


def test_saves_to_drafts_log_nothing(world):
    _, organisations, topics, _ = world
    draft = make_meeting(status=Status.DRAFT, organisations=organisations[:2], topics=topics[:2])
    draft.country = "DE"
    draft.save()
    draft.topics.set(topics[2:4])
    assert not MeetingChange.objects.filter(meeting_id=draft.pk).exists()


def test_a_database_rolled_back_under_the_index_is_read_afresh(world):
    index = meeting_index()
    count = len(index.published)
    index.last_change += 1000  # as if it had seen changes the database no longer holds
    Meeting.objects.published().first().delete()
    assert len(meeting_index().published) == count - 1


def test_an_unknown_topic_is_still_only_counted_once_approved():
    broad = make_topic(name="Broad")
    proposed = make_topic(name="Proposed", parent=broad, approved=False)
    make_meeting(topics=[proposed])
    assert_index_agrees(QueryDict("topic=" + broad.slug))
    Topic.objects.filter(pk=proposed.pk).update(approved=True)
    assert_index_agrees(QueryDict("topic=" + broad.slug))
    assert select(MeetingFilter(QueryDict("topic=" + broad.slug), queryset=Meeting.objects.published())).count


def test_two_workers_each_follow_the_log_to_the_same_answer(world):
    chance, organisations, topics, meetings = world
    first, second = MeetingIndex(), MeetingIndex()
    first.sync()
    second.sync()
    published = next(meeting for meeting in meetings if meeting.status == Status.PUBLISHED)
    published.country = "KH"
    published.save()
    Meeting.objects.exclude(pk=published.pk).published().first().delete()
    new_meeting(chance, organisations, topics)
    first.sync()
    second.sync()
    fresh = MeetingIndex()
    fresh.sync()
    for index in (first, second):
        assert index.published == fresh.published
        for facet, bitmaps in fresh.facets.items():
            assert {value: bitmap for value, bitmap in index.facets[facet].items() if bitmap} == {
                value: bitmap for value, bitmap in bitmaps.items() if bitmap
            }


def test_the_topics_list_and_grid_count_as_the_plain_queries_do(world):
    chance, organisations, topics, _ = world
    for _ in range(5):
        random_write(chance, organisations, topics)
    index, every_topic = meeting_index(), topic_rows()
    plain = {topic.slug: topic.meeting_count for topic in Topic.objects.public().with_meeting_counts()}
    rows = index.topic_counts(index.published, every_topic)
    assert {row["slug"]: row["meetings"] for row in rows} == {slug: n for slug, n in plain.items() if n}
    assert (
        index.topic_year_counts(index.published, every_topic)
        == Meeting.objects.published().topic_year_counts()
    )


def test_an_organisations_network_is_kept_until_one_of_its_meetings_changes(world):
    _, organisations, _, _ = world
    focus, other, third = organisations[:3]

    def network(limit: int = 40):
        selection = select_by("org", [focus.pk])
        return selection.index.pair_counts_around(selection.ids, "org", focus.pk, limit)

    def plain(limit: int = 40):
        return Meeting.objects.published().involving_organisations([focus]).organisation_pairs(limit=limit)

    index = meeting_index()
    slot = index.slot_of[("org", focus.pk)]
    assert network() == plain()
    assert set(index.around[slot]) == {40}
    make_meeting(organisations=[other, third])  # none of its meetings
    assert network(3) == plain(3)
    assert set(index.around[slot]) == {3, 40}
    make_meeting(organisations=[focus, other, third])
    meeting_index()
    assert slot not in index.around
    assert network() == plain()
    # A filtered set of its meetings is counted, never kept as its whole network.
    selection = select_by("org", [focus.pk])
    some = selection.ids & index.facets["kind"][KINDS[0]]
    assert some != selection.ids
    index.around.clear()
    index.pair_counts_around(some, "org", focus.pk, 40)
    assert not index.around


def test_pairs_are_counted_once_however_often_their_meetings_were_rewritten():
    chance = random.Random(8)
    kept = OrganisationsByMeeting()
    latest: dict[int, list[int]] = {}
    for _ in range(60):
        rows = [
            (chance.randint(1, 40), sorted(chance.sample(range(9), chance.randint(0, 5)))) for _ in range(7)
        ]
        kept.put(rows)
        latest.update(rows)
        dropped = chance.randint(1, 40)
        kept.drop(dropped)
        latest.pop(dropped, None)
    assert kept.used < 60 * 7 * 5  # the numbers left behind were packed away
    among = BitMap(chance.sample(range(1, 41), 25))
    plain = {pair for pk in among for pair in itertools.combinations(latest.get(pk, []), 2)}
    assert kept.pairs(among, 9) == len(plain)
    assert kept.pairs(BitMap(), 9) == 0
    # Each pair's number (first * 9 + second) and how many of the meetings share it.
    shared = Counter(pair for pk in among for pair in itertools.combinations(latest.get(pk, []), 2))
    codes, counts = kept.shared(among, 9)
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == {
        first * 9 + second: count for (first, second), count in shared.items()
    }


def test_a_benchmark_of_pages_afresh_forgets_the_answers_kept_for_one_address(world, client):
    _, organisations, _, _ = world
    client.get(f"/organisations/{organisations[0].slug}/")
    client.get("/", {"q": "training"})
    index = meeting_index()
    assert index.around and index.words.bitmaps
    published = index.published
    forget_answers()
    assert not index.around and not index.words.bitmaps
    assert meeting_index() is index and index.published == published  # every page's bitmaps stay
