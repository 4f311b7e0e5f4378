"""Changes to shared records that wait for a publisher: what a change is to, and when one must wait."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .delegations import Delegation
from .meetings import Meeting, MeetingOrganisation, Outcome, Participation
from .records import Organisation, Person, Source, Topic
from .workflow import CheckedText


def cited_publicly(record: models.Model) -> bool:
    """Whether a published meeting or delegation cites ``record`` (an organisation, person, source
    or topic), so that a change to it shows on public pages at once; queries."""
    meetings, delegations = Meeting.objects.published(), Delegation.objects.published()
    if isinstance(record, Organisation):
        return (
            meetings.filter(
                Q(pk__in=MeetingOrganisation.objects.filter(organisation=record).values("meeting_id"))
                | Q(pk__in=Participation.objects.filter(organisation=record).values("meeting_id"))
                | Q(pk__in=Outcome.objects.filter(parties=record).values("meeting_id"))
            ).exists()
            or delegations.filter(sending_organisations=record).exists()
        )
    if isinstance(record, Person):
        return (
            meetings.filter(pk__in=Participation.objects.filter(person=record).values("meeting_id")).exists()
            or delegations.filter(Q(head=record) | Q(members=record)).exists()
        )
    if isinstance(record, Source):
        return meetings.filter(sources=record).exists() or delegations.filter(sources=record).exists()
    if isinstance(record, Topic):
        return meetings.filter(topics=record).exists()
    return False


class ProposedChange(CheckedText):
    """An editor's change to a record that published meetings cite, waiting for a publisher.

    The record itself is untouched until a publisher approves, so readers go
    on seeing the approved values. ``fields`` maps each field the editor
    changed to [the value they were shown, the value they propose] (as
    stored: ids for relations, ISO dates, country codes); ``rows`` lists the
    inline rows (other names, positions) they added, changed or deleted.
    Approving applies only those changes, over the record as it then is.
    Proposals are never deleted: decided ones are the trail of who proposed
    and who approved or rejected.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="proposed_changes"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="proposed_changes"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="proposed_changes"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="proposed_changes"
    )
    fields = models.JSONField(default=dict, blank=True)
    rows = models.JSONField(default=list, blank=True)
    read_version = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The record's history entry the editor's form showed."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it was rejected, for the editor who proposed it.")

    RECORD_FIELDS = ("organisation", "person", "source", "topic")

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = "proposed change"
        permissions = [("approve_proposedchange", "Can approve or reject proposed changes")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        organisation__isnull=False,
                        person__isnull=True,
                        source__isnull=True,
                        topic__isnull=True,
                    )
                    | Q(
                        organisation__isnull=True,
                        person__isnull=False,
                        source__isnull=True,
                        topic__isnull=True,
                    )
                    | Q(
                        organisation__isnull=True,
                        person__isnull=True,
                        source__isnull=False,
                        topic__isnull=True,
                    )
                    | Q(
                        organisation__isnull=True,
                        person__isnull=True,
                        source__isnull=True,
                        topic__isnull=False,
                    )
                ),
                name="proposed_change_one_record",
                violation_error_message="A proposed change is to exactly one record.",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_at__isnull=True)
                | (~Q(decision="pending") & Q(decided_at__isnull=False)),
                name="proposed_change_decided_when_decided",
                violation_error_message="A decided change says when it was decided.",
            ),
        ]
        indexes = [
            # The publishers' queue: pending changes, oldest first; and a record's pending changes.
            models.Index(fields=["decision", "proposed_at"], name="proposed_change_queue"),
        ]

    def __str__(self) -> str:
        return f"Change to {self.record} proposed by {self.proposed_by or 'a deleted user'}"

    @property
    def record(self) -> models.Model:
        """The organisation, person, source or topic the change is to."""
        for name in self.RECORD_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        raise ValueError("A proposed change without its record.")

    @classmethod
    def for_record(cls, record: models.Model) -> ProposedChange:
        """A new proposal for ``record`` (not saved)."""
        return cls(**{str(record._meta.model_name): record})

    @classmethod
    def pending_for(cls, record: models.Model) -> models.QuerySet:
        return cls.objects.filter(**{str(record._meta.model_name): record, "decision": cls.Decision.PENDING})

    def decide(self, decision: str, user, note: str = "") -> None:
        """Record the decision (see events.proposals, which applies an approved change first)."""
        self.decision, self.decided_by, self.decided_at, self.note = decision, user, timezone.now(), note
        self.full_clean()
        self.save(update_fields=["decision", "decided_by", "decided_at", "note"])
