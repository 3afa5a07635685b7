"""Industries as a classification (GB/T 4754-2017 国民经济行业分类), not strings (F2, F3, S2).

An application's industry is a set of codes: the code it was given, or the codes its name stands
for (a class name of the standard, or a short name such as "机械" from
``data/reference/industries.yaml``). A list entry covers a code when the code starts with it:
codes are hierarchical (division 34 covers class 3411). No substring matching on names: "通用设备
制造业" is 34 and therefore 机械, "机械制造商贸" is nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.names import normalise_name

_CODE = re.compile(r"^(?:[A-T])?(\d{2,4})$")


def stem(name: str) -> str:
    """A name without its trailing "业" and "制造" ("汽车制造业" → "汽车"), so the ways cities write
    an industry ("汽车制造", "汽车制造业", "汽车") meet. Whole names only: no substrings."""
    key = normalise_name(name)
    for suffix in ("业", "制造", "制品"):
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    return key


@dataclass(frozen=True)
class CodeList:
    codes: tuple[str, ...]
    label: str = ""
    source: str = ""
    confidence: str = "C"


@dataclass(frozen=True)
class IndustryTable:
    version: str
    names: dict[str, str] = field(default_factory=dict)  # code → the standard's name
    by_name: dict[str, tuple[str, ...]] = field(default_factory=dict)  # normalised name → codes
    aliases: dict[str, CodeList] = field(default_factory=dict)  # short name → codes
    key_industries: tuple[CodeList, ...] = ()
    confidence: dict[str, str] = field(default_factory=dict)  # code → mark
    # A batch repeats a few dozen industry texts ten thousand times: resolve each once.
    _resolved: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, text: str) -> tuple[str, ...]:
        """The codes ``text`` stands for: a code of the table ("34", "C34", "3411" under a known
        division), a class name, or a short name; () when unknown."""
        if text not in self._resolved:
            self._resolved[text] = self._resolve(text)
        return self._resolved[text]

    def _resolve(self, text: str) -> tuple[str, ...]:
        raw = "".join(text.split())
        match = _CODE.match(raw.upper())
        if match:
            code = match.group(1)
            return (code,) if any(code.startswith(known) for known in self.names) else ()
        for key in (normalise_name(raw), stem(raw)):
            if key in self.by_name:
                return self.by_name[key]
            if key in self.aliases:
                return self.aliases[key].codes
        return ()

    def name(self, code: str) -> str:
        for length in (4, 3, 2):
            if code[:length] in self.names:
                return self.names[code[:length]]
        return code

    def label(self, codes: tuple[str, ...]) -> str:
        return "、".join(f"{c} {self.name(c)}" for c in codes)


def covers(listed: tuple[str, ...], codes: tuple[str, ...]) -> bool:
    """Some code of ``codes`` lies under some code of ``listed`` (hierarchical prefix)."""
    return any(code.startswith(entry) for code in codes for entry in listed)


def parse_industries(data: dict[str, Any]) -> IndustryTable:
    names = {str(row["code"]): str(row["name"]) for row in data["classes"]}
    confidence = {str(row["code"]): str(row.get("confidence", "C")) for row in data["classes"]}
    by_name: dict[str, tuple[str, ...]] = {stem(name): (code,) for code, name in names.items()}
    by_name.update({normalise_name(name): (code,) for code, name in names.items()})
    aliases = {
        stem(alias): CodeList(
            codes=tuple(str(c) for c in entry["codes"]),
            label=str(alias),
            source=str(entry.get("source", "")),
            confidence=str(entry.get("confidence", "C")),
        )
        for alias, entry in (data.get("aliases") or {}).items()
    }
    key = tuple(
        CodeList(
            codes=tuple(str(c) for c in entry["codes"]),
            label=str(entry.get("label", "")),
            source=str(entry.get("source", "")),
            confidence=str(entry.get("confidence", "C")),
        )
        for entry in data.get("key_industries") or ()
    )
    return IndustryTable(
        version=str(data.get("version", "")),
        names=names,
        by_name=by_name,
        aliases=aliases,
        key_industries=key,
        confidence=confidence,
    )


@lru_cache(maxsize=4)
def load_industries(path: Path = DATA_DIR / "reference" / "industries.yaml") -> IndustryTable:
    return parse_industries(read_yaml(path))


def application_codes(
    industry_code: str, industry: str, table: IndustryTable | None = None
) -> tuple[str, ...]:
    """The codes of an application: its recorded code, else what its industry text resolves to."""
    table = table or load_industries()
    if industry_code:
        return (industry_code,)
    return table.resolve(industry)
