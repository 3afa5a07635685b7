from __future__ import annotations

import re
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


# Pointers into the project's own notes (docs/sources.md §4, reference §3.2): not for officials.
_DEV_REFERENCE = re.compile(r"(?:docs/[\w.-]+|reference)\s*§\s*[\d.]*\d[：:；;，,]?\s*")
# A path into the shared notes ("见 shared/reference/x.md §4 “公示 period”"), with its lead-in.
_DEV_PATH = re.compile(
    r"[，,]?\s*(?:见|同上)?\s*(?:shared/)?(?:docs|reference)/[\w./-]+(?:\s*§\s*[\d.]*\d)?(?:\s*“[^”]*”)?"
)


@register.filter
def official(text: Any) -> str:
    """A data file's note as page text: maintainer wording replaced by official wording."""
    result = str(text or "")
    for old, new in _OFFICIAL_WORDS:
        result = result.replace(old, new)
    result = _DEV_PATH.sub("", result)
    result = _DEV_REFERENCE.sub("", result)
    return result.replace("（）", "").replace("()", "").strip()


@register.filter
def audit_sentences(details: Any) -> list[str]:
    """An audit event's details as readable Chinese lines (greenlist.audit.describe)."""
    from greenlist.audit.describe import sentences

    return sentences(details)


def _person(user: Any) -> str:
    scope = user.scope_label or user.first_name
    return f"{scope}（{user.get_role_display()}）" if scope else ""


@register.filter
def person(user: Any) -> str:
    """An account as an official reads it: its unit or organisation and its role, never the login
    name (e.g. "河北省工业和信息化厅（省厅）" rather than "province")."""
    if user is None or user == "":
        return ""
    return _person(user) or str(user.get_role_display())


@register.filter
def actor_text(event: Any) -> str:
    """Who acted, as an official reads it: the account's unit or organisation and its role (the
    stored label, e.g. "city_shijiazhuang（推荐单位）", carries the login name instead)."""
    actor = getattr(event, "actor", None)
    if actor is None:
        return str(event.actor_label)
    return _person(actor) or str(event.actor_label)
