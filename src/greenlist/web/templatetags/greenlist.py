from __future__ import annotations

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
