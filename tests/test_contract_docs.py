"""The contracts restated in docs/contracts/ stay in step with the code: every sheet and column the
importer knows is documented, every documented command exists, every documented workflow URL
resolves, and no code or test cites a file outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands
from django.urls import Resolver404, resolve

from greenlist.exchange.sheets import SHEETS

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "docs" / "contracts"


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = re.search(r"^#{2,3} ", text[start + len(heading) :], flags=re.MULTILINE)
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def test_every_sheet_and_column_of_the_importer_is_in_the_workbook_contract() -> None:
    text = (CONTRACTS / "workbook.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        part = section(text, f"### {sheet.name} ")
        for column in sheet.columns:
            star = " *" if column.required else ""
            assert f"| {column.header}{star} |" in part, (sheet.name, column.header)


def test_every_documented_command_exists() -> None:
    text = (CONTRACTS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\*\*`greenlist ([a-z-]+)", text))
    assert {"import-workbook", "screen", "template", "export", "notify", "worker"} <= documented
    commands = get_commands()
    assert sorted(name for name in documented if name.replace("-", "_") not in commands) == []


def test_every_documented_workflow_url_resolves() -> None:
    text = section((CONTRACTS / "http.md").read_text(encoding="utf-8"), "## Workflow over HTTP")
    paths = {re.sub(r"\{[a-z_]+\}", "1", path) for path in re.findall(r"`(?:GET|POST) (/api/[^` ?]+)", text)}
    assert len(paths) >= 5
    unresolved = []
    for path in sorted(paths):
        try:
            resolve(path.replace("/1/", "/shijiazhuang/") if path.startswith("/api/units/") else path)
        except Resolver404:
            unresolved.append(path)
    assert unresolved == []


def test_code_and_tests_cite_documents_inside_the_repository() -> None:
    outside = re.compile(r"DESIGN\.md|\.\./shared/")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("src", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if outside.search(path.read_text(encoding="utf-8")) and path != Path(__file__)
    ]
    assert offenders == []
