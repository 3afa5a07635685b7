"""Argument lookups shared by the commands, each failing with a Chinese CommandError."""

from __future__ import annotations

from django.core.management.base import CommandError

from greenlist.campaign.models import Batch
from greenlist.registry.models import RecommendingUnit


def batch_or_error(code: str | None) -> Batch:
    try:
        return Batch.current(code)
    except Batch.DoesNotExist as exc:
        raise CommandError(f"批次 {code} 不存在：请先添加该批次的批次文件。") from exc


def unit_or_error(name: str | None) -> RecommendingUnit | None:
    """``None`` for no name; "石家庄" and "石家庄市" both find 石家庄市."""
    if not name:
        return None
    unit = RecommendingUnit.objects.filter(name__in=[name, f"{name}市"]).first()
    if unit is None:
        names = "、".join(RecommendingUnit.objects.values_list("name", flat=True))
        raise CommandError(f"推荐单位“{name}”不存在，可选：{names}")
    return unit
