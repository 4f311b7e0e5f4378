from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("healthz", views.healthz, name="healthz"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("delegations/", views.delegation_index, name="delegation-index"),
    path("delegations/<slug:slug>/", views.delegation_detail, name="delegation-detail"),
    path("organisations/", views.organisation_index, name="organisation-index"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/with/<slug:other>/", views.organisation_pair, name="organisation-pair"),
    path("countries/", views.country_index, name="country-index"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("countries/<str:code>/with/<str:other>/", views.country_pair, name="country-pair"),
    path("people/", views.person_index, name="person-index"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("topics/", views.topic_index, name="topic-index"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("network/", views.network, name="network"),
]
