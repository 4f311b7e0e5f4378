"""The records of cooperation between mine-action organisations, and their querysets.

A *meeting* is the unit of the timeline. Organisations, people, delegations,
topics and sources hang off it. Every rule that can live in the database
does, as a named constraint; the one rule that spans two tables (a meeting
lies inside its delegation's trip) is a trigger, see migration 0002. Records
that others list in a many-to-many field are kept from deletion by
``events.deletion``; merging duplicates is ``events.merging``.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .cache import data_changed


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, max_length=120) -> str:
    """A slug for ``text`` that no other row of ``model`` uses yet."""
    base = slugify(text)[: max_length - 8].strip("-") or "record"
    slug, number = base, 2
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


class Status(models.TextChoices):
    """Where a record is in the editors' workflow; only PUBLISHED is public."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The moves the workflow allows, and who may make each: an editor moves a record
# between draft and review; publishing and withdrawing need the model's
# publish_* or withdraw_* permission (see Publishable).
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.DRAFT, Status.PUBLISHED},
}


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    ON_OR_BEFORE = "on_or_before", "Not stated: on or before the date of the first report"


class OtherNameKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    FORMER = "former", "Former name"
    TRANSLITERATION = "transliteration", "Transliteration"
    TRANSLATION = "translation", "Translation"
    MISSPELLING = "misspelling", "Variant spelling in a report"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Publishable(models.Model):
    """A record that goes draft → in review → published (→ withdrawn).

    The moves are methods so that every path (admin actions, the change form,
    article intake, imports) obeys the same rules: who may make the move, and
    that a published record rests on at least one source. The source rule
    cannot be a database constraint: sources are a many-to-many relation, and
    a CHECK constraint sees one row only.
    """

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published records are shown to readers. Editors submit drafts for review; "
        "a publisher publishes them.",
    )
    published_at = models.DateTimeField("published at", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last published it.",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def publication_problems(self) -> list[str]:
        """Why this record may not be published yet (empty when it may); queries its sources."""
        if self.pk is None or not self.sources.exists():
            return [f"A {self._meta.verbose_name} cannot be published without at least one source."]
        return []

    def can_move_to(self, user, status: str) -> bool:
        """Whether ``user`` may move this record from its current status to ``status``."""
        if status == self.status:
            return True
        if status not in TRANSITIONS.get(self.status, set()):
            return False
        name = self._meta.model_name
        if status == Status.PUBLISHED:
            return user.has_perm(f"events.publish_{name}")
        if status == Status.WITHDRAWN:
            return user.has_perm(f"events.withdraw_{name}")
        if self.status == Status.WITHDRAWN:  # reopening a withdrawn record is a publisher's call
            return user.has_perm(f"events.withdraw_{name}")
        return user.has_perm(f"events.change_{name}")

    def move_to(self, status: str, user, *, save: bool = True) -> None:
        """Move to ``status`` as ``user``; raises PermissionDenied or ValidationError."""
        if status == self.status:
            return
        if status not in TRANSITIONS.get(self.status, set()):
            raise ValidationError(
                f"A {Status(self.status).label.lower()} {self._meta.verbose_name} cannot become "
                f"{Status(status).label.lower()}."
            )
        if not self.can_move_to(user, status):
            raise PermissionDenied(
                f"You may not make a {self._meta.verbose_name} {Status(status).label.lower()}."
            )
        if status == Status.PUBLISHED:
            problems = self.publication_problems()
            if problems:
                raise ValidationError(problems)
            self.published_at, self.published_by = timezone.now(), user
        self.status = status
        if save:
            self._history_user = user
            self.save(update_fields=["status", "published_at", "published_by", "updated_at"])

    def submit_for_review(self, user) -> None:
        self.move_to(Status.IN_REVIEW, user)

    def publish(self, user) -> None:
        self.move_to(Status.PUBLISHED, user)

    def withdraw(self, user) -> None:
        self.move_to(Status.WITHDRAWN, user)

    def return_to_draft(self, user) -> None:
        self.move_to(Status.DRAFT, user)


def end_not_before_start(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
        name=f"{prefix}_end_not_before_start",
        violation_error_message="The end date cannot be before the start date.",
    )


# --- Reference records ------------------------------------------------------


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    keywords = models.TextField(
        blank=True,
        help_text="Words and synonyms that signal this topic in a report, one per line.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:topic-detail", args=[self.slug])

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip().lower() for line in self.keywords.splitlines() if line.strip()]


