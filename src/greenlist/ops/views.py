"""Probes for load balancers and the reverse proxy: no login, no session, nothing but status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from greenlist.ops.health import readiness


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (and the load benchmark's bare-view baseline)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every check passes, 503 otherwise; the body names each check."""
    checks = readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False})
