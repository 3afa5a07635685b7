"""Model fields shared by the registry's models."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from greenlist.rules.uscc import UsccError, validate_uscc


def uscc_validator(value: str) -> None:
    try:
        validate_uscc(value)
    except UsccError as exc:
        raise ValidationError(str(exc), code="uscc") from exc


class UsccField(models.CharField):
    """18-character unified social credit code, validated with its check character."""

    description = "统一社会信用代码"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", "统一社会信用代码")
        kwargs.setdefault("validators", [uscc_validator])
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs
