"""What meetings promised (outcomes) and what became of each: its status and the dated changes to it.

An outcome's current ``status`` is never typed in: it is the status of its
latest dated change, or, with none, what the meeting made of it
(``status_at_meeting``). ``Outcome.refresh_status()`` is the one place that
rule lives; saving or deleting a change calls it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..wording import describe_date
from .records import Organisation, Source
from .workflow import CheckedText, DatePrecision, Status


class OutcomeStatus(models.TextChoices):
    """Where a promise stands: the order is the usual course of one."""

    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    UNDER_WAY = "under_way", "Under way"
    DONE = "done", "Done"
    LAPSED = "lapsed", "Lapsed"


class OutcomeQuerySet(models.QuerySet):
    def public(self):
        """Outcomes of published meetings: the only ones readers see."""
        return self.filter(meeting__status=Status.PUBLISHED)

    def for_meeting_page(self):
        """An outcome as a meeting page, the API and the commitments list show it: parties and changes."""
        return self.prefetch_related(*outcome_parts_prefetch())

    def status_counts(self) -> list[tuple[str, int]]:
        """(status, outcomes) pairs, most first: the commitments page's status facet."""
        rows = self.order_by().values_list("status").annotate(n=models.Count("pk"))
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def kind_counts(self) -> list[tuple[str, int]]:
        """(kind, outcomes) pairs, most first: the commitments page's kind-of-outcome facet."""
        rows = self.order_by().values_list("kind").annotate(n=models.Count("pk"))
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def for_commitments(self):
        """The commitments page, API, CSV and feed: each outcome with the meeting that promised it."""
        return (
            self.select_related("meeting", "meeting__city")
            .defer("meeting__search_document", "meeting__summary", "meeting__editorial_note")
            .for_meeting_page()
        )


class Outcome(CheckedText):
    """What a meeting agreed, offered or decided, and what became of it."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        AGREEMENT = "agreement", "Agreement or MoU"
        JOINT_TRAINING = "joint_training", "Joint training"
        FOLLOW_UP_MEETING = "follow_up_meeting", "Follow-up meeting"
        ASSISTANCE_OFFERED = "assistance_offered", "Assistance offered"
        OTHER = "other", "Other"

    meeting = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    text = models.TextField(help_text="What was agreed, offered or decided, in our own words.")
    parties = models.ManyToManyField(Organisation, blank=True, related_name="outcomes")
    date = models.DateField(
        null=True,
        blank=True,
        help_text="When the promised thing is to happen or happened (a training, a visit, a signing), "
        "if a source says; the first day of the month or year when only that is known.",
    )
    date_precision = models.CharField(max_length=20, choices=DatePrecision.choices, default=DatePrecision.DAY)
    country = CountryField(blank=True, help_text="Where it is to happen or happened, if a source says.")
    status_at_meeting = models.CharField(
        "status when promised",
        max_length=20,
        choices=OutcomeStatus.choices,
        default=OutcomeStatus.AGREED,
        help_text="What the meeting made of it: only proposed (an invitation, an offer), or agreed.",
    )
    status = models.CharField(
        max_length=20,
        choices=OutcomeStatus.choices,
        default=OutcomeStatus.AGREED,
        editable=False,
        help_text="Where it stands now: its latest dated change, else its status when promised.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutcomeQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["parties"])

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The commitments list filtered by status (the meeting filters join on meeting).
            models.Index(fields=["status", "meeting"], name="outcome_status_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.status = self.latest_status()
        if kwargs.get("update_fields") is not None:
            # A save of a few fields (the admin's history entry) still writes the status it read.
            kwargs["update_fields"] = {*kwargs["update_fields"], "status"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#outcome-{self.pk}"

    @classmethod
    def usual_status_at_meeting(cls, kind: str) -> str:
        """What a meeting usually makes of an outcome of this kind: an invitation or an offer is only
        proposed (the other side has yet to take it up); the rest are agreed."""
        proposed = (cls.Kind.INVITATION, cls.Kind.ASSISTANCE_OFFERED)
        return OutcomeStatus.PROPOSED if kind in proposed else OutcomeStatus.AGREED

    def latest_status(self) -> str:
        """The status the rule in the module docstring gives (one query, never a stale prefetch)."""
        latest = None
        if self.pk:
            latest = (
                OutcomeStatusChange.objects.filter(outcome=self)
                .order_by("-date", "-pk")
                .values_list("status", flat=True)
                .first()
            )
        return latest or self.status_at_meeting

    def refresh_status(self) -> None:
        """Keep ``status`` equal to latest_status(); called whenever a change is saved or deleted."""
        if self.latest_status() != self.status:
            self.save(update_fields=["updated_at"])

    @property
    def date_display(self) -> str:
        return describe_date(self.date, None, self.date_precision) if self.date else ""

    @property
    def place_display(self) -> str:
        return self.country.name if self.country else ""

    @property
    def done_by(self) -> OutcomeStatusChange | None:
        """The latest change that marks it done, with the meeting or report that shows it."""
        done = [change for change in self.status_changes.all() if change.status == OutcomeStatus.DONE]
        return max(done, key=lambda change: (change.date, change.pk)) if done else None


class OutcomeStatusChange(CheckedText):
    """A dated step in what became of an outcome, and the meeting or report that shows it."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=OutcomeStatus.choices)
    date = models.DateField(help_text="When it happened, or the date of the report that says so.")
    date_precision = models.CharField(max_length=20, choices=DatePrecision.choices, default=DatePrecision.DAY)
    note = models.TextField(blank=True, help_text="What happened, in our own words.")
    meeting = models.ForeignKey(
        "Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_updates",
        help_text="The meeting that shows it (the follow-up training, the signing), if recorded.",
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_updates",
        help_text="The report that shows it, if no meeting record does.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "status change"
        verbose_name_plural = "what became of it (dated status changes)"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=""),
                name="outcomestatuschange_status_not_blank",
                violation_error_message="Say what the outcome's status became.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.date_display})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.outcome.refresh_status()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.outcome.refresh_status()
        return result

    @property
    def date_display(self) -> str:
        return describe_date(self.date, None, self.date_precision)

    @property
    def public_meeting(self):
        """The meeting that shows it, if readers may see it (a draft is never linked)."""
        return self.meeting if self.meeting is not None and self.meeting.is_published else None


def outcome_parts_prefetch() -> list[models.Prefetch]:
    """An outcome's parties, by name, and its dated changes with their sources and meetings: what a
    meeting page, the API and the commitments list show of it."""
    return [
        models.Prefetch("parties", queryset=Organisation.objects.order_by("name", "pk")),
        models.Prefetch(
            "status_changes",
            queryset=OutcomeStatusChange.objects.select_related("source", "meeting").defer(
                "meeting__search_document", "meeting__summary", "meeting__editorial_note"
            ),
        ),
    ]
