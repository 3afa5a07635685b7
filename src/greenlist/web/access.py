"""One access helper per object type, used by every view (the healthchecks pattern)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from greenlist.campaign.models import Application


def get_application(request: HttpRequest, pk: int) -> Application:
    """The application if the request's scope reaches it; 404 otherwise (never 403, so an
    outsider cannot even learn that it exists)."""
    try:
        return Application.objects.select_related("organisation", "unit", "evaluator", "batch").get(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404("申报不存在或您无权查看。") from exc
