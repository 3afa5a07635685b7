from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from greenlist.accounts.models import Role, User
from greenlist.campaign.lookups import batch_or_404
from greenlist.campaign.models import Batch
from greenlist.registry.models import RecommendingUnit


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def role_of(request: HttpRequest) -> str:
    role = user_of(request).role
    return Role.PROVINCE if role == Role.ADMIN else role


def require_roles(request: HttpRequest, *roles: str) -> User:
    user = user_of(request)
    if role_of(request) not in roles:
        raise PermissionDenied("您的角色无权访问此页面。")
    return user


def current_batch(request: HttpRequest) -> Batch:
    return batch_or_404(request.GET.get("batch"))


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says which parameter is wrong and how to fix it."""
    return render(request, "400.html", {"exception": message}, status=400)


def units_in_view(request: HttpRequest) -> list[RecommendingUnit]:
    """The units a city or department user is bound to; every unit for the province."""
    user = user_of(request)
    if user.is_province:
        return list(RecommendingUnit.objects.all())
    if user.unit_id is not None and role_of(request) in (Role.CITY, Role.DEPARTMENT):
        return [user.unit] if user.unit else []
    return []


def query_without(request: HttpRequest, name: str = "page", *, drop_empty: bool = False) -> str:
    """The request's query string without ``name``, for pager links that keep the filters (and,
    with ``drop_empty``, without parameters left empty by a filter form)."""
    params = request.GET.copy()
    params.pop(name, None)
    if drop_empty:
        return urlencode([(key, value) for key, value in params.items() if value])
    return params.urlencode()