class OrganisationQuerySet(models.QuerySet):
    def for_index(self):
        """Organisations with their parent, for list pages and autocomplete."""
        return self.select_related("parent")


class Organisation(TimeStamped):
    class Kind(models.TextChoices):
        NATIONAL_AUTHORITY = "national_authority", "National mine action authority or centre"
        REGIONAL = "regional", "Regional organisation"
        UN_AGENCY = "un_agency", "UN agency"
        INTERNATIONAL = "international", "International organisation"
        NGO = "ngo", "NGO"
        GOVERNMENT = "government", "Government body"
        ARMED_FORCES = "armed_forces", "Armed forces"
        RESEARCH = "research", "Research or training centre"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300, unique=True, help_text="The full official name.")
    acronym = models.CharField(max_length=30, blank=True, help_text="For example ANAMA or TMAC.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the page's address.")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(blank=True, help_text="Leave blank for international bodies.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body this one belongs to, if any.",
    )
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # Organisation index filtered by country and kind; country profiles.
            models.Index(fields=["country", "kind"], name="organisation_country_kind"),
            models.Index(fields=["acronym"], name="organisation_acronym"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="organisation_not_own_parent"),
        ]

    def __str__(self) -> str:
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:organisation-detail", args=[self.slug])

    @property
    def short_name(self) -> str:
        """What lists show: the acronym when there is one."""
        return self.acronym or self.name


class OrganisationName(models.Model):
    """Another name of an organisation: reports spell the same body many ways."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=OtherNameKind.choices, default=OtherNameKind.ALIAS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="organisation_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(TimeStamped):
    name = models.CharField(max_length=200, help_text="The name in its usual English spelling.")
    slug = models.SlugField(max_length=120, unique=True)
    honorific = models.CharField(
        max_length=100, blank=True, help_text="Rank or honorific, e.g. Lieutenant General, Dr."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"], name="person_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:person-detail", args=[self.slug])


class PersonName(models.Model):
    """Another spelling of a person's name (transliterations differ by outlet)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OtherNameKind.choices, default=OtherNameKind.ALIAS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A title a person held, at an organisation, for a time: titles change."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(max_length=300)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "pk"]
        constraints = [end_not_before_start("position")]

    def __str__(self) -> str:
        where = f", {self.organisation.short_name}" if self.organisation_id else ""
        return f"{self.title}{where}"


class Source(TimeStamped):
    """A published report that a record rests on."""

    url = models.URLField("URL", max_length=1000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, help_text="The outlet that published it, e.g. AzerNews.")
    republished_by = models.CharField(
        max_length=200, blank=True, help_text="A wire service or aggregator that carried it, e.g. MENAFN."
    )
    author = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True, help_text="ISO 639-1 code, e.g. en, az, km.")
    published_on = models.DateField("publication date", null=True, blank=True)
    published_precision = models.CharField(
        max_length=20,
        choices=[(c.value, c.label) for c in (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)],
        default=DatePrecision.DAY,
        help_text="How exactly the publication date is known.",
    )
    accessed_on = models.DateField("date accessed", null=True, blank=True)
    note = models.TextField(blank=True, help_text="What the source reports, in our own words.")

    history = HistoricalRecords()

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        when = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        label = self.title or self.url
        return f"{self.publisher}: {label}{when}"


# --- Delegations and meetings -------------------------------------------------


class DelegationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_index(self):
        return self.select_related("head").prefetch_related("sending_organisations")


