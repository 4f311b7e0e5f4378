"""Readers' pages: thin views over the FilterSets and page-shaped querysets."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _todo(request, *args, **kwargs):
    return HttpResponse("")


timeline = meeting_detail = delegation_index = delegation_detail = _todo
organisation_index = organisation_detail = organisation_pair = _todo
country_index = country_detail = country_pair = person_index = person_detail = _todo
topic_index = topic_detail = _todo
