"""The V3 counted set in the database, defined once for screening, the write-time guard, the
applicant's live evaluator check and the import (docs/rules.md, V3).

二（四）: "同一法人的评价机构开展的本批次绿色制造名单评价项目（包括绿色工厂、绿色工业园区、绿色供应链管理
企业）总计不得超过15项". A legal entity's projects are the batch's submitted third-party applications
naming the legal entity or any of its branches (``rules.evaluators.counts_toward_cap`` is the
same test on plain facts).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from greenlist.campaign.models import Application, Batch, Engagement
from greenlist.registry.models import Evaluator
from greenlist.rules.vocabulary import Method


def members(evaluator: Evaluator) -> QuerySet[Evaluator]:
    """The legal entity of ``evaluator`` and all its branches (registered rows only)."""
    code = evaluator.entity_uscc
    return Evaluator.objects.filter(Q(uscc=code) | Q(legal_entity_uscc=code))


def members_of(usccs: set[str]) -> set[str]:
    """Every registered evaluator uscc sharing a legal entity with one of ``usccs``."""
    rows = Evaluator.objects.filter(uscc__in=usccs).values_list("uscc", "legal_entity_uscc")
    entities = {legal or code for code, legal in rows} | set(usccs)
    return set(usccs) | set(
        Evaluator.objects.filter(Q(uscc__in=entities) | Q(legal_entity_uscc__in=entities)).values_list(
            "uscc", flat=True
        )
    )


def not_accepted() -> Exists:
    """The application's engagement of the evaluator it names is requested or declined: not (yet)
    one of the evaluator's projects. An application with no engagement row (made in the admin, or
    by code that predates engagements) stands as its evaluator was named."""
    return Exists(
        Engagement.unscoped.filter(application=OuterRef("pk"), evaluator=OuterRef("evaluator")).exclude(
            status=Engagement.Status.ACCEPTED
        )
    )


def counted_projects(batch: Batch, evaluator: Evaluator) -> QuerySet[Application]:
    """The legal entity's projects V3 counts: submitted, third-party, any category and unit, with
    the engagement accepted by the evaluator."""
    return Application.unscoped.filter(
        batch=batch,
        method=Method.THIRD_PARTY,
        submitted_at__isnull=False,
        evaluator__in=members(evaluator),
    ).exclude(not_accepted())


def lock_entity(evaluator: Evaluator) -> None:
    """Serialise counting for the whole legal entity: lock every member row, in id order (the same
    order everywhere, so two branches' submissions cannot deadlock)."""
    list(members(evaluator).order_by("pk").select_for_update().values_list("pk", flat=True))
