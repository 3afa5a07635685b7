"""Request and response policies of the web layer.

RejectNulMiddleware refuses requests carrying NUL characters in their parameters: PostgreSQL cannot
store them, and no form of greenlist has a use for them (found by fuzzing the API)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            return HttpResponse(
                "请求参数中含有不允许的空字符（NUL）。", status=400, content_type="text/plain; charset=utf-8"
            )
        form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
        if (
            request.method == "POST"
            and request.content_type in form_types
            and any("\x00" in value for values in request.POST.lists() for value in values[1])
        ):
            return HttpResponse(
                "提交的内容中含有不允许的空字符（NUL）。",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every answer to a signed-in user (a session or an API token) carries that user's data:
    ``Cache-Control: no-store`` keeps it out of shared caches and out of the browser's history
    after logout. Static files never reach here (WhiteNoise answers them first) and keep caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: an API token signs the user in inside the view.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
