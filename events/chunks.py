"""Reading every matching meeting a chunk at a time, for the downloads (CSV and iCalendar).

One streaming query reads the records; for each chunk, what hangs off its
meetings (their sources, the CSV's list columns) is one query more, with the
chunk's ids sent as a single parameter (OneOf). Memory stays flat however
many meetings match.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import BooleanField, Expression, F

from .models import Meeting

# Records read at a time.
CHUNK_SIZE = 2000


class OneOf(Expression):
    """``column`` is one of ``ids``, sent as a single parameter rather than one per id.

    An ``__in`` lookup prepares and binds every id separately, which cost a
    large export more time than the database did (and SQLite allows only so
    many parameters); an array (PostgreSQL) or a JSON list (SQLite) is one
    parameter however long it is.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: Iterable[int]):
        super().__init__()
        self.column, self.ids = F(column), [int(pk) for pk in ids]

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column_sql, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{column_sql} = ANY(%s)", [*params, self.ids]
        return f"{column_sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


def in_chunks(queryset) -> Iterator[list]:
    """The queryset's records, CHUNK_SIZE at a time, from one streaming query."""
    records = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(records, CHUNK_SIZE)):
        yield chunk


def grouped(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """{id: [text, ...]} from (id, text) rows, keeping their order."""
    groups: dict[int, list[str]] = defaultdict(list)
    for key, text in rows:
        groups[key].append(text)
    return groups


def source_urls(meeting_ids: list[int]) -> dict[int, list[str]]:
    """{meeting id: its sources' URLs, the latest published first}, for these meetings; one query."""
    return grouped(
        Meeting.sources.through.objects.filter(OneOf("meeting_id", meeting_ids))
        .order_by(F("source__published_on").desc(nulls_last=True), "source_id")
        .values_list("meeting_id", "source__url")
    )
