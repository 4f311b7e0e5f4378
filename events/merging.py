"""Merging a duplicate meeting into the one that is kept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from .history import attribute
from .models import Meeting, OutcomeStatusChange, Status


def merge_meeting(duplicate: Meeting, target: Meeting, user) -> None:
    """Fold ``duplicate`` into ``target`` as ``user``, keeping every fact and a trace of each move.

    Participants, organisations, outcomes, topics, sources and the countries
    stated as taking part move to the kept meeting (a row the kept meeting already has is dropped, and its
    deletion recorded in the history); meetings that followed up the
    duplicate now follow up the kept one. The duplicate stays in the
    database, withdrawn, pointing at the kept one so that its address
    redirects. Raises PermissionDenied or ValidationError.
    """
    if not user.has_perm("events.merge_meeting"):
        raise PermissionDenied("You may not merge meetings.")
    if target.pk == duplicate.pk:
        raise ValidationError("A meeting cannot be merged into itself.")
    if duplicate.merged_into_id is not None:
        raise ValidationError(f"“{duplicate.title}” was already merged into another meeting.")
    if target.final_merge_target.pk == duplicate.pk or target.merged_into_id is not None:
        raise ValidationError(f"“{target.title}” was itself merged away; merge into the meeting it became.")
    reason = f"Merged “{duplicate.title}” ({duplicate.slug}) into “{target.title}” ({target.slug})"
    with transaction.atomic():
        kept_roles = set(target.organisation_roles.values_list("organisation_id", "role_id"))
        for link in duplicate.organisation_roles.all():
            attribute(link, user, reason)
            if (link.organisation_id, link.role_id) in kept_roles:
                link.delete()
            else:
                link.meeting = target
                link.save()
        kept_people = {
            (p.person_id or None, " ".join(p.name_as_written.casefold().split()))
            for p in target.participations.all()
        }
        kept_person_ids = {person_id for person_id, _ in kept_people if person_id}
        kept_names = {name for _, name in kept_people}
        order = (target.participations.aggregate(last=models.Max("order"))["last"] or 0) + 1
        for participation in duplicate.participations.all():
            attribute(participation, user, reason)
            name = " ".join(participation.name_as_written.casefold().split())
            if participation.person_id in kept_person_ids or name in kept_names:
                participation.delete()
                continue
            participation.meeting, participation.order = target, order
            participation.save()
            order += 1
        for outcome in duplicate.outcomes.all():
            attribute(outcome, user, reason)
            outcome.meeting = target
            outcome.save()
        # A later step in what became of a promise now points at the meeting that stays.
        for change in OutcomeStatusChange.objects.filter(meeting=duplicate):
            attribute(change, user, reason)
            change.meeting = target
            change.save()
        attribute(target, user, reason)
        target.topics.add(*duplicate.topics.all())
        target.sources.add(*duplicate.sources.all())
        for follow_up in Meeting.objects.filter(follow_up_of=duplicate):
            attribute(follow_up, user, reason)
            follow_up.follow_up_of = None if follow_up.pk == target.pk else target
            follow_up.save(update_fields=["follow_up_of", "updated_at"])
        if target.follow_up_of_id is None and duplicate.follow_up_of_id not in (None, target.pk):
            target.follow_up_of_id = duplicate.follow_up_of_id
            target.save(update_fields=["follow_up_of", "updated_at"])
        # The countries either report gives take part in the one meeting.
        stated = [country.code for country in [*target.stated_countries, *duplicate.stated_countries]]
        visiting = target.visiting_country or duplicate.visiting_country
        if len(set(stated)) > len(target.stated_countries) or visiting != target.visiting_country:
            target.stated_countries, target.visiting_country = list(dict.fromkeys(stated)), visiting
            target.save(update_fields=["stated_countries", "visiting_country", "updated_at"])
        # A place only the duplicate's report gives (in the same country) is the meeting's place.
        missing_place = not (target.city_id or target.venue) and target.mode != "online"
        if missing_place and (duplicate.city_id or duplicate.venue) and target.country == duplicate.country:
            target.city_id, target.venue = duplicate.city_id, duplicate.venue
            target.save(update_fields=["city", "venue", "updated_at"])
        attribute(duplicate, user, reason)
        duplicate.status, duplicate.merged_into = Status.WITHDRAWN, target
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    target.refresh_search_document()
    duplicate.refresh_search_document()
