"""The site's addresses: the readers' pages and citations, the JSON API, CSV downloads, feeds, sitemap."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import api, exports, feeds, views
from .cache import public_page
from .sitemaps import SITEMAPS

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("healthz", views.healthz, name="healthz"),
    # Search engines: what to crawl, and every published page with its last change.
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "events:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", public_page(sitemaps.sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"
    ),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/cite.<str:fmt>", views.meeting_detail, name="meeting-detail-cite"),
    path("delegations/", views.delegation_index, name="delegation-index"),
    path("delegations/<slug:slug>/", views.delegation_detail, name="delegation-detail"),
    path("organisations/", views.organisation_index, name="organisation-index"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path(
        "organisations/<slug:slug>/cite.<str:fmt>", views.organisation_detail, name="organisation-detail-cite"
    ),
    path("organisations/<slug:slug>/with/<slug:other>/", views.organisation_pair, name="organisation-pair"),
    path(
        "organisations/<slug:slug>/with/<slug:other>/cite.<str:fmt>",
        views.organisation_pair,
        name="organisation-pair-cite",
    ),
    path("countries/", views.country_index, name="country-index"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("countries/<str:code>/cite.<str:fmt>", views.country_detail, name="country-detail-cite"),
    path("countries/<str:code>/with/<str:other>/", views.country_pair, name="country-pair"),
    path(
        "countries/<str:code>/with/<str:other>/cite.<str:fmt>", views.country_pair, name="country-pair-cite"
    ),
    path("people/", views.person_index, name="person-index"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("people/<slug:slug>/cite.<str:fmt>", views.person_detail, name="person-detail-cite"),
    path("topics/", views.topic_index, name="topic-index"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("network/", views.network, name="network"),
    path("commitments/", views.commitments, name="commitments"),
    # Data out: the JSON API with its schema and docs.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api.DocsView.as_view(url_name="events:api-schema"), name="api-docs"),
    path("api/", include(api.router.urls)),
    re_path(r"^api/(?P<path>[\s\S]+)/$", api.not_found, name="api-not-found"),
    # Data out: CSV downloads of what the timeline's filters match.
    path("export/meetings.csv", exports.meetings_csv, name="export-meetings-csv"),
    path("export/organisations.csv", exports.organisations_csv, name="export-organisations-csv"),
    path("export/commitments.csv", exports.commitments_csv, name="export-commitments-csv"),
    # Data out: feeds to subscribe to.
    path("feeds/meetings.atom", public_page(feeds.MeetingsAtomFeed()), name="feed-meetings-atom"),
    path("feeds/meetings.ics", feeds.meetings_ics, name="feed-meetings-ics"),
    path("feeds/commitments.atom", public_page(feeds.CommitmentsAtomFeed()), name="feed-commitments-atom"),
    path("feeds/commitments.ics", feeds.commitments_ics, name="feed-commitments-ics"),
]
