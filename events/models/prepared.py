"""Reads whose SQL is compiled once per connection and run again with other values (a meeting page's)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class Compiled:
    """A queryset's SQL and parameters, where the markers stand, and how its rows become instances."""

    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]
    compiler: SQLCompiler
    converters: dict
    model: type[Model]
    init_list: list[str]
    fields: slice
    populators: list
    annotations: dict[str, int]


class PreparedRead:
    """The model instances ``build(**markers)``'s queryset reads, for other values in place of the
    markers: its SQL is compiled once per database connection and kept.

    Compiling a queryset to SQL (resolving lookups, joins, columns, converters) costs more than
    running a small query on an indexed column; a page that reads the same few shapes of query on
    every request compiles them once. Each marker is an unlikely value of a parameter's type (a
    slug, an id) that ``build`` uses once or more; the queryset's SQL must not depend on the data,
    and its prefetch_related() lookups are not followed.
    """

    def __init__(self, build: Callable[..., QuerySet], **markers):
        self.build = build
        self.markers = markers

    def statement(self, using: str, **values) -> tuple[str, list]:
        """The SQL and its parameters, ``values`` (by marker name) in place of the markers."""
        compiled = self.compiled(using)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        return compiled.sql, params

    def instances(self, using: str, rows: Iterable) -> list:
        """The statement's raw ``rows`` as model instances with their select_related() records and
        annotations, as iterating the queryset makes them."""
        compiled = self.compiled(using)
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        made = []
        for row in rows:
            instance = compiled.model.from_db(using, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    def compiled(self, using: str) -> Compiled:
        """This read compiled for the connection ``using`` names in this thread, kept by the connection
        (its compiler holds the connection: kept elsewhere, neither could be let go)."""
        kept = connections[using].__dict__.setdefault("prepared_reads", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self.compile(using)
        return compiled

    def compile(self, using: str) -> Compiled:
        queryset = self.build(**self.markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = tuple(
            (position, name)
            for position, param in enumerate(params)
            for name, marker in self.markers.items()
            if type(param) is type(marker) and param == marker
        )
        if {name for _, name in slots} != set(self.markers):
            raise ValueError(f"Some markers are not parameters of {queryset.model.__name__}'s query.")
        select, klass_info = compiler.select, compiler.klass_info
        columns = klass_info["select_fields"]
        return Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[columns[0] : columns[-1] + 1]],
            fields=slice(columns[0], columns[-1] + 1),
            populators=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map),
        )


def read_prepared(using: str, reads: list[tuple[PreparedRead, dict]]) -> list[list]:
    """Each read's instances for its values, the statements sent together in one pipeline on
    PostgreSQL (run_together()), one after another elsewhere. On PostgreSQL each statement is also
    prepared on the connection, so the database plans it once per connection, not on every request."""
    statements = [read.statement(using, **values) for read, values in reads]
    results = run_together(connections[using], statements, prepare=True)
    return [read.instances(using, rows) for (read, _), rows in zip(reads, results, strict=True)]


def run_together(
    connection, statements: Sequence[tuple[str, list] | None], *, prepare: bool = False
) -> list[list[tuple]]:
    """The raw rows of each statement (none for None, a query that can match nothing).

    On PostgreSQL the statements go out together in one pipeline: two round trips between the
    worker and the database (the results, then the pipeline's end) rather than one each; on a busy
    machine each round trip waits for both processes to be scheduled. Elsewhere they run one after
    another. With ``prepare``, on PostgreSQL, each is sent with its parameters apart and kept as a
    prepared statement of the connection (preparing_cursor()): a small query's plan can cost the
    database more than running it."""
    connection.ensure_connection()
    results: list[list[tuple]] = []
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for statement in statements:
                if statement is None:
                    results.append([])
                else:
                    cursor.execute(*statement)
                    results.append(cursor.fetchall())
        return results
    open_cursor = preparing_cursor if prepare else lambda connection: connection.cursor()
    with connection.connection.pipeline(), open_cursor(connection) as first:
        cursors = [first, *(open_cursor(connection) for _ in statements[1:])]
        for cursor, statement in zip(cursors, statements, strict=True):
            if statement is not None:
                cursor.execute(*statement)
        for cursor, statement in zip(cursors, statements, strict=True):
            results.append(cursor.fetchall() if statement is not None else [])
        for cursor in cursors[1:]:
            cursor.close()
    return results


def preparing_cursor(connection):
    """A cursor of ``connection`` (PostgreSQL) that sends its parameters apart from the SQL and asks
    the database to keep each statement prepared, wrapped as Django wraps its own (queries logged
    and counted, execute wrappers run).

    Django binds parameters in the client and prepares nothing by default, so that connection
    poolers work (prepare_threshold); only these reads, whose SQL is kept (PreparedRead), are
    prepared. The connection keeps up to psycopg's ``prepared_max`` of them, the least used
    dropped first."""
    if connection.connection.prepare_threshold is None:
        # None prepares nothing, even when asked; Django's cursors bind in the client and never prepare.
        connection.connection.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    raw = preparing_cursor_class()(connection.connection)
    connection.validate_thread_sharing()
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def preparing_cursor_class() -> type:
    """Django's cursor that binds parameters in the database, each statement it runs prepared (the
    PostgreSQL backend is imported only when a PostgreSQL connection asks for it)."""
    global _preparing_cursor_class
    if _preparing_cursor_class is None:
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            ServerBindingCursor,
        )

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                super().execute(query, params, prepare=True, binary=binary)
                # psycopg keeps no text of a prepared statement's run, where Django's query log reads it.
                self._query = LoggedQuery(self.connection, query, params)
                return self

        _preparing_cursor_class = PreparingCursor
    return _preparing_cursor_class


_preparing_cursor_class: type | None = None


class LoggedQuery:
    """A prepared statement's run as Django's query log reads it (a cursor's ``_query.query``): the
    SQL with its parameters written in, made only when read (debug, tests, bench/profile.py)."""

    def __init__(self, connection, sql: str, params) -> None:
        self.connection, self.sql, self.params = connection, sql, params

    @property
    def query(self) -> bytes:
        from psycopg import ClientCursor

        return ClientCursor(self.connection).mogrify(self.sql, self.params).encode()


PREPARE_ONLY_WHEN_ASKED = 2**62  # executions before psycopg would prepare a statement unasked
