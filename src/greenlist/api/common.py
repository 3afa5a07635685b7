"""What every API operation shares: the caller, the batch, findings in the contract's shape."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja.errors import HttpError

from greenlist.accounts.models import Role, User
from greenlist.campaign.lookups import batch_or_404
from greenlist.campaign.models import Batch
from greenlist.rules.findings import Finding


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def require(request: HttpRequest, *roles: str) -> User:
    user = user_of(request)
    role = Role.PROVINCE if user.role == Role.ADMIN else user.role
    if role not in roles:
        raise HttpError(403, "您的角色无权调用此接口。")
    return user


def batch_of(code: str | None) -> Batch:
    try:
        return batch_or_404(code)
    except Http404 as exc:
        raise HttpError(404, str(exc)) from exc


def finding_out(f: Finding) -> dict[str, str]:
    return {**f.as_contract(), "effect": str(f.effect), "ruling": f.ruling}
