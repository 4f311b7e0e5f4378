"""CSV import of meetings: the columns read, and the admin's preview before all rows or none are saved.

Every imported meeting is a new draft: an import never changes or publishes
an existing record. The admin first shows a preview with each row's errors
and offers to confirm only when there are none; the import itself is one
transaction, rolled back whole if any row fails. The columns are listed in
docs/editors.md ("CSV import").
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin

from ..models import (
    DatePrecision,
    Meeting,
    MeetingKind,
    MeetingOrganisation,
    Organisation,
    Source,
    Status,
    Topic,
    unique_slug,
)


def split(value) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


class ChoiceWidget(widgets.CharWidget):
    """A choice given by its value ("bilateral") or its label ("Bilateral meeting")."""

    def __init__(self, choices: type[models.TextChoices], default: str, **kwargs):
        self.choices, self.default = choices, default
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().casefold()
        if not text:
            return self.default
        for choice in self.choices:
            if text in (choice.value.casefold(), str(choice.label).casefold()):
                return choice.value
        allowed = ", ".join(self.choices.values)
        raise ValueError(f"“{value}” is not one of: {allowed}.")


class CountryWidget(widgets.CharWidget):
    """A country by its two-letter code ("TH") or its English name ("Thailand")."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        if text.upper() in countries:
            return text.upper()
        code = countries.by_name(text)
        if not code:
            raise ValueError(f"Unknown country “{text}”: use a two-letter code such as TH.")
        return code


class MeetingResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name="title", widget=widgets.CharWidget())
    slug = fields.Field(attribute="slug", column_name="slug", widget=widgets.CharWidget())
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(MeetingKind, MeetingKind.BILATERAL)
    )
    start_date = fields.Field(
        attribute="start_date", column_name="start_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    end_date = fields.Field(
        attribute="end_date", column_name="end_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    date_precision = fields.Field(
        attribute="date_precision",
        column_name="date_precision",
        widget=ChoiceWidget(DatePrecision, DatePrecision.DAY),
    )
    date_as_reported = fields.Field(attribute="date_as_reported", column_name="date_as_reported")
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    city = fields.Field(attribute="city", column_name="city")
    summary = fields.Field(attribute="summary", column_name="summary")
    editorial_note = fields.Field(attribute="editorial_note", column_name="editorial_note")
    # Relations, read by import_instance and written after the meeting is saved. The
    # attributes only keep the text as written, for the preview.
    topics = fields.Field(attribute="csv_topics", column_name="topics")
    organisations = fields.Field(attribute="csv_organisations", column_name="organisations")
    sources = fields.Field(attribute="csv_sources", column_name="sources")
    source_publisher = fields.Field(attribute="csv_source_publisher", column_name="source_publisher")

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "kind",
            "start_date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "country",
            "city",
            "summary",
            "editorial_note",
            "topics",
            "organisations",
            "sources",
            "source_publisher",
        ]
        import_id_fields = []
        force_init_instance = True  # imports only add meetings
        use_transactions = True
        clean_model_instances = True
        skip_diff = False
        store_instance = True

    def import_instance(self, instance: Meeting, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.message_dict)
        instance.status = Status.DRAFT
        if instance.title and not instance.slug:
            suffix = f" {instance.start_date:%Y %m}" if isinstance(instance.start_date, datetime.date) else ""
            instance.slug = unique_slug(Meeting, instance.title + suffix, max_length=140)
        instance._import_relations = self.read_relations(row, errors)
        if errors:
            raise ValidationError(errors)

    def read_relations(self, row, errors: dict[str, list[str]]) -> dict:
        """Look up the topics, organisations and sources a row names; note what is unknown."""
        topic_slugs = split(row.get("topics"))
        topics = {t.slug: t for t in Topic.objects.filter(slug__in=topic_slugs)}
        unknown = [slug for slug in topic_slugs if slug not in topics]
        if unknown:
            errors.setdefault("topics", []).append(f"Unknown topic: {', '.join(unknown)}.")

        links: list[tuple[Organisation, str]] = []
        for item in split(row.get("organisations")):
            reference, _, role = item.partition(":")
            role = role.strip().casefold() or MeetingOrganisation.Role.PARTICIPANT
            organisation = Organisation.objects.filter(
                models.Q(slug=reference.strip()) | models.Q(acronym__iexact=reference.strip())
            ).first()
            if organisation is None:
                errors.setdefault("organisations", []).append(f"Unknown organisation “{reference.strip()}”.")
            elif role not in MeetingOrganisation.Role.values:
                errors.setdefault("organisations", []).append(
                    f"Unknown role “{role}” (use {', '.join(MeetingOrganisation.Role.values)})."
                )
            else:
                links.append((organisation, role))

        urls = split(row.get("sources"))
        known = {s.url: s for s in Source.objects.filter(url__in=urls)}
        publisher = str(row.get("source_publisher") or "").strip()
        new_urls = [url for url in urls if url not in known]
        if new_urls and not publisher:
            errors.setdefault("sources", []).append(
                f"Unknown source {', '.join(new_urls)}: add it first, or give its source_publisher."
            )
        for url in new_urls:
            try:
                Source._meta.get_field("url").run_validators(url)
            except ValidationError:
                errors.setdefault("sources", []).append(f"“{url}” is not a valid address.")
        return {"topics": list(topics.values()), "links": links, "sources": known, "new": new_urls,
                "publisher": publisher}  # fmt: skip

    def after_save_instance(self, instance: Meeting, row, **kwargs):
        relations = instance._import_relations
        for organisation, role in relations["links"]:
            MeetingOrganisation.objects.get_or_create(meeting=instance, organisation=organisation, role=role)
        instance.topics.set(relations["topics"])
        sources = list(relations["sources"].values())
        for url in relations["new"]:
            sources.append(
                Source.objects.get_or_create(url=url, defaults={"publisher": relations["publisher"]})[0]
            )
        instance.sources.set(sources)
        instance.refresh_search_document()


class MeetingImportMixin(ImportMixin):
    """django-import-export's Import button on the meeting list, with all rows or none."""

    resource_classes = [MeetingResource]

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation.
            self.message_user(
                request,
                "Nothing was imported: some rows have errors. Upload the file again to see them.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_meeting_import"))
        return super().process_result(result, request)
