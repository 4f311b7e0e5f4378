"""The API against its own OpenAPI schema: fuzzed by schemathesis, and checked with real records."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mineaction.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# The schema as the running app serves it; making it reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Keep the test's database connection open across requests, as Django's test client does.

    The WSGI handler closes connections when a request finishes, and inside a test's
    transaction it sees one as unusable, so PostgreSQL would lose the test data.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case, records):
    case.call_and_validate(checks=CHECKS)


REAL_REQUESTS = [
    ("/api/meetings/", {}, {}),
    ("/api/meetings/", {}, {"country": ["TH", "KH"], "topic": ["joint-training"], "page_size": 1, "page": 1}),
    ("/api/meetings/", {}, {"q": "TMAC", "sort": "relevance", "year": 2024}),
    ("/api/meetings/", {}, {"country": ["XX"]}),  # 400
    ("/api/meetings/", {}, {"page": 99}),  # 404
    ("/api/meetings/{slug}/", {"slug": "anama-meets-tmac"}, {}),
    ("/api/meetings/{slug}/", {"slug": "second-round"}, {}),
    ("/api/meetings/{slug}/", {"slug": "draft-visit"}, {}),  # 404
    ("/api/delegations/", {}, {}),
    ("/api/delegations/{slug}/", {"slug": "trip"}, {}),
    ("/api/organisations/", {}, {"page_size": 2}),
    ("/api/organisations/", {}, {"country": ["TH", "AZ"], "kind": ["national_authority"], "q": "mine"}),
    ("/api/organisations/", {}, {"kind": ["spaceship"]}),  # 400
    ("/api/organisations/{slug}/", {"slug": "anama"}, {}),
    ("/api/people/", {}, {}),
    ("/api/people/{slug}/", {"slug": "vugar-suleymanov"}, {}),
    ("/api/topics/", {}, {}),
    ("/api/topics/{slug}/", {"slug": "joint-training"}, {}),
    ("/api/countries/", {}, {}),
    ("/api/countries/{code}/", {"code": "TH"}, {}),
    ("/api/countries/{code}/", {"code": "QQ"}, {}),  # 404
]


@pytest.mark.parametrize(("path", "path_parameters", "query"), REAL_REQUESTS)
def test_real_records_answer_as_documented(records, path, path_parameters, query):
    """Random slugs rarely name a record; these do, so every field of every record is checked."""
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
    case.call_and_validate(checks=CHECKS)
