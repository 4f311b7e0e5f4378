"""New people and organisations typed in a meeting's inline rows, created when the meeting is saved.

A meeting with people and organisations not recorded yet used to take a
pass per record: create the organisation, then the person, then come back.
Each participant row (and each organisation row) has boxes for a new
person's full name and a new organisation's name and acronym; saving the
meeting creates them in the same transaction and links them. A name or
acronym that is already recorded is refused with the record to pick instead;
the same new organisation typed in several rows is created once.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q

from ..history import attribute
from ..models import MeetingOrganisation, Organisation, Participation, Person, unique_slug
from ..text import NoControlCharacters

BOTH = "Pick a known {noun} or type a new one, not both."


def normalise_space(value: str) -> str:
    return " ".join(value.split())


def new_organisation_key(name: str, acronym: str) -> set[str]:
    """What makes two typed organisations the same: the name or the acronym, case aside."""
    return {value.casefold() for value in (normalise_space(name), normalise_space(acronym)) if value}


def recorded_organisation(name: str, acronym: str) -> Organisation | None:
    """The organisation already recorded under this name, other name or acronym (one query)."""
    match = Q()
    for value in new_organisation_key(name, acronym):
        match |= Q(name__iexact=value) | Q(acronym__iexact=value) | Q(other_names__name__iexact=value)
    return Organisation.objects.filter(match).distinct().first() if match else None


def recorded_person(name: str) -> Person | None:
    """The person already recorded under this name or another spelling of it (one query)."""
    return Person.objects.filter(Q(name__iexact=name) | Q(other_names__name__iexact=name)).distinct().first()


class NewOrganisationFields(forms.ModelForm):
    """An inline row whose organisation may be typed as new: name, and acronym if it has one."""

    new_organisation_name = forms.CharField(
        required=False,
        max_length=300,
        label="New organisation",
        validators=[NoControlCharacters("The new organisation's name")],
        widget=forms.TextInput(
            attrs={
                "placeholder": "or new: full name",
                "class": "new-record",
                "aria-label": "New organisation: full name",
            }
        ),
    )
    new_organisation_acronym = forms.CharField(
        required=False,
        max_length=30,
        label="Its acronym",
        validators=[NoControlCharacters("The new organisation's acronym")],
        widget=forms.TextInput(
            attrs={
                "placeholder": "acronym",
                "class": "new-record acronym",
                "aria-label": "New organisation: acronym",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row must name its organisation one way or the other: picked, or typed as new.
        self.organisation_required = self.fields["organisation"].required
        self.fields["organisation"].required = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        name = normalise_space(cleaned.get("new_organisation_name") or "")
        acronym = normalise_space(cleaned.get("new_organisation_acronym") or "")
        cleaned["new_organisation_name"], cleaned["new_organisation_acronym"] = name, acronym
        if not (name or acronym):
            if (
                self.organisation_required
                and not cleaned.get("organisation")
                and "organisation" not in self.errors
            ):
                self.add_error("organisation", "Pick the organisation, or type a new one's name.")
            return cleaned
        if cleaned.get("organisation"):
            self.add_error("new_organisation_name", BOTH.format(noun="organisation"))
        elif not name:
            self.add_error("new_organisation_name", "Give the new organisation's full name too.")
        else:
            known = recorded_organisation(name, acronym)
            if known is not None:
                self.add_error(
                    "new_organisation_name", f"Already recorded as “{known}”: pick it in the list."
                )
        return cleaned

    def typed_organisation(self) -> tuple[str, str] | None:
        """The new organisation's (name, acronym) typed in this row, if any."""
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get("new_organisation_name"):
            return None
        return data["new_organisation_name"], data.get("new_organisation_acronym", "")


class MeetingOrganisationForm(NewOrganisationFields):
    class Meta:
        model = MeetingOrganisation
        fields = ["organisation", "role"]


class ParticipationForm(NewOrganisationFields):
    """A participant row: the name as written may be left empty when a person is picked or typed."""

    new_person = forms.CharField(
        required=False,
        max_length=200,
        label="New person",
        validators=[NoControlCharacters("The new person's name")],
        widget=forms.TextInput(
            attrs={
                "placeholder": "or a new one: full name",
                "class": "new-record",
                "aria-label": "New person: full name",
            }
        ),
    )

    class Meta:
        model = Participation
        fields = ["name_as_written", "person", "organisation", "title_as_stated", "role", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_as_written"].required = False
        self.fields[
            "name_as_written"
        ].help_text = "As the source spells it; left empty, the person's name is used."

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        new_person = normalise_space(cleaned.get("new_person") or "")
        cleaned["new_person"] = new_person
        if new_person:
            if cleaned.get("person"):
                self.add_error("new_person", BOTH.format(noun="person"))
            else:
                known = recorded_person(new_person)
                if known is not None:
                    self.add_error("new_person", f"Already recorded as “{known}”: pick them in the list.")
        if not cleaned.get("name_as_written"):
            person = cleaned.get("person")
            name = new_person or (person.name if person else "")
            if name:
                cleaned["name_as_written"] = name
            elif "name_as_written" not in self.errors:
                self.add_error("name_as_written", "Give the name as the source spells it.")
        return cleaned

    def typed_person(self) -> str:
        data = getattr(self, "cleaned_data", None) or {}
        return "" if data.get("DELETE") else data.get("new_person", "")


class TypedRecords:
    """The organisations and people typed in one save's rows, created once each (call in a transaction)."""

    def __init__(self, user):
        self.user = user
        self.organisations: list[tuple[set[str], Organisation]] = []
        self.from_participants: list[Organisation] = []

    def organisation(self, name: str, acronym: str) -> Organisation:
        key = new_organisation_key(name, acronym)
        for known_key, organisation in self.organisations:
            if key & known_key:
                return organisation
        organisation = Organisation(
            name=name, acronym=acronym, slug=unique_slug(Organisation, acronym or name)
        )
        attribute(organisation, self.user)
        organisation.full_clean()
        organisation.save()
        self.organisations.append((key, organisation))
        return organisation

    def person(self, name: str) -> Person:
        person = Person(name=name, slug=unique_slug(Person, name))
        attribute(person, self.user)
        person.full_clean()
        person.save()
        return person

    def create(self, formsets) -> None:
        """Create what the rows typed and link each row to it, before the rows are saved."""
        for formset in formsets:
            for form in formset.forms:
                if isinstance(form, NewOrganisationFields) and (typed := form.typed_organisation()):
                    form.instance.organisation = self.organisation(*typed)
                    if isinstance(form, ParticipationForm):
                        self.from_participants.append(form.instance.organisation)
                if isinstance(form, ParticipationForm) and (name := form.typed_person()):
                    form.instance.person = self.person(name)

    def list_on_meeting(self, meeting) -> None:
        """A new organisation typed for a participant takes part in the meeting: list it if it is not."""
        listed = set(meeting.organisation_roles.values_list("organisation_id", flat=True))
        for organisation in self.from_participants:
            if organisation.pk not in listed:
                MeetingOrganisation.objects.create(
                    meeting=meeting, organisation=organisation, role=MeetingOrganisation.Role.PARTICIPANT
                )
                listed.add(organisation.pk)
