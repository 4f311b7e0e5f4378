"""Reference records: topics, organisations, people and their positions, sources."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .countries import DecidesCountries
from .pairs import OrganisationPair
from .workflow import CheckedText, DatePrecision, OtherNameKind, Status, TimeStamped, end_not_before_start


def published_meeting_count(path: str, *, distinct: bool = False, taking_part: str = "") -> Count:
    """How many published meetings each record reaches through ``path``, the lookup to Meeting.

    ``distinct`` where the path can reach one meeting twice (an organisation in two roles).
    ``taking_part``: the lookup to the link's role, when only roles whose holder was present count
    (the rule of MeetingOrganisationQuerySet.taking_part()).
    """
    condition = Q(**{f"{path}__status": Status.PUBLISHED})
    if taking_part:
        condition &= Q(**{f"{taking_part}__present": True})
    return Count(path, filter=condition, distinct=distinct)


def topic_roll_up(topics, lookup: str = "in") -> Q:
    """The topic roll-up, as a condition on Meeting.topics.through: a meeting is about a topic when it
    is tagged with it, or with an approved specific topic under it.

    Every topic filter and count follows this one rule: MeetingQuerySet.about_topics() and
    with_meeting_counts() through this condition, MeetingQuerySet.topic_counts() in SQL (a test
    compares them). ``topics``: Topic objects or ids (``lookup="in"``), or one (``"exact"``).
    """
    return Q(**{f"topic__{lookup}": topics}) | Q(
        **{f"topic__parent__{lookup}": topics, "topic__approved": True}
    )


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Approved topics: the only ones readers see (a proposed topic waits for a publisher)."""
        return self.filter(approved=True)

    def with_meeting_counts(self):
        """Each with ``meeting_count``: the published meetings about it by topic_roll_up(), each once
        (what the topic filter lists: see MeetingQuerySet.about_topics())."""
        links = Topic.meetings.through.objects.filter(
            topic_roll_up(OuterRef("pk"), "exact"), meeting__status=Status.PUBLISHED
        )
        distinct_meetings = Func(
            F("meeting_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)"
        )
        return self.annotate(
            meeting_count=Subquery(
                links.order_by().values(n=distinct_meetings)[:1],
                output_field=models.IntegerField(),
            )
        )

    def with_specific(self):
        """These topics and the specific topics under them (two levels: children have no children)."""
        return Topic.objects.filter(Q(pk__in=self.values("pk")) | Q(parent__in=self.values("pk")))


class Topic(CheckedText):
    """What meetings were about, in two levels: the broad topics, and specific topics under them.

    Editors may propose a specific topic; it stays hidden from readers (no page, facet, filter,
    API, sitemap or feed) until a publisher approves it. The database keeps the two levels
    (migration 0014's triggers), the form says why beside the field.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a specific topic, the broad topic it belongs to (one of the topics without a parent). "
        "Filtering by the broad topic includes it.",
    )
    keywords = models.TextField(
        blank=True,
        help_text="Words and synonyms that signal this topic in a report, one per line.",
    )
    approved = models.BooleanField(
        default=True,
        db_default=True,  # rows written without it (an older migration's seeds) are approved
        help_text="Readers see approved topics only. A topic an editor proposes waits for a publisher.",
    )

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        permissions = [("approve_topic", "Can approve topics editors propose")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="topic_not_own_parent",
                violation_error_message="A topic cannot be its own broad topic.",
            ),
            models.CheckConstraint(
                condition=Q(approved=True) | Q(parent__isnull=False),
                name="topic_proposed_is_specific",
                violation_error_message="A proposed topic is a specific topic: choose its broad topic.",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.approved else f"{self.name} (proposed)"

    def get_absolute_url(self) -> str:
        return reverse("events:topic-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        # Two levels: broad topics, and specific topics under them.
        parent = self.parent
        if parent is not None:
            if parent.pk == self.pk:
                raise ValidationError({"parent": "A topic cannot be its own broad topic."})
            if parent.parent_id is not None:
                raise ValidationError(
                    {"parent": f"“{parent.name}” is itself a specific topic; choose a broad topic."}
                )
            if self.pk is not None and self.children.exists():
                raise ValidationError(
                    {"parent": "This topic has specific topics under it, so it stays broad."}
                )
        elif not self.approved:
            raise ValidationError({"parent": "A proposed topic is a specific topic: choose its broad topic."})

    def approve(self, user) -> None:
        """Make a proposed topic public as ``user``, a publisher; its meetings become findable by it."""
        if not user.has_perm("events.approve_topic"):
            raise PermissionDenied("You may not approve topics.")
        if self.approved:
            return
        self.approved = True
        self._history_user = user
        self.save(update_fields=["approved"])  # its meetings' documents take its name (search_documents)

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip().lower() for line in self.keywords.splitlines() if line.strip()]


class OrganisationQuerySet(models.QuerySet):
    def for_index(self):
        """Organisations with their parent, for list pages and autocomplete."""
        return self.select_related("parent")

    def with_meeting_counts(self):
        """Each with ``meeting_count``: the published meetings it took part in (in any role, once;
        not those where it was only mentioned). Read from the kept pair counts (the organisation
        paired with itself), one index lookup a row, rather than counting every organisation's
        meetings to show a page of them."""
        own = OrganisationPair.objects.filter(first=OuterRef("pk"), second=OuterRef("pk")).values("meetings")
        return self.annotate(meeting_count=Coalesce(Subquery(own[:1], output_field=models.IntegerField()), 0))

    def search(self, text: str):
        """Organisations with ``text`` in their name, acronym or one of their other names."""
        other_names = OrganisationName.objects.filter(name__icontains=text).values("organisation_id")
        return self.filter(Q(name__icontains=text) | Q(acronym__icontains=text) | Q(pk__in=other_names))

    def country_counts(self) -> dict[str, int]:
        """{country code: how many of these organisations are based there}; one query."""
        return dict(self.exclude(country="").values_list("country").annotate(n=Count("pk")).order_by())


class Organisation(DecidesCountries, TimeStamped):
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

    country_fields = ("country",)

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

    def meetings_deciding(self, as_read):
        return self.meeting_roles.values_list("meeting_id", flat=True)

    @property
    def short_name(self) -> str:
        """What lists show: the acronym when there is one."""
        return self.acronym or self.name


class OrganisationName(CheckedText):
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


class PersonQuerySet(models.QuerySet):
    def search(self, text: str):
        """People with ``text`` in their name or one of their other spellings."""
        other_names = PersonName.objects.filter(name__icontains=text).values("person_id")
        return self.filter(Q(name__icontains=text) | Q(pk__in=other_names))

    def with_meeting_counts(self):
        """Each with ``meeting_count``: the published meetings they attended (not only mentioned in)."""
        return self.annotate(
            meeting_count=published_meeting_count(
                "participations__meeting", distinct=True, taking_part="participations__role"
            )
        )


class Person(TimeStamped):
    name = models.CharField(max_length=200, help_text="The name in its usual English spelling.")
    slug = models.SlugField(max_length=120, unique=True)
    honorific = models.CharField(
        max_length=100, blank=True, help_text="Rank or honorific, e.g. Lieutenant General, Dr."
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"], name="person_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:person-detail", args=[self.slug])


class PersonName(CheckedText):
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


class Position(CheckedText):
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
        where = f", {self.organisation.short_name}" if self.organisation is not None else ""
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
