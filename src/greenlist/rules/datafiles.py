"""Reading the YAML data files (batches, reference tables, layouts, forms) that rules are made of.

libyaml's loader when PyYAML was built with it: the batch file alone is read on most requests, and
the pure-Python loader spends tens of milliseconds on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml: same results, slower
    _Loader = yaml.SafeLoader


def parse_yaml(text: str) -> Any:
    """Safe YAML (no Python objects), as ``yaml.safe_load`` reads it."""
    return yaml.load(text, Loader=_Loader)


def read_yaml(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"))
