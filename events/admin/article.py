"""The "New meeting from an article" page: the form, what the editor is told, and records added from it.

What the drafting found is kept with the draft (``IntakeSummary``) and shown
on its change form until an editor dismisses it, so the links that create
the organisations and people not known yet outlive the first page load.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import intake
from ..history import attribute
from ..intake.proposal import url_variants
from ..models import (
    DuplicateCandidate,
    IntakeSummary,
    Meeting,
    MeetingOrganisation,
    Organisation,
    Participation,
    Person,
)
from ..text import NoControlCharacters
from .base import AdminBase, admin_change_url
from .duplicates import duplicate_warning


class ArticleIntakeMixin(AdminBase):
    """The meeting admin's page that drafts a meeting from a pasted article (see events.intake)."""

    def get_urls(self):
        return [
            path(
                "from-article/",
                self.admin_site.admin_view(self.intake_view),
                name="events_meeting_from_article",
            ),
            path(
                "<path:object_id>/intake-summary/dismiss/",
                self.admin_site.admin_view(self.dismiss_intake_summary_view),
                name="events_meeting_dismiss_intake_summary",
            ),
            path(
                "<path:object_id>/intake-summary/add/<str:kind>/<int:index>/",
                self.admin_site.admin_view(self.add_mentioned_view),
                name="events_meeting_add_mentioned",
            ),
            *super().get_urls(),
        ]

    def intake_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleForm(request.POST or None)
        recorded: list[DuplicateCandidate] = []
        if request.method == "POST" and form.is_valid():
            values = dict(form.cleaned_data)
            draft_anyway = values.pop("draft_anyway")
            article = intake.Article(**values)
            proposal = intake.propose(article)
            recorded = [] if draft_anyway else already_recorded(article, proposal)
            if recorded:
                form.ask_before_drafting()
            else:
                with transaction.atomic():
                    draft = intake.draft_meeting(article, request.user, proposal=proposal)
                    IntakeSummary.objects.create(meeting=draft.meeting, findings=summary_findings(draft))
                self.message_user(
                    request,
                    format_html(
                        "Drafted “{}” from the article. What was found, and the sentence each field came "
                        "from, is shown above the form until you dismiss it.",
                        draft.meeting.title,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(admin_change_url(draft.meeting))
        context = {
            **self.admin_site.each_context(request),
            "title": "New meeting from an article",
            "opts": self.opts,
            "form": form,
            "recorded_meetings": recorded,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/meeting/from_article.html", context)

    def dismiss_intake_summary_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        meeting = get_object_or_404(Meeting, pk=object_id) if str(object_id).isdigit() else None
        if meeting is None or not self.has_change_permission(request, meeting):
            raise PermissionDenied
        IntakeSummary.objects.filter(meeting=meeting).delete()
        return HttpResponseRedirect(admin_change_url(meeting))

    def add_mentioned_view(self, request, object_id, kind, index):
        """Add someone or something the article only mentioned to the draft, with one click."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        meeting = get_object_or_404(Meeting, pk=object_id) if str(object_id).isdigit() else None
        if meeting is None or not self.has_change_permission(request, meeting):
            raise PermissionDenied
        summary = get_object_or_404(IntakeSummary, meeting=meeting)
        mentioned = summary.findings.get(f"also_mentioned_{kind}", [])
        if kind not in ("organisations", "people") or not 0 <= index < len(mentioned):
            raise PermissionDenied
        with transaction.atomic():
            added = add_mentioned(meeting, kind, mentioned[index], request.user)
        if added:
            meeting.refresh_search_document()
            self.message_user(request, format_html("Added “{}” to this draft.", added), messages.SUCCESS)
        return HttpResponseRedirect(admin_change_url(meeting))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            summary = IntakeSummary.objects.filter(meeting=obj).first()
            context["intake_summary"] = intake_summary_shown(summary) if summary is not None else None
            adminform = context.get("adminform")
            if summary is not None and adminform is not None:
                show_evidence_beside_fields(adminform.form, context["intake_summary"]["evidence"])
        return super().render_change_form(request, context, add, change, form_url, obj)


def show_evidence_beside_fields(form, evidence: list[dict]) -> None:
    """Under each proposed field, the sentence of the article it came from."""
    for row in evidence:
        field = form.fields.get(row["field"])
        if field is None:
            continue
        if not row["sentence"]:
            said = "nothing (the field was left as it was)"
        elif row["field"] == "topics":
            said = row["sentence"]  # the words found, each quoted already
        else:
            said = f"“{row['sentence']}”"
        field.help_text = format_html("{}<br>From the article: {}", field.help_text, said)


def add_mentioned(meeting: Meeting, kind: str, entry: dict, user) -> str:
    """Add an organisation (as a participant) or a person the article mentioned; what was added, or ""."""
    if kind == "organisations":
        pk = entry.get("organisation")
        organisation = Organisation.objects.filter(pk=pk).first() if pk else None
        if organisation is None or meeting.organisation_roles.filter(organisation=organisation).exists():
            return ""
        row = MeetingOrganisation(
            meeting=meeting, organisation=organisation, role_id=MeetingOrganisation.Role.PARTICIPANT
        )
        attribute(row, user, "Added from the article's mentions")
        row.save()
        return str(organisation)
    person = Person.objects.filter(pk=entry["person"]).first() if entry.get("person") else None
    last = meeting.participations.order_by("-order").values_list("order", flat=True).first()
    participation = Participation(
        meeting=meeting,
        name_as_written=entry["name"][:200],
        person=person,
        title_as_stated=entry.get("title", "")[:300],
        order=(last or 0) + 1,
    )
    attribute(participation, user, "Added from the article's mentions")
    participation.save()
    return entry["name"]


def already_recorded(article: intake.Article, proposal: intake.Proposal) -> list[DuplicateCandidate]:
    """Meetings that cite the article (its address or headline) or are likely the event it reports (queries).

    The same test as the meeting form's duplicate question, on the drafted
    date, country and known organisations, so a report already recorded
    under another address is caught before a second draft is made.
    """
    candidates = Meeting.objects.likely_duplicates(
        start_date=proposal.date.start,
        end_date=proposal.date.end,
        country=proposal.country or "",
        organisation_ids={f.organisation.pk for f in proposal.known_organisations if f.organisation},
        source_urls=url_variants(article.url),
    )
    found = {candidate.meeting.pk: candidate for candidate in candidates}
    if article.title.strip():
        same_headline = Meeting.objects.filter(
            sources__title__iexact=article.title.strip(), merged_into__isnull=True
        ).distinct()
        for meeting in same_headline:
            found.setdefault(meeting.pk, DuplicateCandidate(meeting)).reasons.append(
                "cites the same headline"
            )
    return list(found.values())


class ArticleForm(forms.Form):
    url = forms.URLField(label="Address of the article", max_length=1000, assume_scheme="https")
    publisher = forms.CharField(
        max_length=200,
        help_text="The outlet that published it, e.g. AzerNews.",
        validators=[NoControlCharacters("Publisher")],
    )
    republished_by = forms.CharField(
        max_length=200,
        required=False,
        help_text="A wire service or aggregator that carried it, e.g. MENAFN.",
        validators=[NoControlCharacters("Republished by")],
    )
    published_on = forms.DateField(
        label="Publication date",
        help_text="As YYYY-MM-DD. Used for the meeting's date when the text gives none.",
    )
    title = forms.CharField(
        label="Headline", max_length=500, required=False, validators=[NoControlCharacters("Headline")]
    )
    language = forms.CharField(
        max_length=10,
        initial="en",
        help_text="ISO 639-1 code, e.g. en, az, km.",
        validators=[NoControlCharacters("Language")],
    )
    text = forms.CharField(
        label="Text of the article",
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="Paste the article's text. It is read to draft the meeting and is not stored.",
        # Names, titles and dates are copied from it into the records.
        validators=[NoControlCharacters("The text of the article", multi_line=True)],
    )
    draft_anyway = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Draft it anyway",
        help_text="Tick this only after opening the meetings listed above: it is a different event.",
    )

    def ask_before_drafting(self) -> None:
        """Show the "draft it anyway" box, for an article already recorded."""
        self.fields["draft_anyway"].widget = forms.CheckboxInput()


def draft_messages(draft: intake.Draft) -> list[tuple[int, str]]:
    """What the intake found, for the editor: matched, created, likely duplicates.

    The links that create the records not known yet are kept beside it in
    the summary (``summary_findings``), so the form can drop those followed.
    """
    meeting = draft.meeting
    result: list[tuple[int, str]] = []
    source_text = (
        "Found the article among the sources" if draft.source_existed else "Added the article as a source"
    )
    result.append(
        (
            messages.SUCCESS,
            format_html(
                "Drafted “{}” from the article. {}. Check every field against the article, correct what is "
                "wrong, then submit it for review.",
                meeting.title,
                source_text,
            ),
        )
    )
    found = []
    if draft.organisations:
        found.append(
            format_html(
                "organisations: {}",
                ", ".join(f"{m.label} ({m.role_label}, as “{m.as_written}”)" for m in draft.organisations),
            )
        )
    if draft.participants:
        found.append(
            format_html(
                "people: {}",
                "; ".join(
                    p.name
                    + (f" = {p.person.name}" if p.person and p.person.name != p.name else "")
                    + (f" ({p.title})" if p.title else "")
                    for p in draft.participants
                ),
            )
        )
    if draft.countries:
        found.append(format_html("countries: {}", ", ".join(country.name for country in draft.countries)))
    found.append(format_html("date: {} ({})", meeting.date_display, draft.date_evidence))
    if draft.topics:
        found.append(
            format_html(
                "topics: {}",
                ", ".join(f"{t.topic.name} (“{'”, “'.join(t.keywords)}”)" for t in draft.topics),
            )
        )
    if draft.weak_topics:
        found.append(
            format_html(
                "mentioned once, not added: {}",
                ", ".join(f"{t.topic.name} (“{'”, “'.join(t.keywords)}”)" for t in draft.weak_topics),
            )
        )
    if draft.delegation is not None:
        verb = "linked the existing" if draft.delegation_existed else "drafted the"
        found.append(
            format_html(
                '{} delegation <a href="{}">{}</a>',
                verb,
                admin_change_url(draft.delegation),
                draft.delegation,
            )
        )
    result.append(
        (
            messages.INFO,
            format_html(
                "Found:<br>{}", format_html_join(mark_safe("<br>"), "{}", ((item,) for item in found))
            ),
        )
    )
    duplicates = meeting.likely_duplicates()
    if duplicates:
        result.append((messages.WARNING, duplicate_warning(duplicates)))
    return result


def summary_findings(draft: intake.Draft) -> dict:
    """What the change form keeps showing: the summary, the records to create, the evidence (JSON)."""
    meeting, proposal = draft.meeting, draft.proposal
    messages_kept = [(level, str(message)) for level, message in draft_messages(draft)]
    organisations = [
        {
            "label": candidate.label,
            "name": candidate.name,
            "acronym": candidate.acronym,
            "url": reverse("admin:events_organisation_add")
            + "?"
            + candidate.query_string(meeting_id=meeting.pk),
        }
        for candidate in draft.unmatched_organisations
    ]
    people = [
        {
            "name": p.name,
            "participation": p.participation.pk,
            "url": reverse("admin:events_person_add") + "?" + p.query_string(),
        }
        for p in draft.participants
        if p.person is None and p.participation is not None
    ]
    place = meeting.place_display
    evidence = [
        ("kind", "Kind", meeting.get_kind_display(), proposal.kind_evidence),
        ("start_date", "Date", meeting.date_display, proposal.date.evidence),
        ("country", "Place", place, proposal.place_evidence),
    ]
    if draft.delegation is not None and proposal.trip is not None:
        evidence.append(("delegation", "Trip", str(draft.delegation), proposal.trip.evidence))
    if proposal.topics:
        words = ", ".join(f"“{keyword}”" for match in proposal.topics for keyword in match.keywords)
        names = ", ".join(match.topic.name for match in proposal.topics)
        evidence.append(("topics", "Topics", names, f"the words {words}"))
    return {
        "messages": messages_kept,
        "organisations": organisations,
        "people": people,
        "evidence": [
            {"field": field, "label": label, "value": value, "sentence": sentence}
            for field, label, value, sentence in evidence
        ],
        "organisation_evidence": [
            {"label": f.label, "role": f.role_label, "sentence": f.evidence} for f in proposal.organisations
        ],
        "participant_evidence": [
            {"name": p.name, "title": p.title_as_stated, "sentence": p.evidence}
            for p in proposal.participants
        ],
        "outcome_evidence": [{"label": o.label, "sentence": o.text} for o in proposal.outcomes],
        "also_mentioned_organisations": [
            {
                "label": f.label,
                "organisation": f.organisation.pk if f.organisation is not None else None,
                "name": f.new.name if f.new is not None else "",
                "acronym": f.new.acronym if f.new is not None else "",
                "url": reverse("admin:events_organisation_add")
                + "?"
                + f.new.query_string(meeting_id=meeting.pk)
                if f.new is not None
                else "",
                "sentence": f.evidence,
            }
            for f in proposal.also_mentioned_organisations
        ],
        "also_mentioned_people": [
            {
                "name": p.name,
                "title": p.title_as_stated,
                "person": p.person.pk if p.person is not None else None,
                "sentence": p.evidence,
            }
            for p in proposal.also_mentioned_people
        ],
    }


def organisations_still_new(candidates: list[dict]) -> list[dict]:
    """The candidates no organisation is recorded under yet, by name, other name or acronym (a query)."""
    if not candidates:
        return []
    known = Q()
    for candidate in candidates:
        if candidate.get("acronym"):
            known |= Q(acronym__iexact=candidate["acronym"])
        if candidate.get("name"):
            known |= Q(name__iexact=candidate["name"]) | Q(other_names__name__iexact=candidate["name"])
    names: set[str] = set()
    for name, acronym in Organisation.objects.filter(known).values_list("name", "acronym").distinct():
        names |= {name.casefold(), acronym.casefold()} - {""}
    return [
        c
        for c in candidates
        if not ({c.get("name", "").casefold(), c.get("acronym", "").casefold()} - {""}) & names
    ]


def add_url(meeting_id: int, kind: str, index: int) -> str:
    return reverse("admin:events_meeting_add_mentioned", args=[meeting_id, kind, index])


def intake_summary_shown(summary: IntakeSummary) -> dict:
    """The kept summary as the change form shows it: what was followed or added is dropped (queries)."""
    findings = summary.findings
    organisations = organisations_still_new(findings.get("organisations", []))
    people = findings.get("people", [])
    if people:
        # Still offered: participants still on the meeting and still not linked to a person.
        unlinked = set(
            Participation.objects.filter(
                pk__in=[p["participation"] for p in people], person__isnull=True
            ).values_list("pk", flat=True)
        )
        people = [p for p in people if p["participation"] in unlinked]
    meeting_id = summary.meeting_id
    listed = set(
        MeetingOrganisation.objects.filter(meeting_id=meeting_id).values_list("organisation_id", flat=True)
    )
    taking_part = list(
        Participation.objects.filter(meeting_id=meeting_id).values_list("person_id", "name_as_written")
    )
    people_on_meeting = {pk for pk, _ in taking_part if pk} | {name.casefold() for _, name in taking_part}
    all_organisations = findings.get("also_mentioned_organisations", [])
    unknown = organisations_still_new([entry for entry in all_organisations if not entry.get("organisation")])
    mentioned = []
    for index, entry in enumerate(all_organisations):
        # A known one not listed yet is added with a button; an unknown one is offered while still unknown.
        if (entry["organisation"] in listed) if entry.get("organisation") else (entry not in unknown):
            continue
        mentioned.append(
            {**entry, "kind": "organisations", "add_url": add_url(meeting_id, "organisations", index)}
        )
    for index, entry in enumerate(findings.get("also_mentioned_people", [])):
        if entry.get("person") in people_on_meeting or entry["name"].casefold() in people_on_meeting:
            continue
        mentioned.append({**entry, "kind": "people", "add_url": add_url(meeting_id, "people", index)})
    return {
        "also_mentioned": mentioned,
        # Written by format_html when the draft was made, so already escaped.
        "messages": [(level, mark_safe(text)) for level, text in findings.get("messages", [])],
        "organisations": organisations,
        "people": people,
        "evidence": findings.get("evidence", []),
        "organisation_evidence": findings.get("organisation_evidence", []),
        "participant_evidence": findings.get("participant_evidence", []),
        "outcome_evidence": findings.get("outcome_evidence", []),
        "dismiss_url": reverse("admin:events_meeting_dismiss_intake_summary", args=[summary.meeting_id]),
    }


class AttachToMeetingMixin(AdminBase):
    """Records created from an article's "create" links attach themselves to the draft.

    Intake links to the add form with ``?for_meeting=<id>`` (organisations) or
    ``?for_participation=<id>`` (people); the admin keeps the query string
    when it posts the form, so after saving we link the new record and go
    back to the meeting.
    """

    def attach(self, request, obj) -> Meeting | None:
        raise NotImplementedError

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" not in request.POST and "_continue" not in request.POST:
            meeting = self.attach(request, obj)
            if meeting is not None:
                meeting.refresh_search_document()
                self.message_user(
                    request,
                    format_html("Added “{}” to the draft “{}”.", obj, meeting.title),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(admin_change_url(meeting))
        return super().response_add(request, obj, post_url_continue)

    def editable_meeting(self, request, meeting_id: str | None) -> Meeting | None:
        if not meeting_id or not meeting_id.isdigit():
            return None
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        meeting_admin = self.admin_site.get_model_admin(Meeting)
        if meeting is None or not meeting_admin.has_change_permission(request, meeting):
            return None
        return meeting
