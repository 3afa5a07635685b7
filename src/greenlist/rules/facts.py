"""Plain data the rules read. The database layer builds these; tests build them by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method, ParkLevel, RecordType


@dataclass(frozen=True)
class NegativeRecord:
    """A dated fact that can exclude an applicant (E1–E6).

    ``end`` is the day the state ended (removed from a list, production resumed, rectification
    completed, a list removal undone); ``None`` means still in force.
    """

    type: RecordType
    start: dt.date
    end: dt.date | None = None
    uscc: str = ""
    name: str = ""
    source: str = ""
    note: str = ""
    matched_by_name: bool = False  # matched to the applicant by normalised name, not uscc


@dataclass(frozen=True)
class ListEntry:
    """A provincial (or national) green-list entry."""

    uscc: str
    name: str
    category: Category
    level: ListLevel
    unit: str  # recommending unit's name, e.g. "石家庄市"
    year: int
    status: ListStatus
    revoked_on: dt.date | None = None


@dataclass(frozen=True)
class ParkFacts:
    level: ParkLevel | None = None
    industrial_share: Decimal | None = None  # percent, e.g. Decimal("62.5")
    manufacturing_and_energy: bool | None = None  # 主要功能为产品制造和能源供给
    legal_boundary: bool | None = None
    management_body: bool | None = None
    low_carbon_pilot: bool = False  # 国家低碳工业园区试点
    high_tech_zone: bool = False  # 高新技术开发区
    green_factories_inside: int | None = None  # as the applicant declared it
    # Active green factories the register places in the park (list entries naming it); None when
    # the register records no park for any entry, and the declared count is all there is.
    green_factories_registered: int | None = None

    @property
    def green_factories(self) -> tuple[int | None, str]:
        """The count P2 ranks by and where it comes from: the register first."""
        if self.green_factories_registered is not None:
            return self.green_factories_registered, "register"
        return self.green_factories_inside, "declared"


@dataclass(frozen=True)
class SupplyChainFacts:
    green_factory_suppliers: int | None = None
    producer_responsibility_pilot: bool = False  # 汽车产品生产者责任延伸试点


@dataclass(frozen=True)
class EnergyLevel:
    """One product's energy-efficiency reference values (F3); lower is better unless stated."""

    product: str
    unit: str
    benchmark: Decimal | None  # 标杆水平 (key industries)
    baseline: Decimal | None  # 基准水平
    grade1: Decimal | None = None  # 能耗限额 1级 / 先进值 (other industries)
    lower_is_better: bool = True
    key_industry: bool = True
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class Application:
    uscc: str
    name: str
    category: Category
    unit: str  # recommending unit's name
    method: Method
    industry: str = ""
    industry_code: str = ""  # GB/T 4754-2017 code, when known (F2, F3, S2)
    evaluator_uscc: str = ""
    score: Decimal | None = None
    submitted_at: dt.datetime | None = None
    no_result_promise: bool = False  # 无结果承诺声明 (V4)
    standard_used: str = ""  # evaluation standard named by the applicant (F2)
    product: str = ""
    unit_energy: Decimal | None = None  # 单位产品能耗 (F3)
    park: ParkFacts = field(default_factory=ParkFacts)
    supply_chain: SupplyChainFacts = field(default_factory=SupplyChainFacts)
    has_experience_report: bool = False  # R1
    has_evaluation_report: bool = False  # R1: a third-party evaluation's report is uploaded
    # The evaluator accepted the engagement (V3 counts only accepted ones); True where the caller
    # knows of no engagement (plain facts, the workbook: the city vouches for the sheet).
    engagement_accepted: bool = True
    key: str = ""  # caller's identifier (e.g. database id), echoed back untouched


@dataclass(frozen=True)
class Diagnosis:
    evaluator_uscc: str
    client_uscc: str
    day: dt.date
    client_province: str  # e.g. "河北省"


@dataclass(frozen=True)
class BlacklistEntry:
    evaluator_uscc: str
    listed_on: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Evaluator:
    uscc: str
    name: str
    diagnoses: tuple[Diagnosis, ...] = ()
    blacklist: tuple[BlacklistEntry, ...] = ()
    # 所属法人统一社会信用代码: set on a branch (分公司, 分支机构); empty on a legal entity itself.
    legal_entity_uscc: str = ""

    @property
    def entity_uscc(self) -> str:
        """The legal entity V1–V3 judge this evaluator as (二（四）"同一法人的评价机构")."""
        return self.legal_entity_uscc or self.uscc


@dataclass(frozen=True)
class UnitFacts:
    """What unit-level rules (Q1, C1, D1) read about one recommending unit."""

    name: str
    provincial_factories: int  # active provincial green factories of the unit
    recommended_factories: int
    consulted_departments: frozenset[str] = frozenset()
    # Departments that disagreed and whose opinion the city has not yet recorded handling of (C1).
    unhandled_dissent: frozenset[str] = frozenset()
    quota_override: int | None = None  # set only by the province, with a recorded reason
    quota_override_reason: str = ""
    reopened_until: dt.datetime | None = None  # the province reopened submission (D1)


@dataclass(frozen=True)
class RegionalAverage:
    """The average score of the province's active units of one category at one list level, in the
    latest year the register holds scores for (A1)."""

    category: Category
    level: ListLevel
    year: int
    average: Decimal
    units: int
