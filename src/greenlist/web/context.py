from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def campaign(request: HttpRequest) -> dict[str, Any]:
    return {"product_name": "绿色制造名单推荐系统"}
