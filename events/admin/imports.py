"""CSV import of meetings: the columns read, and the admin's preview before all rows or none are saved.

Every imported meeting is a new draft: an import never changes or publishes
an existing record. The admin first shows a preview with each row's errors
and offers to confirm only when there are none; the import itself is one
transaction, rolled back whole if any row fails. A file may hold at most
``IMPORT_MAX_BYTES`` and ``IMPORT_MAX_ROWS`` rows; between the preview and
the confirmation it is kept as ``events.uploads`` says. The columns are
listed in docs/editors.md ("CSV import").
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django_countries import countries
from django_countries.fields import Country
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV
from import_export.forms import ImportForm
from simple_history.utils import bulk_create_with_history

from .. import uploads
from ..history import hold_version
from ..models import (
    City,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingKind,
    MeetingMode,
    MeetingOrganisation,
    MeetingSubtype,
    Organisation,
    OrganisationRole,
    Source,
    Status,
    Topic,
    unique_slug,
)
from ..text import control_character_message


def split(value) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def chunks(items: list[str], size: int = 500):
    """``items`` a few hundred at a time: SQLite takes at most 999 parameters in a query."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


class SubtypeWidget(widgets.CharWidget):
    """A meeting subtype by its slug ("courtesy-call") or its label ("Courtesy call"); blank for none.

    The subtypes are read once per import. Whether the subtype belongs to the row's kind is the
    meeting's own validation (``Meeting.clean``).
    """

    def __init__(self, **kwargs):
        self.known: dict[str, MeetingSubtype] | None = None
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().casefold()
        if not text:
            return None
        if self.known is None:
            self.known = {}
            for subtype in MeetingSubtype.objects.all():
                self.known.setdefault(subtype.slug.casefold(), subtype)
                self.known.setdefault(subtype.label.casefold(), subtype)
        if text not in self.known:
            raise ValueError(f"Unknown subtype “{str(value).strip()}”: use one of the subtypes' slugs.")
        return self.known[text]

    def render(self, value, obj=None, **kwargs):
        return value.slug if value is not None else ""


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


class CountriesWidget(CountryWidget):
    """Countries separated by semicolons, each by its code or its English name: "KH; Thailand"."""

    def clean(self, value, row=None, **kwargs):
        codes = [super(CountriesWidget, self).clean(part) for part in split(value)]
        return list(dict.fromkeys(codes))


