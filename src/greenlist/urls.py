from django.contrib import admin
from django.urls import include, path

from greenlist.api.urls import api
from greenlist.ops.views import healthz, readyz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("greenlist.web.urls")),
]
