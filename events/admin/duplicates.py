"""The meeting form's question before saving a likely duplicate, and the warning that asks it."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from ..models import Meeting, Source, Status
from .base import admin_change_url
from .workflow import WorkflowForm

# Every move into these asks about likely duplicates again, whatever else changed.
CHECKED_MOVES = {Status.IN_REVIEW, Status.PUBLISHED}


class MeetingForm(WorkflowForm):
    """The meeting form, which asks before saving a likely duplicate (it never refuses one).

    A save that changes nothing the check looks at skips it, except a save
    that moves the meeting into review or publishes it: a draft made from an
    article and submitted unchanged is asked too.
    """

    not_a_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="I have checked: this is not a duplicate",
        help_text="Tick this only after opening the meetings listed above.",
    )

    class Meta:
        model = Meeting
        fields = [
            "title", "slug", "kind", "status", "start_date", "end_date", "date_precision",
            "date_as_reported", "mode", "country", "city", "venue", "visiting_country", "stated_countries",
            "delegation", "follow_up_of", "topics", "summary", "editorial_note", "sources",
        ]  # fmt: skip
        widgets = {"stated_countries": FilteredSelectMultiple("countries", is_stacked=False)}

    def submitted_organisation_ids(self) -> set[int]:
        """The organisations in the submitted inline rows (not saved yet when the form is cleaned)."""
        prefix = "organisation_roles"
        if f"{prefix}-TOTAL_FORMS" not in self.data:
            # A form without the inline (restoring an old version): the saved ones.
            if self.instance.pk is None:
                return set()
            return set(self.instance.organisation_roles.values_list("organisation_id", flat=True))
        ids: set[int] = set()
        try:
            total = int(self.data[f"{prefix}-TOTAL_FORMS"])
        except ValueError:
            return ids
        for number in range(min(total, 1000)):
            value = self.data.get(f"{prefix}-{number}-organisation", "")
            if value.isdigit() and not self.data.get(f"{prefix}-{number}-DELETE"):
                ids.add(int(value))
        return ids

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("not_a_duplicate") or not cleaned.get("start_date"):
            return cleaned
        organisation_ids = self.submitted_organisation_ids()
        sources = list(cleaned.get("sources") or [])
        before = self.instance.status if self.instance.pk else Status.DRAFT
        moving = cleaned.get("status") in CHECKED_MOVES and cleaned.get("status") != before
        if self.instance.pk and not moving and not self.has_changed_for_duplicates(organisation_ids, sources):
            return cleaned
        country = cleaned.get("country")
        candidates = Meeting.objects.likely_duplicates(
            start_date=cleaned["start_date"],
            end_date=cleaned.get("end_date"),
            country=str(country) if country else "",
            organisation_ids=organisation_ids,
            source_ids=[source.pk for source in sources],
            delegation_id=cleaned["delegation"].pk if cleaned.get("delegation") else None,
            exclude_pk=self.instance.pk,
        )
        if candidates:
            self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
            raise ValidationError(duplicate_warning(candidates), code="likely_duplicate")
        return cleaned

    def has_changed_for_duplicates(self, organisation_ids: set[int], sources: list[Source]) -> bool:
        """Whether anything the duplicate check looks at differs from the saved meeting (queries)."""
        fields = {"start_date", "end_date", "country", "delegation"}
        if fields & set(self.changed_data):
            return True
        saved_organisations = set(self.instance.organisation_roles.values_list("organisation_id", flat=True))
        saved_sources = set(self.instance.sources.values_list("pk", flat=True))
        return saved_organisations != organisation_ids or saved_sources != {s.pk for s in sources}


def move_refused_as_duplicate(meeting: Meeting, status: str) -> str:
    """Why a button or an action may not move ``meeting`` into review or publish it (queries), or ""."""
    if status not in CHECKED_MOVES:
        return ""
    candidates = meeting.likely_duplicates()
    if not candidates:
        return ""
    return format_html(
        "{} To go ahead from its form, choose the status, tick “I have checked: this is not a duplicate” "
        "and save.",
        duplicate_warning(candidates),
    )


def duplicate_warning(candidates) -> str:
    items = format_html_join(
        "",
        '<li><a href="{}" target="_blank">{}</a> ({}, {}) — {}</li>',
        (
            (
                admin_change_url(c.meeting),
                c.meeting.title,
                c.meeting.date_display,
                c.meeting.get_status_display().lower(),
                "; ".join(c.reasons),
            )
            for c in candidates
        ),
    )
    return format_html(
        "This may be a meeting that is already recorded:<ul>{}</ul>Open them to check. If it is the same "
        "meeting, add what is new to that one (or save this and merge it with “Merge into…”). If it is "
        "not, tick “I have checked: this is not a duplicate” and save again.",
        items,
    )
