"""Refuses requests carrying NUL characters in their parameters: PostgreSQL cannot store them, and
no form of greenlist has a use for them (found by fuzzing the API)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