class Delegation(Publishable, TimeStamped):
    """One trip: a delegation travelling from one country to one or more others."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    sending_country = CountryField(blank=True)
    sending_organisations = models.ManyToManyField(Organisation, blank=True, related_name="delegations_sent")
    head = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegations_led",
        help_text="The head of delegation.",
    )
    members = models.ManyToManyField(Person, blank=True, related_name="delegations")
    destination_countries = CountryField(multiple=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="delegations")

    objects = DelegationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["sending_organisations", "members", "sources"])

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "title", "pk"]
        permissions = [
            ("publish_delegation", "Can publish delegations"),
            ("withdraw_delegation", "Can withdraw or reopen delegations"),
        ]
        constraints = [end_not_before_start("delegation")]
        indexes = [
            # Country pages: delegations a country sent.
            models.Index(fields=["sending_country", "status"], name="delegation_country_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:delegation-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.pk:
            for meeting in self.meetings.all():
                try:
                    self.check_meeting_dates(meeting)
                except ValidationError:
                    raise ValidationError(
                        f"The meeting “{meeting.title}” ({meeting.date_display}) would fall outside "
                        "these dates. Change the meeting first."
                    ) from None

    def check_meeting_dates(self, meeting: Meeting) -> None:
        """Refuse a meeting whose possible dates lie wholly outside the trip."""
        earliest, latest = meeting.possible_dates
        if self.start_date and latest < self.start_date:
            began = f"{self.start_date.day} {self.start_date:%B %Y}"
            raise ValidationError(
                {"start_date": f"This meeting is before the delegation's trip began ({began})."}
            )
        if self.end_date and earliest and earliest > self.end_date:
            ended = f"{self.end_date.day} {self.end_date:%B %Y}"
            raise ValidationError(
                {"start_date": f"This meeting is after the delegation's trip ended ({ended})."}
            )


class MeetingKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral meeting"
    MULTILATERAL = "multilateral", "Multilateral meeting"
    CONFERENCE = "conference", "Conference"
    TRAINING = "training", "Training"
    AGREEMENT = "agreement", "Agreement signing"
    SITE_VISIT = "site_visit", "Site visit"
    OTHER = "other", "Other"


# How far apart two reports of the same meeting may date it, and how many
# organisations they must share, before the admin asks "is this a duplicate?".
DUPLICATE_DAYS = 3
DUPLICATE_SHARED_ORGANISATIONS = 2


@dataclass
class DuplicateCandidate:
    """Another meeting that is probably the same event, and why we think so."""

    meeting: Meeting
    reasons: list[str] = field(default_factory=list)


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def likely_duplicates(
        self,
        *,
        start_date: datetime.date | None,
        end_date: datetime.date | None = None,
        country: str = "",
        organisation_ids=(),
        source_ids=(),
        source_urls=(),
        delegation_id: int | None = None,
        exclude_pk: int | None = None,
    ) -> list[DuplicateCandidate]:
        """Meetings that are probably the same event as the one described; three queries at most.

        Takes plain values rather than a saved meeting because the admin asks
        before anything is saved, from the submitted form and inlines. A
        meeting is a likely duplicate when it cites one of the same sources;
        or lies within DUPLICATE_DAYS in the same country and shares at least
        DUPLICATE_SHARED_ORGANISATIONS organisations; or belongs to the same
        delegation on the same day. Meetings already merged away are skipped.
        """
        others = self.filter(merged_into__isnull=True)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        found: dict[int, DuplicateCandidate] = {}

        def note(meeting: Meeting, reason: str) -> None:
            found.setdefault(meeting.pk, DuplicateCandidate(meeting)).reasons.append(reason)

        source_match = Q(sources__in=list(source_ids)) | Q(sources__url__in=list(source_urls))
        if source_ids or source_urls:
            shared = others.filter(source_match).annotate(
                shared_url=models.Min("sources__url", filter=source_match)
            )
            for meeting in shared.order_by("-start_date", "-pk"):
                note(meeting, f"cites the same source ({meeting.shared_url})")
        organisation_ids = set(organisation_ids)
        if start_date and country and len(organisation_ids) >= DUPLICATE_SHARED_ORGANISATIONS:
            window = datetime.timedelta(days=DUPLICATE_DAYS)
            near = (
                others.filter(country=country)
                .alias(last_day=Coalesce("end_date", "start_date"))
                .filter(start_date__lte=(end_date or start_date) + window, last_day__gte=start_date - window)
                .annotate(
                    shared=Count(
                        "organisation_roles__organisation",
                        filter=Q(organisation_roles__organisation__in=organisation_ids),
                        distinct=True,
                    )
                )
                .filter(shared__gte=DUPLICATE_SHARED_ORGANISATIONS)
            )
            for meeting in near.order_by("-start_date", "-pk"):
                days = abs((meeting.start_date - start_date).days)
                apart = "the same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart"
                note(meeting, f"same country, {apart}, {meeting.shared} organisations in common")
        if start_date and delegation_id:
            for meeting in others.filter(delegation_id=delegation_id, start_date=start_date):
                note(meeting, "same delegation on the same day")
        return list(found.values())

    def redirect_target_for_slug(self, slug: str) -> Meeting | None:
        """The published meeting a merged meeting's address should redirect to, if any (queries)."""
        merged = self.filter(slug=slug, merged_into__isnull=False).first()
        if merged is None:
            return None
        target = merged.final_merge_target
        return target if target.is_published else None

    def for_timeline(self):
        """What a timeline row shows: the delegation, organisations and topics, in two extra queries."""
        return (
            self.select_related("delegation")
            .defer("search_document", "editorial_note", "created_at", "updated_at")
            .prefetch_related(
                models.Prefetch(
                    "organisation_roles",
                    queryset=MeetingOrganisation.objects.select_related("organisation").order_by(
                        "role_order", "organisation__name"
                    ),
                ),
                models.Prefetch("topics", queryset=Topic.objects.only("name", "slug")),
            )
        )

    def for_detail(self):
        """Everything a meeting page shows, in a fixed number of queries."""
        published_follow_ups = Meeting.objects.published().only(
            "title", "slug", "start_date", "end_date", "date_precision", "follow_up_of"
        )
        return self.select_related("delegation", "follow_up_of").prefetch_related(
            models.Prefetch(
                "organisation_roles",
                queryset=MeetingOrganisation.objects.select_related("organisation").order_by(
                    "role_order", "organisation__name"
                ),
            ),
            models.Prefetch(
                "participations", queryset=Participation.objects.select_related("person", "organisation")
            ),
            "topics",
            models.Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("parties")),
            "sources",
            models.Prefetch("follow_ups", queryset=published_follow_ups.order_by("start_date", "pk")),
        )

    # Data out: the API and the Atom feed read a page of meetings at a time (the
    # CSV and iCalendar downloads stream every row in chunks instead).

    def for_api(self):
        """Everything the API gives for each meeting, in a fixed number of queries per page."""
        return (
            self.select_related("delegation", "follow_up_of")
            .defer("search_document", "follow_up_of__search_document", "delegation__purpose")
            .prefetch_related(
                models.Prefetch(
                    "organisation_roles",
                    queryset=MeetingOrganisation.objects.select_related("organisation").order_by(
                        "role_order", "organisation__name"
                    ),
                ),
                models.Prefetch(
                    "participations", queryset=Participation.objects.select_related("person", "organisation")
                ),
                models.Prefetch("topics", queryset=Topic.objects.only("name", "slug")),
                models.Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("parties")),
                "sources",
            )
        )

    def for_feed(self):
        """What an Atom entry shows: the meeting's own fields, its topics and its sources."""
        return self.defer("search_document", "editorial_note").prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.only("name", "slug")), "sources"
        )

    # Filters shared by the timeline, profiles, exports and the API. Each
    # to-many condition is a subquery, so no row is ever counted twice.

    def involving_countries(self, codes):
        """Held in one of the countries, or with an organisation or delegation from one."""
        from_organisations = MeetingOrganisation.objects.filter(organisation__country__in=codes)
        return self.filter(
            Q(country__in=codes)
            | Q(pk__in=from_organisations.values("meeting_id"))
            | Q(delegation__sending_country__in=codes)
        )

    def involving_organisations(self, organisations):
        """With any of the organisations (ids or Organisation objects) taking part."""
        return self.filter(
            pk__in=MeetingOrganisation.objects.filter(organisation__in=organisations).values("meeting_id")
        )

    def about_topics(self, topics):
        return self.filter(
            pk__in=Meeting.topics.through.objects.filter(topic__in=topics).values("meeting_id")
        )

    def search(self, text: str):
        """Meetings matching every word of ``text``, with a ``rank`` on PostgreSQL.

        PostgreSQL: full-text search over the search document, served by the
        GIN index ``meeting_search_gin`` (migration 0002), which indexes this
        exact expression. SQLite: every word must appear in the document.
        """
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config="english")
            return self.annotate(search=search_vector(), rank=SearchRank(search_vector(), query)).filter(
                search=query
            )
        matching = self
        for word in text.split()[:MAX_SEARCH_WORDS]:
            matching = matching.filter(search_document__icontains=word)
        return matching.annotate(rank=models.Case(models.When(title__icontains=text, then=1), default=0))

    # Facets: how many meetings of this queryset each value has, one grouped
    # query each.

    def country_counts(self, limit: int | None = None) -> list[tuple[str, int]]:
        """(code, meetings) pairs, most first, by the same rule as involving_countries()."""
        try:
            ids_sql, ids_params = self.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return []
        sql = f"""
            SELECT code, COUNT(*) AS meetings FROM (
                SELECT m.id AS meeting_id, m.country AS code
                  FROM events_meeting m WHERE m.id IN ({ids_sql})
                UNION
                SELECT mo.meeting_id, o.country
                  FROM events_meetingorganisation mo
                  JOIN events_organisation o ON o.id = mo.organisation_id
                 WHERE mo.meeting_id IN ({ids_sql})
                UNION
                SELECT m.id, d.sending_country
                  FROM events_meeting m JOIN events_delegation d ON d.id = m.delegation_id
                 WHERE m.id IN ({ids_sql})
            ) AS pairs
            WHERE code <> ''
            GROUP BY code
            ORDER BY meetings DESC, code
        """
        if limit:
            sql += f" LIMIT {int(limit)}"
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, ids_params * 3)
            return [(code, count) for code, count in cursor.fetchall()]

    def organisation_counts(self, limit: int | None = None) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym and ``meetings`` among these, most first."""
        rows = (
            MeetingOrganisation.objects.filter(meeting__in=self.order_by().values("pk"))
            .values("organisation_id", slug=F("organisation__slug"), name=F("organisation__name"))
            .annotate(acronym=F("organisation__acronym"), meetings=models.Count("meeting", distinct=True))
            .order_by("-meetings", "name")
        )
        return list(rows[:limit])

    def topic_counts(self, limit: int | None = None) -> list[dict]:
        """Dicts of topic_id, slug, name and ``meetings`` among these, most first."""
        rows = (
            Meeting.topics.through.objects.filter(meeting__in=self.order_by().values("pk"))
            .values("topic_id", slug=F("topic__slug"), name=F("topic__name"))
            .annotate(meetings=models.Count("meeting"))
            .order_by("-meetings", "name")
        )
        return list(rows[:limit])

    def kind_counts(self) -> list[tuple[str, int]]:
        rows = self.order_by().values_list("kind").annotate(meetings=models.Count("pk"))
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, meetings), oldest first."""
        rows = self.order_by().annotate(year=ExtractYear("start_date")).values_list("year")
        return sorted(rows.annotate(meetings=models.Count("pk")))

    # Pictures: the grouped counts that charts and the partner network draw,
    # one query each.

    def year_kind_counts(self) -> list[tuple[int, str, int]]:
        """(year, kind, meetings), oldest first: meetings per year stacked by kind."""
        rows = self.order_by().annotate(year=ExtractYear("start_date")).values_list("year", "kind")
        return sorted(rows.annotate(meetings=models.Count("pk")))

    def topic_year_counts(self) -> list[dict]:
        """Dicts of topic_id, slug, name, year and ``meetings`` among these: topics over time."""
        rows = (
            Meeting.topics.through.objects.filter(meeting__in=self.order_by().values("pk"))
            .values("topic_id", slug=F("topic__slug"), name=F("topic__name"))
            .annotate(year=ExtractYear("meeting__start_date"), meetings=models.Count("meeting"))
            .order_by("name", "topic_id", "year")
        )
        return list(rows)

    def organisation_pairs(self, limit: int) -> tuple[list[tuple[int, int, int]], int]:
        """The ``limit`` strongest links between organisations among these meetings, and how many in all.

        A link is a pair of organisations that took part in the same meeting;
        its weight is the number of distinct meetings they shared (an
        organisation listed twice in one meeting, in two roles, counts once:
        hence COUNT(DISTINCT), which measured faster than de-duplicating first).
        Returns ([(first_id, second_id, shared)], links) with first_id <
        second_id, strongest first. One query, bounded by ``limit``; the join
        on meeting_id is served by the meeting_organisation_role_unique index.
        """
        try:
            ids_sql, ids_params = self.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return [], 0
        sql = f"""
            SELECT a.organisation_id, b.organisation_id, COUNT(DISTINCT a.meeting_id) AS shared,
                   COUNT(*) OVER () AS links
              FROM events_meetingorganisation a
              JOIN events_meetingorganisation b
                ON b.meeting_id = a.meeting_id AND a.organisation_id < b.organisation_id
             WHERE a.meeting_id IN ({ids_sql})
             GROUP BY a.organisation_id, b.organisation_id
             ORDER BY shared DESC, a.organisation_id, b.organisation_id
             LIMIT {int(limit)}
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, ids_params)
            rows = cursor.fetchall()
        return [(first, second, shared) for first, second, shared, _ in rows], (rows[0][3] if rows else 0)

    def organisation_nodes(self, ids) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym, kind, country and ``meetings`` among these,
        for the organisations ``ids`` only: the nodes of a partner network."""
        rows = (
            MeetingOrganisation.objects.filter(
                meeting__in=self.order_by().values("pk"), organisation_id__in=list(ids)
            )
            .values(
                "organisation_id",
                slug=F("organisation__slug"),
                name=F("organisation__name"),
                acronym=F("organisation__acronym"),
                kind=F("organisation__kind"),
                country=F("organisation__country"),
            )
            .annotate(meetings=models.Count("meeting", distinct=True))
            .order_by("-meetings", "name")
        )
        return list(rows)


