"""Delegations: one trip from one country to one or more others, with its meetings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .countries import DecidesCountries
from .records import Organisation, Person, Source, published_meeting_count
from .workflow import Publishable, Status, TimeStamped, end_not_before_start

if TYPE_CHECKING:
    from .meetings import Meeting


class DelegationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_index(self):
        return self.select_related("head").prefetch_related("sending_organisations")

    def with_meeting_counts(self):
        """Each with ``meeting_count``: its published meetings."""
        return self.annotate(meeting_count=published_meeting_count("meetings"))


class Delegation(DecidesCountries, Publishable, TimeStamped):
    """One trip: a delegation travelling from one country to one or more others."""

    country_fields = ("sending_country",)

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
            # Country pages: the newest delegations a country received, read newest first until 50
            # match (the destinations are one text column that no index can search).
            models.Index(fields=["status", "start_date"], name="delegation_status_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:delegation-detail", args=[self.slug])

    def meetings_deciding(self, as_read):
        return self.meetings.values_list("pk", flat=True)

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
