"""Resolving what a request names (``?batch=2024``) into rows, as a 404 with a clear message
instead of an error page when nothing matches."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from greenlist.campaign.models import Batch


def batch_or_404(code: str | None) -> Batch:
    """The batch ``code`` names, or the configured default when it is empty."""
    try:
        return Batch.current(code or None)
    except Batch.DoesNotExist as exc:
        batches = Batch.objects.filter(province=settings.GREENLIST_PROVINCE).order_by("code")
        known = "、".join(batches.values_list("code", flat=True)) or "无"
        shown = (code or "")[:40]
        raise Http404(f"批次“{shown}”不存在，请检查链接中的 batch 参数（现有批次：{known}）。") from exc
