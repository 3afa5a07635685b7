"""The campaign's vocabulary (docs/contracts/vocabulary.md), as enums whose values are the code names and whose
labels are the Chinese terms used in workbooks, documents and the UI."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label, looked up both ways."""

    label: str

    if TYPE_CHECKING:

        @property
        def value(self) -> str: ...  # members are ("code", "标签") pairs; the value is the code

    else:  # mypy would otherwise read Category("factory") as a call missing its label

        def __new__(cls, value: str, label: str) -> LabelledEnum:
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Category(LabelledEnum):
    FACTORY = "factory", "绿色工厂"
    PARK = "park", "绿色工业园区"
    SUPPLY_CHAIN = "supply_chain", "绿色供应链管理企业"


class Method(LabelledEnum):
    SELF = "self", "自评价"
    THIRD_PARTY = "third_party", "第三方评价"


class ListLevel(LabelledEnum):
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"
    MUNICIPAL = "municipal", "市级"


class ListStatus(LabelledEnum):
    ACTIVE = "active", "有效"
    REVOKED = "revoked", "已撤销"


class ParkLevel(LabelledEnum):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    OTHER = "other", "其他"


class RecordType(LabelledEnum):
    """Negative-record types of the exchange workbook's 负面记录 sheet, grouped by rule id."""

    DEREGISTERED = "deregistered", "注销"
    HALTED = "halted", "停产"
    ABNORMAL_OPERATION = "abnormal_operation", "经营异常名录"
    SAFETY_ACCIDENT = "safety_accident", "安全事故"
    CYBER_SECURITY_INCIDENT = "cyber_security_incident", "网络安全事故"
    DATA_SECURITY_INCIDENT = "data_security_incident", "数据安全事故"
    QUALITY_ACCIDENT = "quality_accident", "质量事故"
    POLLUTION_ACCIDENT = "pollution_accident", "环境污染事故"
    TAX_EVASION = "tax_evasion", "偷漏税"
    VIOLATION = "violation", "违法违规"
    LIST_REMOVAL = "list_removal", "名单撤销"
    INSPECTION_PROBLEM = "inspection_problem", "督查严重问题"
    ENERGY_RECTIFICATION = "energy_rectification", "节能监察整改"
    DISHONEST_DEBTOR = "dishonest_debtor", "失信被执行人"


class Department(LabelledEnum):
    """The departments a city must consult (rule C1)."""

    ECOLOGY_ENVIRONMENT = "ecology_environment", "生态环境部门"
    EMERGENCY_MANAGEMENT = "emergency_management", "应急管理部门"
    MARKET_REGULATION = "market_regulation", "市场监管部门"


class Effect(LabelledEnum):
    """What a finding does to an application or a unit's submission."""

    EXCLUDE = "exclude", "不得推荐"
    BLOCK = "block", "须处理后方可报送"
    WARN = "warn", "提示"
    PRIORITY = "priority", "优先推荐"
