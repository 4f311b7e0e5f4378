"""Cite this record: one CSL-JSON item per page, and every format made from it.

Each builder returns one dict in CSL-JSON's own fields (the citeproc
standard); the formatted reference, BibTeX, RIS and CSL-JSON downloads are
all written from that dict, so the four never disagree. The address cited is
the page's permanent one: renamed records keep answering at their old address
(events.models.FormerSlug), merged meetings at the meeting they joined.
"""

from __future__ import annotations

import datetime
import json
import re

from django.utils import timezone
from django.utils.dateformat import format as format_date

SITE_NAME = "Mine Action Cooperation Timeline"

# {format: (file suffix, content type)}; the suffix is also the format's name in the address.
FORMATS = {
    "bib": ("bib", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "json": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def _date_parts(day: datetime.date | None) -> dict | None:
    return {"date-parts": [[day.year, day.month, day.day]]} if day else None


def _item(key: str, title: str, genre: str, url: str, issued: datetime.date | None = None, **extra) -> dict:
    item = {
        "id": f"mact-{key}",
        "type": "webpage",
        "title": title,
        "genre": genre,
        "container-title": SITE_NAME,
        "publisher": SITE_NAME,
        "author": [{"literal": SITE_NAME}],
        "URL": url,
        "accessed": _date_parts(timezone.localdate()),
    }
    if issued:
        item["issued"] = _date_parts(issued)
    item.update({name: value for name, value in extra.items() if value})
    return item


def _changed(record) -> datetime.date | None:
    updated = getattr(record, "updated_at", None)
    return timezone.localdate(updated) if updated else None


def for_meeting(meeting, url: str) -> dict:
    return _item(
        f"meeting-{meeting.slug}",
        meeting.title,
        "Meeting record",
        url,
        _changed(meeting),
        **{"event-date": _date_parts(meeting.start_date), "event-place": meeting.place_display},
    )


def for_organisation(organisation, url: str) -> dict:
    return _item(
        f"organisation-{organisation.slug}",
        organisation.name,
        "Organisation profile",
        url,
        _changed(organisation),
    )


def for_person(person, url: str) -> dict:
    return _item(f"person-{person.slug}", person.name, "Person profile", url, _changed(person))


def for_country(country, url: str) -> dict:
    return _item(
        f"country-{country.code.lower()}", f"{country.name}: mine-action cooperation", "Country record", url
    )


def for_country_pair(first, second, url: str) -> dict:
    return _item(
        f"countries-{first.code.lower()}-{second.code.lower()}",
        f"{first.name} and {second.name}: mine-action cooperation",
        "Cooperation between two countries",
        url,
    )


def for_organisation_pair(first, second, url: str) -> dict:
    return _item(
        f"organisations-{first.slug}-{second.slug}",
        f"{first.short_name} and {second.short_name}: meetings together",
        "Cooperation between two organisations",
        url,
    )


# The formats, each from the one dict.


def _day(parts: dict | None) -> datetime.date | None:
    return datetime.date(*parts["date-parts"][0]) if parts else None


def accessed(item: dict) -> datetime.date:
    """The day the record was accessed: every item has one."""
    return datetime.date(*item["accessed"]["date-parts"][0])


def _long(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def reference(item: dict) -> str:
    """The reference as a reader would paste it into a report."""
    issued = _day(item.get("issued"))
    when = f"last changed {_long(issued)}." if issued else "n.d."  # "n.d." ends its own sentence
    seen = _long(accessed(item))
    return f"{SITE_NAME}. “{item['title']}.” {item['genre']}, {when} {item['URL']} (accessed {seen})."


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


def _bibtex_text(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(
            char, "\\" + char
        )

    return _BIBTEX_SPECIAL.sub(escape, text)


def bibtex(item: dict) -> str:
    day = accessed(item)
    issued = _day(item.get("issued"))
    fields = [
        ("title", "{" + _bibtex_text(item["title"]) + "}"),
        ("author", "{" + _bibtex_text(SITE_NAME) + "}"),
        ("organization", _bibtex_text(SITE_NAME)),
        ("howpublished", r"\url{" + item["URL"] + "}"),
        ("url", item["URL"]),
        *([("year", str(issued.year)), ("date", issued.isoformat())] if issued else []),
        ("urldate", day.isoformat()),
        ("note", f"{_bibtex_text(item['genre'])}. Accessed {_long(day)}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{item['id']},\n{body}\n}}\n"


def _ris_text(text: str) -> str:
    return " ".join(text.split())


def ris(item: dict) -> str:
    issued = _day(item.get("issued"))
    lines = [
        ("TY", "ELEC"),
        ("ID", item["id"]),
        ("TI", _ris_text(item["title"])),
        ("AU", SITE_NAME),
        ("PB", SITE_NAME),
        ("T2", SITE_NAME),
        ("M3", item["genre"]),
        *([("PY", str(issued.year)), ("DA", issued.strftime("%Y/%m/%d"))] if issued else []),
        ("Y2", accessed(item).strftime("%Y/%m/%d")),
        ("UR", item["URL"]),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}".rstrip() + "\r\n" for tag, value in lines)


def csl_json(item: dict) -> str:
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": bibtex, "ris": ris, "json": csl_json}


def download(item: dict, fmt: str) -> tuple[str, str, str]:
    """(body, content type, file name) of ``item`` in ``fmt``, one of FORMATS."""
    suffix, content_type = FORMATS[fmt]
    return WRITERS[fmt](item), content_type, f"{item['id']}.{suffix}"
