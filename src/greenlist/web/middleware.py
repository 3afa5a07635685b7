"""Request and response policies of the web layer.

:class:`RejectNulMiddleware` refuses requests carrying NUL characters in their parameters:
PostgreSQL cannot store them, and no form of greenlist has a use for them (found by fuzzing the
API). :class:`RequestSizeMiddleware` refuses bodies over the upload limits unread.
:class:`NoStoreWhenSignedInMiddleware` keeps signed-in answers out of caches."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
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


class RequestSizeMiddleware:
    """Refuses a request body over its view's limit by the Content-Length header, before anything
    reads the body: Django reads the whole multipart body (to memory or a temporary file) on the
    first look at ``request.POST``, so the upload's own size check comes too late for a 300 MB
    body. Under WSGI Django never reads past Content-Length, so the header bounds the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django treats it as no body, too
        limit = _request_limit(request)
        if length > limit:
            return _too_large(request, length, limit)
        return self.get_response(request)


def _request_limit(request: HttpRequest) -> int:
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = ""
    return int(
        settings.GREENLIST_REQUEST_MAX_BYTES_BY_VIEW.get(view_name, settings.GREENLIST_REQUEST_MAX_BYTES)
    )


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.1f}".removesuffix(".0")


def _too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    message = (
        f"上传内容为 {_megabytes(length)} MB，超过此处上限 {_megabytes(limit)} MB，未予接收。"
        "请压缩图片、删除多余内容或将文件拆分后分别上传。"
    )
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=413, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # Set here: this answer skips CommonMiddleware, and a client reading up to the connection's
    # end would wait for a server that is still being sent the body.
    response["Content-Length"] = str(len(response.content))
    return response


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
