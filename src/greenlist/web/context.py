"""Template context every page shares: the product's name as the configured province calls it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

DEFAULT_PRODUCT_NAME = "绿色制造名单管理系统"


@lru_cache(maxsize=8)
def _product_name(data_dir: str, province: str) -> str:
    from greenlist.registry.sync import load_province

    try:
        data = load_province()
    except (OSError, ValueError):
        return DEFAULT_PRODUCT_NAME
    name = data.get("product_name") or f"{data.get('province', '')}{DEFAULT_PRODUCT_NAME}"
    return str(name)


def product_name() -> str:
    """The province data file's ``product_name`` (e.g. 河北省绿色制造名单管理系统)."""
    return _product_name(str(settings.GREENLIST_DATA_DIR), str(settings.GREENLIST_PROVINCE))


def province_name() -> str:
    from greenlist.registry.sync import load_province

    try:
        return str(load_province().get("province", settings.GREENLIST_PROVINCE))
    except (OSError, ValueError):
        return str(settings.GREENLIST_PROVINCE)


def campaign(request: HttpRequest) -> dict[str, Any]:
    return {"product_name": product_name()}
