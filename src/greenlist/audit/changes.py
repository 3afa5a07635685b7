"""Field changes as the audit trail records them: old and new value per changed field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def apply_changes(obj: Any, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``obj``; return the fields that changed with ``{"from", "to"}`` each."""
    diff = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            diff[name] = {"from": old, "to": value}
            setattr(obj, name, value)
    return diff
