"""Every state change of an application goes through here: one transaction, a permission
check, and an audit event written in the same transaction (the Zulip ``do_*`` pattern)."""

from __future__ import annotations

from django.db import transaction

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Application, Batch
from greenlist.campaign.workflow import State
from greenlist.registry.models import Organisation
from greenlist.rules.vocabulary import Category


class ActionRefused(Exception):
    """The user may not do this; the message (Chinese) says why and what to do instead."""


def can_act_on(user: User, application: Application) -> bool:
    """Whether the user's role reaches this application at all (its unit, itself, the province)."""
    if user.role in (Role.PROVINCE, Role.ADMIN):
        return True
    if user.role == Role.CITY:
        return user.unit_id is not None and user.unit_id == application.unit_id
    if user.role == Role.APPLICANT:
        return user.organisation_id is not None and user.organisation_id == application.organisation_id
    return False


def source_is_review(state: str) -> bool:
    """Only a new recommendation counts against Q1 (not the province undoing its own decision)."""
    return state == State.CITY_REVIEW


def create_application(
    *, batch: Batch, organisation: Organisation, category: str, actor: User
) -> Application:
    """The applicant opens a draft in a category. Side effects: one application, one audit event."""
    if actor.role != Role.APPLICANT or actor.organisation_id != organisation.pk:
        raise ActionRefused("只有申报单位本身可以创建申报。")
    if category not in {c.value for c in Category}:
        raise ActionRefused("申报类别无效。")
    params = batch.parameters
    if not params.allows_category(category):
        allowed = "、".join(Category(code).label for code in params.categories)
        raise ActionRefused(f"{params.title}只受理{allowed}，不受理{Category(category).label}申报。")
    with transaction.atomic():
        # A self-evaluation-only batch opens every draft as 自评价 (the model's default).
        if Application.unscoped.filter(batch=batch, organisation=organisation, category=category).exists():
            raise ActionRefused(f"本单位已有{Category(category).label}申报，请直接编辑该申报。")
        application = Application.unscoped.create(
            batch=batch,
            organisation=organisation,
            unit=organisation.unit,
            category=category,
            industry=organisation.industry,
        )
        record(
            actor=actor,
            action=Action.APPLICATION_CREATED,
            obj=application,
            unit=application.unit,
            details={"to": application.state, "source": "web"},
        )
    return application
