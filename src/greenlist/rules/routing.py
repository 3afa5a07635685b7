"""Key-industry routing (工信厅节函〔2025〕390号): an applicant whose GB/T 4754 industry is on the
batch's key-industry list is evaluated by its sector requirement; every other applicant by the
general requirements. The list is data (``data/reference/<file>`` named by the batch file), its
entries carry confidence marks, and industries match as codes, never as substrings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from greenlist.rules.batch import DATA_DIR, Batch, BatchFileError
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.industries import application_codes, covers, load_industries


@dataclass(frozen=True)
class Sector:
    sector: str
    codes: tuple[str, ...]
    requirement: str
    confidence: str  # of the code mapping (the weakest mark of the entry)


@dataclass(frozen=True)
class KeyIndustryList:
    version: str
    general: str
    general_confidence: str
    sectors: tuple[Sector, ...]


@dataclass(frozen=True)
class Route:
    key_industry: bool
    requirement: str
    sector: str  # "" for the general requirements
    confidence: str

    @property
    def label(self) -> str:
        mark = "（待核实）" if self.confidence == "C" and "待核实" not in self.requirement else ""
        if self.key_industry:
            return f"重点行业（{self.sector}）：按《{self.requirement}》{mark}"
        return f"非重点行业：按《{self.requirement}》"


def parse_key_industries(data: dict[str, Any]) -> KeyIndustryList:
    general = data["general"]
    return KeyIndustryList(
        version=str(data.get("version", "")),
        general=str(general["requirement"]),
        general_confidence=str(general.get("confidence", "C")),
        sectors=tuple(
            Sector(
                sector=str(entry["sector"]),
                codes=tuple(str(code) for code in entry["codes"]),
                requirement=str(entry["requirement"]),
                confidence=str(entry.get("codes_confidence", entry.get("confidence", "C"))),
            )
            for entry in data["sectors"]
        ),
    )


@lru_cache(maxsize=8)
def load_key_industries(file: str, data_dir: Path = DATA_DIR) -> KeyIndustryList:
    path = data_dir / "reference" / file
    try:
        return parse_key_industries(read_yaml(path))
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise BatchFileError(f"重点行业清单 {path} 无法读取或格式错误：{exc!r}") from exc


def route(batch: Batch, industry: str, code: str = "") -> Route | None:
    """Where the applicant's industry routes it; None when the batch has no key-industry routing.
    An industry the classification cannot resolve goes to the general requirements."""
    routing = batch.key_industry_routing
    if routing is None:
        return None
    table = load_key_industries(routing.file)
    codes = application_codes(code, industry, load_industries())
    if codes:
        matching = [
            (max(len(c) for c in sector.codes), index)
            for index, sector in enumerate(table.sectors)
            if covers(sector.codes, codes)
        ]
        if matching:
            sector = table.sectors[max(matching)[1]]
            return Route(True, sector.requirement, sector.sector, sector.confidence)
    return Route(False, routing.general or table.general, "", table.general_confidence)