class CityWidget(widgets.Widget):
    """A city by its name, found in the gazetteer within the row's country ("Siem Reap" with KH)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.found: dict[tuple[str, str], City | None] = {}  # a file names the same cities again

    def clean(self, value, row=None, **kwargs):
        name = " ".join(str(value or "").split())
        if not name:
            return None
        try:
            country = CountryWidget().clean((row or {}).get("country"))
        except ValueError:
            country = ""
        if not country:
            raise ValueError(f"A city needs the row’s country: give it for “{name}”.")
        key = (name.casefold(), country)
        if key not in self.found:
            self.found[key] = City.objects.named(name, country)
        city = self.found[key]
        if city is None:
            raise ValueError(
                f"No city “{name}” in {Country(country).name} in the gazetteer: "
                "check the spelling, or give the place as the venue."
            )
        return city

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class MeetingResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name="title", widget=widgets.CharWidget())
    slug = fields.Field(attribute="slug", column_name="slug", widget=widgets.CharWidget())
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(MeetingKind, MeetingKind.BILATERAL)
    )
    subtype = fields.Field(attribute="subtype", column_name="subtype", widget=SubtypeWidget())
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
    mode = fields.Field(
        attribute="mode", column_name="mode", widget=ChoiceWidget(MeetingMode, MeetingMode.IN_PERSON)
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    city = fields.Field(attribute="city", column_name="city", widget=CityWidget())
    venue = fields.Field(attribute="venue", column_name="venue", widget=widgets.CharWidget())
    visiting_country = fields.Field(
        attribute="visiting_country", column_name="visiting_country", widget=CountryWidget()
    )
    countries_taking_part = fields.Field(
        attribute="stated_countries", column_name="countries_taking_part", widget=CountriesWidget()
    )
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
            "subtype",
            "start_date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "mode",
            "country",
            "city",
            "venue",
            "visiting_country",
            "countries_taking_part",
            "summary",
            "editorial_note",
            "topics",
            "organisations",
            "sources",
            "source_publisher",
        ]
        import_id_fields: list[str] = []
        force_init_instance = True  # imports only add meetings
        use_transactions = True
        clean_model_instances = True
        skip_diff = False
        store_instance = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Read once per import, not once per row: a file at the row cap names the same
        # organisations, topics and sources again and again.
        self.known_topics: dict[str, Topic] | None = None
        self.known_roles: dict[str, int] | None = None  # organisation role slug: its order
        self.known_organisations: dict[str, Organisation | None] = {}
        self.known_sources: dict[str, Source | None] = {}
        self.slugs_in_file: set[str] = set()
        # What each row's meeting links to, from import_instance until after_save_instance
        # (by the meeting's id(), as an unsaved meeting cannot be a key); then the meetings saved.
        self.relations: dict[int, RowRelations] = {}
        self.free_slugs: set[int] = set()
        self.imported: list[tuple[Meeting, RowRelations]] = []

    def import_instance(self, instance: Meeting, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.message_dict)
        instance.status = Status.DRAFT
        instance.rebuild_countries_later = True  # for the whole file at once: link_imported()
        if instance.title and not instance.slug:
            suffix = f" {instance.start_date:%Y %m}" if isinstance(instance.start_date, datetime.date) else ""
            instance.slug = unique_slug(
                Meeting, instance.title + suffix, max_length=140, taken=self.slugs_in_file
            )
            self.free_slugs.add(id(instance))  # unique_slug has just asked the database
        elif instance.slug in self.slugs_in_file:
            errors.setdefault("slug", []).append(
                f"An earlier row of this file has the slug “{instance.slug}”."
            )
        self.slugs_in_file.add(instance.slug)
        self.relations[id(instance)] = self.read_relations(row, errors)
        if errors:
            raise ValidationError(errors)

    def before_import(self, dataset, **kwargs):
        """Read the organisations and sources the file names: a few queries for the whole file."""
        super().before_import(dataset, **kwargs)
        references, urls = set(), set()
        for row in dataset.dict:
            references |= {item.partition(":")[0].strip() for item in split(row.get("organisations"))}
            urls |= set(split(row.get("sources")))
        for chunk in chunks(sorted(references)):
            found = Organisation.objects.filter(models.Q(slug__in=chunk) | models.Q(acronym__in=chunk))
            for organisation in found.order_by("name", "pk"):
                for reference in (organisation.slug, organisation.acronym):
                    self.known_organisations.setdefault(reference, organisation)
        # A reference not found here may still be an acronym in another case: organisation() asks.
        for chunk in chunks(sorted(urls)):
            self.known_sources.update(dict.fromkeys(chunk))
            self.known_sources.update({source.url: source for source in Source.objects.filter(url__in=chunk)})

    def role_orders(self) -> dict[str, int]:
        """{slug: order} of the organisation roles, read once per import."""
        if self.known_roles is None:
            self.known_roles = dict(OrganisationRole.objects.values_list("slug", "order"))
        return self.known_roles

    def topic(self, slug: str) -> Topic | None:
        if self.known_topics is None:
            self.known_topics = {topic.slug: topic for topic in Topic.objects.all()}
        return self.known_topics.get(slug)

    def organisation(self, reference: str) -> Organisation | None:
        if reference not in self.known_organisations:
            self.known_organisations[reference] = Organisation.objects.filter(
                models.Q(slug=reference) | models.Q(acronym__iexact=reference)
            ).first()
        return self.known_organisations[reference]

    def source(self, url: str) -> Source | None:
        if url not in self.known_sources:
            self.known_sources[url] = Source.objects.filter(url=url).first()
        return self.known_sources[url]

    def read_relations(self, row, errors: dict[str, list[str]]) -> RowRelations:
        """Look up the topics, organisations and sources a row names; note what is unknown."""
        topic_slugs = split(row.get("topics"))
        topics = [topic for topic in map(self.topic, topic_slugs) if topic is not None]
        unknown = [slug for slug in topic_slugs if self.topic(slug) is None]
        if unknown:
            errors.setdefault("topics", []).append(f"Unknown topic: {', '.join(unknown)}.")

        links: list[tuple[Organisation, str]] = []
        for item in split(row.get("organisations")):
            reference, _, role = item.partition(":")
            role = role.strip().casefold() or MeetingOrganisation.Role.PARTICIPANT
            organisation = self.organisation(reference.strip())
            if organisation is None:
                errors.setdefault("organisations", []).append(f"Unknown organisation “{reference.strip()}”.")
            elif role not in self.role_orders():
                errors.setdefault("organisations", []).append(
                    f"Unknown role “{role}” (use {', '.join(self.role_orders())})."
                )
            elif (organisation, role) not in links:
                links.append((organisation, role))

        urls = list(dict.fromkeys(split(row.get("sources"))))
        known = [source for source in map(self.source, urls) if source is not None]
        new_urls = [url for url in urls if self.source(url) is None]
        publisher = str(row.get("source_publisher") or "").strip()
        if new_urls and not publisher:
            errors.setdefault("sources", []).append(
                f"Unknown source {', '.join(new_urls)}: add it first, or give its source_publisher."
            )
        elif new_urls:
            problem = control_character_message(publisher, "source_publisher")
            try:
                Source._meta.get_field("publisher").clean(publisher, None)
            except ValidationError as error:
                problem = problem or f"source_publisher: {' '.join(error.messages)}"
            if problem:
                errors.setdefault("source_publisher", []).append(problem)
        for url in new_urls:
            try:
                Source._meta.get_field("url").clean(url, None)
            except ValidationError:
                errors.setdefault("sources", []).append(f"“{url}” is not a valid address.")
        return RowRelations(topics, links, self.role_orders(), known, new_urls, publisher)

    def validate_instance(self, instance: Meeting, import_validation_errors=None, validate_unique=True):
        """The meeting's own validation, less its database constraints' checks.

        Django checks each constraint with a query of its own, which cost a file
        at the row cap more than everything else (and the country, already
        checked by ``CountryWidget``, against every country again). An
        imported meeting is a new draft with no follow-up or merge: of the
        constraints only "end not before start" can apply, and ``Meeting.clean``
        checks it; the database still enforces them all when the import is
        confirmed.
        """
        errors = dict(import_validation_errors or {})
        # CountryWidget has checked the countries, which the fields would compare with 249 choices
        # again, and CityWidget found the city; a slug that unique_slug made is free.
        exclude = [*errors, "country", "city", "visiting_country", "stated_countries"]
        if id(instance) in self.free_slugs:
            exclude.append("slug")
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Meeting, is_create, row, **kwargs):
        """Save the meeting and its relations, with one history entry; the preview saves nothing.

        Every check the preview makes is in ``import_instance`` and the
        meeting's own validation, so it need not write rows only to roll
        them back.
        """
        if self._is_dry_run(kwargs):
            return
        hold_version(instance)  # taken with its relations
        super().save_instance(instance, is_create, row, **kwargs)

    def after_save_instance(self, instance: Meeting, row, **kwargs):
        # Its relations are written with every other row's: after_import.
        self.imported.append((instance, self.relations.pop(id(instance))))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self.imported and not (result.has_errors() or result.has_validation_errors()):
            link_imported(self.imported, kwargs.get("user"))


@dataclass
class RowRelations:
    """What one row links its meeting to: known records, and the addresses of new sources."""

    topics: list[Topic]
    links: list[tuple[Organisation, str]]  # organisation and role slug
    role_orders: dict[str, int]  # {role slug: its order}
    sources: list[Source]
    new: list[str]
    publisher: str  # of the new sources


def link_imported(imported: list[tuple[Meeting, RowRelations]], user) -> None:
    """Write the imported meetings' organisations, topics, sources, countries, search documents and history.

    New drafts have no relations to replace and readers see none of them, so
    everything is written in bulk, a few queries for the whole file, which
    keeps an import at the row cap well inside a worker's time. Each meeting
    gets one history entry, with its topics and sources, like a save in the
    admin; the organisations' rows and new sources get theirs.
    """
    meetings = [meeting for meeting, _ in imported]
    new_sources: dict[str, Source] = {}
    for _, relations in imported:
        for url in relations.new:
            new_sources.setdefault(url, Source(url=url, publisher=relations.publisher))
    bulk_create_with_history(list(new_sources.values()), Source, default_user=user)
    links = [
        MeetingOrganisation(
            meeting=meeting,
            organisation=organisation,
            role_id=role,
            role_order=relations.role_orders[role],
        )
        for meeting, relations in imported
        for organisation, role in relations.links
    ]
    bulk_create_with_history(links, MeetingOrganisation, default_user=user)
    topic_rows, source_rows = [], []
    for meeting, relations in imported:
        topic_rows += [
            Meeting.topics.through(meeting=meeting, topic=t) for t in dict.fromkeys(relations.topics)
        ]
        sources = [*relations.sources, *(new_sources[url] for url in relations.new)]
        source_rows += [Meeting.sources.through(meeting=meeting, source=s) for s in dict.fromkeys(sources)]
    Meeting.topics.through.objects.bulk_create(topic_rows)
    Meeting.sources.through.objects.bulk_create(source_rows)

    organisations = {organisation for _, relations in imported for organisation, _ in relations.links}
    prefetch_related_objects(list(organisations), "other_names")
    for meeting, relations in imported:
        meeting.search_document = meeting.search_document_from(
            topics=[topic.name for topic in dict.fromkeys(relations.topics)],
            outcomes=[],
            organisations=sorted(
                {organisation for organisation, _ in relations.links}, key=lambda o: (o.name, o.pk)
            ),
            participations=[],
        )
    Meeting.objects.bulk_update(meetings, ["search_document"], batch_size=500)
    MeetingCountry.objects.rebuild([meeting.pk for meeting in meetings])

    versions = Meeting.history.bulk_history_create(meetings, default_user=user)
    version_of = {version.id: version for version in versions}
    for field, target, rows in (("topics", "topic_id", topic_rows), ("sources", "source_id", source_rows)):
        model = apps.get_model("events", f"HistoricalMeeting_{field}")
        model.objects.bulk_create(
            [
                model(
                    id=row.id,
                    meeting_id=row.meeting_id,
                    history=version_of[row.meeting_id],
                    **{target: getattr(row, target)},
                )
                for row in rows
            ]
        )


class CappedImportForm(ImportForm):
    """The upload form, which refuses a file over the size or row cap before anything reads it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"This file is {megabytes(upload.size)}; an import takes at most {megabytes(limit)}. "
                "Split it into smaller files."
            )
        try:
            text = upload.read().decode("utf-8-sig")
            rows = sum(1 for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row))
        except (UnicodeDecodeError, csv.Error) as error:
            raise ValidationError(f"This is not a CSV file in UTF-8 that can be read ({error}).") from None
        finally:
            upload.seek(0)
        rows -= 1  # the header
        if rows > settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                f"This file has {rows:,} rows; an import takes at most {settings.IMPORT_MAX_ROWS:,}. "
                "Split it into several files."
            )
        return upload


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class MeetingImportMixin(ImportMixin):
    """django-import-export's Import button on the meeting list, with all rows or none.

    The uploaded file is kept under a token only this session may confirm
    (``events.uploads``), and deleted once confirmed, once a preview fails,
    or an hour after upload.
    """

    resource_classes = [MeetingResource]
    formats = [CSV]
    import_form_class = CappedImportForm
    tmp_storage_class = uploads.SessionBoundUpload

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def import_action(self, request, **kwargs):
        uploads.clean_abandoned()
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(getattr(form, "cleaned_data", {}).get("import_file"), "tmp_storage_name", None)
        if upload and context.get("confirm_form") is not None:
            uploads.remember(request.session, upload)
        elif upload:
            uploads.discard(upload)  # the preview found errors: there is nothing to confirm
        return response

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        token = request.POST.get("import_file_name", "")
        if not uploads.claim(request.session, token):
            self.message_user(
                request,
                "Nothing was imported: this preview is no longer available (it was already imported, is "
                "over an hour old, or was not made in this session). Upload the file again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_meeting_import"))
        try:
            return super().process_import(request, **kwargs)
        finally:
            uploads.discard(token)

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
