"""The plain data the document writers take. The Django layer fills these from the database;
the writers never query anything, so they are testable and benchmarkable on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from greenlist.documents.layouts import LetterLayout, SummaryLayout, load_layout

# 第三方机构名称 for a self-evaluated applicant: the notice's column has no other place to say so,
# and an empty cell in a sealed table reads as "forgotten".
SELF_EVALUATION_TEXT = "自评价"
# One row written into an empty sub-table, so the sealed table says "none" instead of looking cut off.
NONE_TEXT = "无"


@dataclass(frozen=True)
class SummaryRow:
    """One row of a 附件1 sub-table.

    ``evaluator`` is the third-party evaluator's name, or empty for self-evaluation (written as
    “自评价”). ``industry_or_type`` is 行业 for factories and supply chains, 类型 (e.g. 园区级别 or
    “国家级经济技术开发区”) for parks. ``unit`` is the recommending unit, used only by the
    province-wide edition's 推荐单位 column.
    """

    name: str
    evaluator: str
    industry_or_type: str
    on_provincial_list: bool
    unit: str = ""
    score: str = ""  # the self-evaluation score, where the layout has a 自评价得分 column


@dataclass(frozen=True)
class SummaryTable:
    """附件1 推荐汇总表 of one recommending unit, or of the whole province (``province_wide``).

    ``unit_name`` heads the title (“石家庄市” → “石家庄市2024年度国家绿色制造名单推荐汇总表”; the
    province-wide edition passes the province's name, e.g. “河北省”). ``bureau`` is written after
    “推荐单位：” (e.g. “石家庄市工业和信息化局”). Rows are written in the given order, which is the
    unit's recommended order (province-wide: units in the province file's order, then each unit's
    order). ``date`` empty leaves “年  月  日” blank for the hand-written date next to the seal.
    """

    unit_name: str
    year: str
    bureau: str
    factories: Sequence[SummaryRow] = ()
    parks: Sequence[SummaryRow] = ()
    supply_chains: Sequence[SummaryRow] = ()
    province_wide: bool = False
    date: dt.date | None = None
    # The batch's layout (data/layouts/); None: the 2024 notice's 附件1.
    layout: SummaryLayout | None = None

    @property
    def shape(self) -> SummaryLayout:
        return self.layout or load_layout().summary_table

    @property
    def edition(self) -> str:
        return "province" if self.province_wide else "unit"

    @property
    def title(self) -> str:
        return self.shape.title_for(self.unit_name, self.year)

    def rows_of(self, category: str) -> Sequence[SummaryRow]:
        return {"factory": self.factories, "park": self.parks, "supply_chain": self.supply_chains}.get(
            category, ()
        )


@dataclass(frozen=True)
class Consultation:
    """A department's opinion on the draft list (rule C1). ``recorded`` empty means not yet given;
    the letter then leaves a visible placeholder instead of inventing one."""

    department: str  # label, e.g. “生态环境部门”
    agrees: bool
    recorded: dt.date | None
    opinion: str = ""


@dataclass(frozen=True)
class LetterData:
    """The unit's formal recommendation (推荐意见正式文件) as a draft to edit and seal.

    ``counts`` maps a category label (“绿色工厂”, “绿色工业园区”, “绿色供应链管理企业”) to the number
    recommended; ``recommended`` maps the same labels to the names in recommended order (may be
    empty: then only the counts are cited). ``addressee`` and ``notice_issuer`` come from the batch
    file's ``source.issuer`` (Hebei: 河北省工业和信息化厅). ``attachments`` are extra items after
    the summary table, which is always attachment 1.
    """

    unit_name: str
    bureau: str
    year: str
    batch_title: str  # e.g. “2024年度国家绿色制造名单推荐”
    notice_title: str  # e.g. “关于组织推荐2024年度国家绿色制造名单的通知”
    counts: Mapping[str, int]
    recommended: Mapping[str, Sequence[str]] = field(default_factory=dict)
    consultations: Sequence[Consultation] = ()
    date: dt.date | None = None
    addressee: str = "河北省工业和信息化厅"
    notice_issuer: str = ""  # empty: the addressee issued the notice
    attachments: Sequence[str] = ()
    contact_person: str = ""
    contact_phone: str = ""
    # The batch's layouts (data/layouts/); None: the 2024 ones.
    layout: LetterLayout | None = None
    summary_layout: SummaryLayout | None = None

    @property
    def shape(self) -> LetterLayout:
        return self.layout or load_layout().letter

    @property
    def summary_table_title(self) -> str:
        return (self.summary_layout or load_layout().summary_table).title_for(self.unit_name, self.year)
