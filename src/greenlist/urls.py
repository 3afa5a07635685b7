from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from greenlist.api.urls import api


def healthz(request: HttpRequest) -> HttpResponse:
    """For the reverse proxy's health checks (and the load benchmark's bare-view baseline)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("greenlist.web.urls")),
]
