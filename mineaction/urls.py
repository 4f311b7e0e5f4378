"""The root addresses: the admin under /admin/, everything else in events.urls, and the 503 handler."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("events.urls")),
]

# A database that cannot be reached is a 503 page, wherever the error arose (events.outages).
handler500 = "events.outages.server_error"
# A friendly 404: a search box and the records whose addresses are nearest to the one asked for.
handler404 = "events.views.page_not_found"
