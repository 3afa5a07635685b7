from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``{{ mapping|lookup:key }}``: dictionary lookup by a variable key."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.inclusion_tag("web/_finding.html")
def finding(item: Any, texts: Any) -> dict[str, Any]:
    return {"f": item, "text": lookup(texts, item.rule)}


@register.filter
def percent(ratio: Any) -> str:
    """0.40 → "40%"."""
    try:
        return f"{float(ratio) * 100:g}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def registered_elsewhere(uscc: str) -> bool:
    """The uscc was issued outside the province: a firm keeps its code when it moves, so this is
    a note ("登记机关不在本省"), never a refusal."""
    from django.conf import settings

    from greenlist.rules.regions import uscc_province_code

    prefix = _region_prefix(
        str(getattr(settings, "GREENLIST_DATA_DIR", "")), str(getattr(settings, "GREENLIST_PROVINCE", ""))
    )
    code = uscc_province_code(str(uscc))
    return bool(prefix and code and not code.startswith(prefix[:2]))


@lru_cache(maxsize=8)
def _region_prefix(data_dir: str, province: str) -> str:
    """The province file's region prefix, read once per data set (a page shows hundreds of codes)."""
    from greenlist.registry.sync import load_province

    return str(load_province().get("region_prefix", ""))
