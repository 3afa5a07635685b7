"""Serves single files that maintained packages ship (plotly.js inside ``plotly``), under
``static/vendor/``, without copying whole package-data folders into STATIC_ROOT."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# static path → (package, file inside the package)
VENDOR_FILES = {
    "vendor/plotly/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / relative


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path not in VENDOR_FILES:
            return [] if find_all else None
        found = str(_package_file(*VENDOR_FILES[path]))
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for static_path, (package, relative) in VENDOR_FILES.items():
            source = _package_file(package, relative)
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = str(Path(static_path).parent)  # type: ignore[attr-defined]  # read by collectstatic
            yield source.name, storage
