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


@lru_cache(maxsize=1)
def _rule_titles() -> dict[str, str]:
    from greenlist.rules.catalogue import RULES

    return {spec.id: spec.title for spec in RULES}


@register.filter
def rule_title(rule_id: Any) -> str:
    """A rule id's short Chinese name (E1 → 未正常经营生产), so an id never stands alone as a label."""
    return _rule_titles().get(str(rule_id), "")


# Wording in data notes written for maintainers, put in the words an official reads.
_OFFICIAL_WORDS = (
    ("仅为项目占位值", "为暂定值"),
    ("项目占位值", "暂定值"),
    ("为项目占位", "为暂定值"),
    ("项目占位", "暂定值"),
    ("占位值", "暂定值"),
    ("凭记忆", "待核对"),
)


@register.filter
def official(text: Any) -> str:
    """A data file's note as page text: maintainer wording replaced by official wording."""
    result = str(text or "")
    for old, new in _OFFICIAL_WORDS:
        result = result.replace(old, new)
    return result


@register.filter
def audit_sentences(details: Any) -> list[str]:
    """An audit event's details as readable Chinese lines (greenlist.audit.describe)."""
    from greenlist.audit.describe import sentences

    return sentences(details)
