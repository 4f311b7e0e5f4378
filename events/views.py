from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


timeline = healthz = meeting_detail = delegation_index = delegation_detail = _todo
organisation_index = organisation_detail = organisation_pair = _todo
country_index = country_detail = country_pair = person_index = person_detail = _todo
topic_index = topic_detail = _todo
