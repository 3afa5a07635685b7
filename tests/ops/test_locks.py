"""The hashed locks agree with constraints.txt, carry a hash for every package, and are what
scripts/setup.sh installs with hash checking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonical(match[1])] = match[2]
    return found


def requirements(text: str) -> list[str]:
    """Each requirement of a lock with its continuation lines joined."""
    joined = text.replace("\\\n", " ")
    return [line for line in joined.splitlines() if PIN.match(line)]


@pytest.mark.parametrize("profile", ["runtime", "dev"])
def test_each_lock_pins_every_package_with_hashes_as_constraints_txt_does(profile):
    lock = (ROOT / "requirements" / f"{profile}.lock").read_text()
    constraints = pins((ROOT / "constraints.txt").read_text())
    locked = pins(lock)
    assert locked
    assert {name: constraints.get(name) for name in locked if name != "setuptools"} == {
        name: version for name, version in locked.items() if name != "setuptools"
    }
    assert [r.split()[0] for r in requirements(lock) if "--hash=sha256:" not in r] == []


def test_the_dev_lock_holds_the_runtime_lock():
    runtime = pins((ROOT / "requirements" / "runtime.lock").read_text())
    dev = pins((ROOT / "requirements" / "dev.lock").read_text())
    assert {name: dev.get(name) for name in runtime} == runtime


def test_stub_versions_are_consistent():
    constraints = pins((ROOT / "constraints.txt").read_text())
    assert constraints["django-stubs"] == constraints["django-stubs-ext"]


def test_setup_installs_the_lock_with_hash_checking():
    script = (ROOT / "scripts" / "setup.sh").read_text()
    assert re.search(r'pip install [^\n]*--require-hashes -r "\$lock"', script)
    assert 'lock="requirements/$profile.lock"' in script
    assert "--no-deps --no-build-isolation -e ." in script
