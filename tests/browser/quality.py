"""Checks one page as a phone or laptop user would meet it: no sideways scroll of the page, axe-core
(vendored, injected with CSP bypassed in the test context only) without serious or critical
violations, and no developer text (rule ids alone, field names, Python dicts, English words)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# Text a developer would write, never an official: indicator ids, field names, Python reprs.
DEVELOPER_MARKERS = re.compile(r"\bINF\d*\b|\bvalue\b|\{'|reference §|占位|\bNone\b|\bTrue\b|\bFalse\b")
# English words an official page may carry (file types, product names, standard codes, units).
ENGLISH_ALLOWED = {
    "excel", "word", "wps", "pdf", "docx", "xlsx", "csv", "api", "ip", "ldap", "gb", "db", "kgce",
    "tce", "kwh", "zip", "co", "km", "uscc", "tco", "csp", "sha", "url", "email", "e-mail",
}  # fmt: skip
ENGLISH_WORD = re.compile(r"\b[A-Za-z][A-Za-z-]{2,}\b")

# The page's text without identifiers shown as data (USCC codes, file names, codes in <code>).
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('.mono, code, script, style, select, input, textarea, .file-name, [data-chart]')
      .forEach((n) => n.remove());
  return copy.innerText;
}"""

# A rule id standing alone as a label: a .rule badge with no Chinese name beside it.
BARE_RULE_IDS = """() => Array.from(document.querySelectorAll('span.rule')).filter((b) => {
  const next = b.nextElementSibling;
  return /^[A-Z]{1,2}\\d+$/.test(b.textContent.trim()) && !(next && next.textContent.trim());
}).map((b) => b.textContent.trim())"""


def page_problems(page: Any, *, axe: bool = True) -> list[str]:
    url = page.url
    problems: list[str] = []
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > width:
        problems.append(f"{url}: page scrolls sideways ({scroll} px in {width} px)")
    text = page.evaluate(VISIBLE_TEXT)
    for found in DEVELOPER_MARKERS.finditer(text):
        problems.append(
            f"{url}: developer text {found.group(0)!r} in …{text[max(0, found.start() - 30) : found.end() + 30]!r}"
        )
    words = {w for w in ENGLISH_WORD.findall(text) if w.lower() not in ENGLISH_ALLOWED and not w.isupper()}
    if words:
        problems.append(f"{url}: English words {sorted(words)[:12]}")
    bare = page.evaluate(BARE_RULE_IDS)
    if bare:
        problems.append(f"{url}: rule ids without their names {sorted(set(bare))}")
    if axe:
        page.add_script_tag(content=AXE)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        for violation in result:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"][:3]]
                problems.append(f"{url}: axe {violation['id']} ({violation['impact']}) at {targets}")
    return problems
