"""The "New meeting from an article" page: the form, what the editor is told, and records added from it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import intake
from ..models import Meeting
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
            *super().get_urls(),
        ]

    def intake_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            article = intake.Article(**form.cleaned_data)
            with transaction.atomic():
                draft = intake.draft_meeting(article, request.user)
            for level, message in draft_messages(draft):
                self.message_user(request, message, level)
            return HttpResponseRedirect(admin_change_url(draft.meeting))
        context = {
            **self.admin_site.each_context(request),
            "title": "New meeting from an article",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/meeting/from_article.html", context)


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


def draft_messages(draft: intake.Draft) -> list[tuple[int, str]]:
    """What the intake found, for the editor: matched, created, and left to do."""
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
    if draft.unmatched_organisations:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:events_organisation_add")
                    + "?"
                    + candidate.query_string(meeting_id=meeting.pk),
                    candidate.label,
                )
                for candidate in draft.unmatched_organisations
            ),
        )
        result.append(
            (
                messages.WARNING,
                format_html(
                    "Not known yet, so not added: {}. Click one to create it; it is then added to the draft.",
                    links,
                ),
            )
        )
    unlinked = [p for p in draft.participants if p.person is None and p.participation is not None]
    if unlinked:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:events_person_add") + "?" + p.query_string(), p.name) for p in unlinked),
        )
        result.append(
            (
                messages.WARNING,
                format_html(
                    "Participants not matched to a known person: {}. If one is known under another spelling, "
                    "link them in the participants below (and add the spelling to the person's other names); "
                    "otherwise click to create the person.",
                    links,
                ),
            )
        )
    duplicates = meeting.likely_duplicates()
    if duplicates:
        result.append((messages.WARNING, duplicate_warning(duplicates)))
    return result


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
