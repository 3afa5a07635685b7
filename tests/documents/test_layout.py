"""Layout: 附件1 rendered through LibreOffice to PDF, then measured with poppler.

Checks the page count, the A4 page size, that no word of any table cell lies outside the text
block (page width minus the 28mm/26mm margins), that the column headers repeat on every page, and
that rows come out in the recommended order.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from greenlist.documents import SummaryRow, SummaryTable, summary_table_docx, summary_table_xlsx
from greenlist.documents.styles import MARGIN_LEFT_MM, MARGIN_RIGHT_MM

MM = 72 / 25.4
A4 = (595.3, 841.9)
TOLERANCE = 2.0  # points

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext")


def _requirements() -> None:
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed: layout not rendered")
    if not POPPLER:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed: layout not measured")


def rows(prefix: str, count: int, kind: str) -> list[SummaryRow]:
    # Long names and evaluators, so cells wrap: the widest realistic content.
    return [
        SummaryRow(
            f"{prefix}{i:02d}号河北省某某绿色低碳科技发展股份有限公司",
            "" if i % 5 == 0 else "中国某某质量认证中心河北分中心有限公司",
            kind,
            i % 3 != 0,
        )
        for i in range(1, count + 1)
    ]


FULL = SummaryTable(
    unit_name="石家庄市",
    year="2024",
    bureau="石家庄市工业和信息化局",
    factories=rows("工厂", 40, "黑色金属冶炼和压延加工业"),
    parks=rows("园区", 10, "国家级经济技术开发区"),
    supply_chains=rows("企业", 10, "汽车制造业"),
)
SMALL = SummaryTable(
    "辛集市", "2024", "辛集市工业和信息化局", rows("工厂", 3, "皮革"), [], rows("企业", 1, "机械")
)


@dataclass
class Word:
    page: int
    x_min: float
    x_max: float
    text: str


@dataclass
class Rendered:
    pages: int
    size: tuple[float, float]
    words: list[Word]

    def page_text(self, page: int) -> str:
        return "".join(w.text for w in self.words if w.page == page)


def measure(pdf: Path) -> Rendered:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()  # type: ignore[union-attr]
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words: list[Word] = []
    page = 0
    for line in bbox.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line
        )
        if found:
            words.append(
                Word(page, float(found.group(1)), float(found.group(2)), html.unescape(found.group(3)))
            )
    return Rendered(pages, (float(width), float(height)), words)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    _requirements()
    work = tmp_path_factory.mktemp("layout")
    sources = {
        "full-docx": ("full.docx", summary_table_docx(FULL)),
        "full-xlsx": ("full-sheet.xlsx", summary_table_xlsx(FULL)),
        "small-docx": ("small.docx", summary_table_docx(SMALL)),
    }
    for name, data in sources.values():
        (work / name).write_bytes(data)
    # A private profile per run, so parallel test runs do not fight over one LibreOffice profile.
    profile = Path("/tmp") / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work / "pdf"),
                *(str(work / name) for name, _ in sources.values()),
            ],
            capture_output=True,
            check=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return {key: measure(work / "pdf" / f"{Path(name).stem}.pdf") for key, (name, _) in sources.items()}


@pytest.mark.parametrize("key", ["full-docx", "full-xlsx", "small-docx"])
def test_pages_are_a4(rendered: dict[str, Rendered], key: str) -> None:
    width, height = rendered[key].size
    assert abs(width - A4[0]) <= TOLERANCE and abs(height - A4[1]) <= TOLERANCE


@pytest.mark.parametrize("key", ["full-docx", "full-xlsx", "small-docx"])
def test_no_text_runs_off_the_text_block(rendered: dict[str, Rendered], key: str) -> None:
    width = rendered[key].size[0]
    left, right = MARGIN_LEFT_MM * MM - TOLERANCE, width - MARGIN_RIGHT_MM * MM + TOLERANCE
    assert len(rendered[key].words) > 50, "nothing rendered"
    outside = [w for w in rendered[key].words if w.x_min < left or w.x_max > right]
    assert not outside, f"outside {left:.1f}–{right:.1f}pt: {outside[:5]}"


def test_page_counts(rendered: dict[str, Rendered]) -> None:
    # 60 rows of two- and three-line cells on a 225mm text block: five pages with LibreOffice's
    # Noto CJK substitutes; other fonts wrap differently, hence the range. The small table fits one.
    assert 3 <= rendered["full-docx"].pages <= 6
    assert rendered["small-docx"].pages == 1
    assert 1 <= rendered["full-xlsx"].pages <= 4


def test_header_row_repeats_on_every_page_of_the_table(rendered: dict[str, Rendered]) -> None:
    doc = rendered["full-docx"]
    for page in range(1, doc.pages + 1):
        content = doc.page_text(page)
        if "号河北省某某" in content:
            assert "序号" in content and "第三方机构名称" in content, f"page {page} lacks the column header"


def test_rows_come_out_in_recommended_order(rendered: dict[str, Rendered]) -> None:
    full = "".join(rendered["full-docx"].page_text(p) for p in range(1, rendered["full-docx"].pages + 1))
    positions = [full.index(f"工厂{i:02d}号") for i in range(1, 41)]
    assert positions == sorted(positions)
    assert (
        full.index("绿色工厂推荐名单")
        < full.index("绿色工业园区推荐名单")
        < full.index("绿色供应链管理企业推荐名单")
    )
    assert "（单位公章）" in full
