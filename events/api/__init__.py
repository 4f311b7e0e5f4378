"""The read-only JSON API under /api/: published records, with the timeline's filters.

The meetings list takes the timeline's own FilterSet (``events.filters.MeetingFilter``)
the organisations list the organisation index's (``OrganisationFilter``) and
the commitments list the commitments page's (``CommitmentFilter``),
through django-filter's DRF backend, so a query string gives the same records
here as on the page. The page drops a bad value with a notice; the API refuses
it instead, with 400 and the problems by parameter. Lists are paginated by page
number over orders that end in a unique tiebreaker, so pages are stable.

- ``serializers.py``: what each record looks like in JSON.
- ``views.py``: pagination, the strict filter backend and the viewsets.
- ``rows.py``: the meetings list's rows, read as plain values and written as the serializer writes them.
- ``schema.py``: what the OpenAPI schema says beyond what it can infer.
"""

from rest_framework import routers

from .views import (
    CommitmentViewSet,
    CountryViewSet,
    DelegationViewSet,
    DocsView,
    MeetingViewSet,
    OrganisationViewSet,
    PersonViewSet,
    TopicViewSet,
    not_found,
)

__all__ = ["DocsView", "not_found", "router"]

router = routers.DefaultRouter()
router.include_format_suffixes = False
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("delegations", DelegationViewSet, basename="api-delegation")
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("people", PersonViewSet, basename="api-person")
router.register("topics", TopicViewSet, basename="api-topic")
router.register("countries", CountryViewSet, basename="api-country")
router.register("commitments", CommitmentViewSet, basename="api-commitment")
