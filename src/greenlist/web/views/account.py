"""Account pages: a pending registration's home and its one-time code, the city's list of pending
registrations, and password change and reset (Django's views, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from greenlist.accounts.claims import ClaimRefused, claims_for_unit, confirm, issue_code, redeem_code, reject
from greenlist.accounts.models import OrganisationClaim, Role
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.web.views.common import require_roles, user_of


def pending_home(request: HttpRequest, claim: OrganisationClaim) -> HttpResponse:
    """The home page of an account awaiting its city: nothing of the firm, only how to proceed."""
    return render(request, "web/pending.html", {"claim": claim})


@login_required
@require_POST
def claim_code(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.APPLICANT)
    try:
        redeem_code(user, request.POST.get("code", ""))
    except ClaimRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "确认码核验通过，账号已与本单位关联。现在可以查看和办理本单位的申报。")
    return redirect("dashboard")


@login_required
def unit_registrations(request: HttpRequest) -> HttpResponse:
    city = require_roles(request, Role.CITY)
    return render(request, "web/unit_registrations.html", {"claims": claims_for_unit(city), "issued": None})


@login_required
@require_POST
def unit_registration_action(request: HttpRequest, pk: int) -> HttpResponse:
    city = require_roles(request, Role.CITY)
    action = request.POST.get("action", "")
    try:
        if action == "confirm":
            claim = confirm(city, pk)
            messages.success(request, f"已确认账号 {claim.user.username} 代表 {claim.organisation.name}。")
        elif action == "reject":
            claim = reject(city, pk, request.POST.get("reason", ""))
            messages.success(request, f"已驳回账号 {claim.user.username} 的注册申请。")
        elif action == "code":
            code, issued = issue_code(city, pk)
            # Shown once, in this response only (never stored in the session or a message).
            return render(
                request,
                "web/unit_registrations.html",
                {"claims": claims_for_unit(city), "issued": {"code": code, "record": issued}},
            )
        else:
            messages.error(request, "操作无效：请选择确认、驳回或生成确认码。")
    except OrganisationClaim.DoesNotExist as exc:
        raise Http404("待确认的注册不存在，或不属于本推荐单位。") from exc
    except ClaimRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("unit_registrations")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = user_of(self.request)
            record(actor=user, action=Action.PASSWORD_CHANGED, obj=user, object_label=user.username)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            record(
                actor=user,
                action=Action.PASSWORD_RESET,
                obj=user,
                object_label=user.username,
                reason="通过邮件中的链接重设密码",
            )
        return response


password_reset = auth_views.PasswordResetView.as_view(
    template_name="web/password_reset.html",
    email_template_name="web/password_reset_email.txt",
    subject_template_name="web/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html")
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/password_reset_complete.html"
)
password_change = login_required(PasswordChangeView.as_view())
password_change_done = login_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html")
)
password_reset_confirm = PasswordResetConfirmView.as_view()