MAX_SEARCH_WORDS = 12


def search_vector() -> SearchVector:
    return SearchVector("search_document", config="english")


def describe_date(start: datetime.date, end: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: "August 2024", "3–5 May 2023", "On or before 2 June 2021"."""
    day = f"{start.day} {start:%B %Y}"
    match precision:
        case DatePrecision.YEAR:
            return f"{start.year}"
        case DatePrecision.MONTH:
            return f"{start:%B %Y}"
        case DatePrecision.WEEK:
            return f"Week of {day}"
        case DatePrecision.ON_OR_BEFORE:
            return f"On or before {day}"
    if not end or end == start:
        return day
    if (end.year, end.month) == (start.year, start.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if end.year == start.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{day} – {end.day} {end:%B %Y}"


class Meeting(Publishable, TimeStamped):
    """A meeting, conference, training or signing: the unit of the timeline."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=140, unique=True, help_text="Used in the page's address.")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.BILATERAL)
    start_date = models.DateField(
        help_text="The day it began. If only the month or year is known, the first day of it; "
        "if the report does not say, the report's date (and precision “on or before”)."
    )
    end_date = models.DateField(null=True, blank=True, help_text="Only for events lasting several days.")
    date_precision = models.CharField(max_length=20, choices=DatePrecision.choices, default=DatePrecision.DAY)
    date_as_reported = models.CharField(
        max_length=300, blank=True, help_text="How the source put the date, e.g. “last week”, “in May”."
    )
    country = CountryField(blank=True, help_text="Where it took place; blank if online.")
    city = models.CharField(max_length=120, blank=True)
    delegation = models.ForeignKey(
        Delegation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="The trip this meeting was part of, if any.",
    )
    organisations = models.ManyToManyField(
        Organisation, through="MeetingOrganisation", related_name="meetings", blank=True
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings")
    summary = models.TextField(blank=True, help_text="What happened, in our own words.")
    sources = models.ManyToManyField(Source, blank=True, related_name="meetings")
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="An earlier meeting this one continues.",
    )
    editorial_note = models.TextField(
        blank=True, help_text="Where sources disagree or a fact is uncertain, say so here."
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_meetings",
        help_text="The meeting this duplicate was merged into; its address redirects there.",
    )
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text=(
            "Every searchable word of the meeting and its relations, kept by refresh_search_document()."
        ),
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_document"], m2m_fields=["topics", "sources"])

    class Meta:
        ordering = ["-start_date", "-pk"]
        permissions = [
            ("publish_meeting", "Can publish meetings"),
            ("withdraw_meeting", "Can withdraw or reopen meetings"),
            ("merge_meeting", "Can merge duplicate meetings"),
        ]
        constraints = [
            end_not_before_start("meeting"),
            models.CheckConstraint(condition=~Q(follow_up_of=F("pk")), name="meeting_not_own_follow_up"),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="meeting_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(status=Status.PUBLISHED),
                name="meeting_merged_not_published",
                violation_error_message="A meeting merged into another cannot be published.",
            ),
        ]
        indexes = [
            # The timeline: published meetings, newest first (and its year facet).
            models.Index(fields=["status", "-start_date", "-id"], name="meeting_status_date"),
            # country filter and facet on the place of the meeting.
            models.Index(fields=["country", "status"], name="meeting_country_status"),
            # kind filter and facet.
            models.Index(fields=["kind", "status"], name="meeting_kind_status"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("events:meeting-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.delegation_id and self.start_date:
            self.delegation.check_meeting_dates(self)

    @property
    def possible_dates(self) -> tuple[datetime.date | None, datetime.date]:
        """The earliest and latest day the meeting can have taken place, given its precision."""
        start = self.start_date
        if self.date_precision == DatePrecision.ON_OR_BEFORE:
            return None, start
        if self.date_precision == DatePrecision.WEEK:
            return start, start + datetime.timedelta(days=6)
        if self.date_precision == DatePrecision.MONTH:
            return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
        if self.date_precision == DatePrecision.YEAR:
            return start, start.replace(month=12, day=31)
        return start, self.end_date or start

    @property
    def date_display(self) -> str:
        """The date as precisely as it is known: "August 2024", "3–5 May 2023"."""
        return describe_date(self.start_date, self.end_date, self.date_precision)

    @property
    def place_display(self) -> str:
        return ", ".join(part for part in (self.city, self.country.name if self.country else "") if part)

    def _roles(self, role: str) -> list[Organisation]:
        return [link.organisation for link in self.organisation_roles.all() if link.role == role]

    @property
    def hosts(self) -> list[Organisation]:
        return self._roles(MeetingOrganisation.Role.HOST)

    @property
    def organisers(self) -> list[Organisation]:
        return self._roles(MeetingOrganisation.Role.ORGANISER)

    @property
    def distinct_organisations(self) -> list[Organisation]:
        """Each organisation once, in role order, from the prefetched roles."""
        seen: dict[int, Organisation] = {}
        for link in self.organisation_roles.all():
            seen.setdefault(link.organisation_id, link.organisation)
        return list(seen.values())

    @property
    def final_merge_target(self) -> Meeting:
        """The meeting this one was (perhaps in several steps) merged into; itself if never merged."""
        meeting, seen = self, {self.pk}
        while meeting.merged_into_id is not None and meeting.merged_into_id not in seen:
            seen.add(meeting.merged_into_id)
            meeting = meeting.merged_into
        return meeting

    def likely_duplicates(self) -> list[DuplicateCandidate]:
        """The saved meeting's likely duplicates (see MeetingQuerySet.likely_duplicates)."""
        return Meeting.objects.likely_duplicates(
            start_date=self.start_date,
            end_date=self.end_date,
            country=self.country.code if self.country else "",
            organisation_ids=self.organisation_roles.values_list("organisation_id", flat=True),
            source_ids=list(self.sources.values_list("pk", flat=True)),
            delegation_id=self.delegation_id,
            exclude_pk=self.pk,
        )

    def build_search_document(self) -> str:
        """Gather every searchable word; queries the meeting's relations."""
        parts: list[str] = [self.title, self.summary, self.city, self.date_as_reported]
        if self.country:
            parts.append(self.country.name)
        if self.delegation_id:
            parts.append(self.delegation.title)
        parts += self.outcomes.values_list("text", flat=True)
        parts += self.topics.values_list("name", flat=True)
        organisations = Organisation.objects.filter(
            Q(meetings=self) | Q(participations__meeting=self)
        ).distinct()
        for organisation in organisations.prefetch_related("other_names"):
            parts += [organisation.name, organisation.acronym]
            parts += [other.name for other in organisation.other_names.all()]
        for participation in self.participations.select_related("person").prefetch_related(
            "person__other_names"
        ):
            parts.append(participation.name_as_written)
            if participation.person:
                parts.append(participation.person.name)
                parts += [other.name for other in participation.person.other_names.all()]
        return "\n".join(dict.fromkeys(part for part in parts if part))

    def refresh_search_document(self) -> None:
        self.search_document = self.build_search_document()
        Meeting.objects.filter(pk=self.pk).update(search_document=self.search_document)
        if self.is_published:
            # update() sends no signal, and search results are kept until the data changes.
            data_changed()
            transaction.on_commit(data_changed)


class MeetingOrganisation(models.Model):
    """An organisation's part in a meeting: host, organiser, visiting delegation..."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        ORGANISER = "organiser", "Organiser"
        DELEGATION = "delegation", "Visiting delegation"
        PARTICIPANT = "participant", "Participant"
        SIGNATORY = "signatory", "Signatory"
        FUNDER = "funder", "Funder"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    role_order = models.PositiveSmallIntegerField(default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role_order", "pk"]
        verbose_name = "organisation in the meeting"
        verbose_name_plural = "organisations in the meeting"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "role"], name="meeting_organisation_role_unique"
            ),
        ]
        indexes = [
            # org filter and organisation facet: meetings of an organisation.
            models.Index(fields=["organisation", "meeting"], name="meetingorg_org_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} ({self.get_role_display().lower()})"

    def save(self, *args, **kwargs):
        self.role_order = list(self.Role.values).index(self.role)
        super().save(*args, **kwargs)


class Participation(models.Model):
    """Someone who took part in a meeting, as the source named them."""

    class Role(models.TextChoices):
        HEAD_OF_DELEGATION = "head_of_delegation", "Head of delegation"
        DELEGATION_MEMBER = "delegation_member", "Delegation member"
        HOST = "host", "Host"
        ORGANISER = "organiser", "Organiser"
        SPEAKER = "speaker", "Speaker"
        OBSERVER = "observer", "Observer"
        PARTICIPANT = "participant", "Participant"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    name_as_written = models.CharField(max_length=200, help_text="The name exactly as the source spells it.")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The known person, if identified. Leave blank when unsure.",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The organisation they represented.",
    )
    title_as_stated = models.CharField(
        max_length=300, blank=True, help_text="Their title as the source gives it at the time."
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PARTICIPANT)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_as_written=""), name="participation_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name_as_written


class Outcome(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        AGREEMENT = "agreement", "Agreement or MoU"
        JOINT_TRAINING = "joint_training", "Joint training"
        FOLLOW_UP_MEETING = "follow_up_meeting", "Follow-up meeting"
        ASSISTANCE_OFFERED = "assistance_offered", "Assistance offered"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    text = models.TextField(help_text="What was agreed, offered or decided, in our own words.")
    parties = models.ManyToManyField(Organisation, blank=True, related_name="outcomes")

    history = HistoricalRecords(m2m_fields=["parties"])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
