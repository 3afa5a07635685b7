"""Builds the demo data set as plain specs, from a fixed seed: same input, same output.

Every organisation, code and record here is synthetic. Counts follow the shape of
docs/sources.md §5 (石家庄 and 唐山 largest, 定州/辛集/雄安 single digits).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from greenlist.rules.uscc import ALPHABET, make_uscc
from greenlist.rules.vocabulary import Category, RecordType

SEED = 2024

# Synthetic provincial green-factory counts per unit (labelled synthetic in the UI and docs).
PROVINCIAL_FACTORIES = {
    "石家庄市": 48,
    "唐山市": 44,
    "秦皇岛市": 14,
    "邯郸市": 30,
    "邢台市": 22,
    "保定市": 28,
    "张家口市": 9,
    "承德市": 8,
    "沧州市": 36,
    "廊坊市": 18,
    "衡水市": 12,
    "定州市": 4,
    "辛集市": 3,
    "雄安新区": 2,
}
# Share of each unit's provincial green factories that apply for the national list this year.
APPLY_SHARE = Decimal("0.8")

WORDS = [
    "华信",
    "冀中",
    "恒达",
    "瑞丰",
    "新奥",
    "金隅",
    "宏运",
    "永安",
    "鼎盛",
    "天成",
    "长城",
    "燕赵",
    "博远",
    "中孚",
    "广源",
    "泰和",
    "润泽",
    "弘毅",
    "正大",
    "晨光",
    "安泰",
    "旭阳",
    "宝源",
    "兴达",
    "万通",
    "信德",
    "立中",
    "同辉",
    "凯盛",
    "东方",
    "北辰",
    "海川",
    "银河",
    "振华",
    "嘉禾",
    "德隆",
    "康泰",
    "明远",
    "启航",
    "精诚",
    "盛世",
    "华北",
    "太行",
    "渤海",
    "滦河",
    "滹沱",
    "白洋",
    "紫荆",
    "星海",
    "京冀",
]
FACTORY_INDUSTRIES = [
    ("钢铁", "钢铁有限公司"),
    ("水泥", "水泥有限公司"),
    ("焦化", "焦化有限公司"),
    ("机械", "机械制造有限公司"),
    ("汽车零部件", "汽车部件有限公司"),
    ("电子", "电子科技有限公司"),
    ("纺织", "纺织有限公司"),
    ("医药", "药业有限公司"),
    ("食品", "食品有限公司"),
    ("化工", "化工有限公司"),
    ("玻璃", "玻璃有限公司"),
    ("造纸", "纸业有限公司"),
    ("新材料", "新材料股份有限公司"),
    ("家电", "电器有限公司"),
]
SUPPLY_CHAIN_INDUSTRIES = [
    ("汽车", "汽车集团有限公司"),
    ("机械", "重工机械集团有限公司"),
    ("电子", "电子信息集团有限公司"),
    ("纺织", "纺织集团股份有限公司"),
    ("通信设备", "通信制造有限公司"),
    ("食品", "食品集团有限公司"),
    ("钢铁", "钢铁集团有限公司"),
]
PRODUCTS = {
    "水泥": ("水泥熟料", Decimal("98"), Decimal("112")),
    "钢铁": ("高炉工序", Decimal("355"), Decimal("420")),
    "焦化": ("捣固焦炉", Decimal("108"), Decimal("135")),
}


@dataclass
class OrgSpec:
    uscc: str
    name: str
    unit: str
    industry: str


@dataclass
class EvaluatorSpec:
    uscc: str
    name: str
    profile: str  # normal | near_cap | over_cap | blacklisted | no_diagnosis
    declaration: bool = True


@dataclass
class ApplicationSpec:
    org: OrgSpec
    category: Category
    method: str
    evaluator: str  # uscc or ""
    score: Decimal
    submitted_at: dt.datetime
    no_result_promise: bool
    target_state: str
    product: str = ""
    unit_energy: Decimal | None = None
    park: dict[str, object] = field(default_factory=dict)
    supply_chain: dict[str, object] = field(default_factory=dict)


@dataclass
class ListSpec:
    uscc: str
    name: str
    category: Category
    level: str
    unit: str
    year: int
    status: str
    revoked_on: dt.date | None = None


@dataclass
class RecordSpec:
    uscc: str
    name: str
    type: RecordType
    start: dt.date
    end: dt.date | None
    source: str
    note: str


@dataclass
class DemoData:
    orgs: list[OrgSpec]
    evaluators: list[EvaluatorSpec]
    diagnoses: list[tuple[str, str, dt.date, str]]
    blacklist: list[tuple[str, dt.date, str]]
    list_entries: list[ListSpec]
    records: list[RecordSpec]
    applications: list[ApplicationSpec]


class _Codes:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def make(self, region6: str, kind: str = "91") -> str:
        while True:
            org = "".join(self.rng.choice(ALPHABET) for _ in range(9))
            code = make_uscc(kind + region6 + org)
            if code not in self.seen:
                self.seen.add(code)
                return code


def _time(rng: random.Random) -> dt.datetime:
    tz = dt.timezone(dt.timedelta(hours=8))
    day = dt.date(2024, 6, 3) + dt.timedelta(days=rng.randrange(0, 44))
    return dt.datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(0, 60), tzinfo=tz)


def generate(unit_regions: dict[str, str]) -> DemoData:
    """``unit_regions``: unit name → its administrative-division prefix (from the province file)."""
    rng = random.Random(SEED)
    codes = _Codes(rng)
    names: set[str] = set()

    def org_name(unit: str, suffix: str) -> str:
        place = unit.removesuffix("市").removesuffix("新区")
        while True:
            group = "（集团）" if rng.random() < 0.15 else ""
            candidate = f"{place}{rng.choice(WORDS)}{rng.choice(WORDS)}{group}{suffix}"
            if candidate not in names:
                names.add(candidate)
                return candidate

    def region6(unit: str) -> str:
        prefix = unit_regions[unit]
        return (prefix + f"{rng.randrange(1, 30):02d}" + "00")[:6] if len(prefix) == 4 else prefix

    evaluators = [
        EvaluatorSpec(codes.make("110108", "12"), "中节能（北京）绿色评价中心", "near_cap"),
        EvaluatorSpec(codes.make("130102", "91"), "河北冀能绿色制造评价研究院有限公司", "over_cap"),
        EvaluatorSpec(codes.make("120116", "91"), "天津渤海节能技术评估有限公司", "blacklisted"),
        EvaluatorSpec(codes.make("130203", "91"), "唐山碧源环境咨询有限公司", "no_diagnosis"),
        EvaluatorSpec(codes.make("130603", "91"), "保定华电能效评价有限公司", "normal", declaration=False),
    ] + [
        EvaluatorSpec(codes.make(region, "91"), name, "normal")
        for region, name in [
            ("130104", "石家庄绿源工业评价有限公司"),
            ("110105", "中环联合（北京）认证中心有限公司"),
            ("130902", "沧州渤海绿色发展研究院"),
            ("131002", "廊坊中科节能服务有限公司"),
            ("130402", "邯郸冀南节能评估有限公司"),
            ("370102", "山东鲁信绿色评价有限公司"),
            ("130502", "邢台顺德节能技术服务有限公司"),
            ("130302", "秦皇岛港城绿色认证有限公司"),
            ("110102", "北京中标绿色制造评价中心"),
            ("130702", "张家口坝上低碳技术有限公司"),
            ("131102", "衡水湖绿色工业研究院"),
            ("130802", "承德山庄节能评估有限公司"),
            ("120103", "天津中环清洁生产审核中心"),
            ("130602", "保定华北电力节能评估中心"),
        ]
    ]
    by_profile = {e.profile: e for e in evaluators}
    normal = [e for e in evaluators if e.profile == "normal"]

    diagnoses: list[tuple[str, str, dt.date, str]] = []
    for evaluator in evaluators:
        if evaluator.profile == "no_diagnosis":
            # Only an out-of-window, and an out-of-province, diagnosis: V1 fails.
            diagnoses.append((evaluator.uscc, codes.make("130203"), dt.date(2020, 5, 12), "河北省"))
            diagnoses.append((evaluator.uscc, codes.make("120101"), dt.date(2023, 9, 1), "天津市"))
            continue
        for _ in range(rng.randrange(2, 5)):
            client = codes.make(region6(rng.choice(list(unit_regions))))
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
            diagnoses.append((evaluator.uscc, client, day, "河北省"))
    blacklist = [
        (by_profile["blacklisted"].uscc, dt.date(2023, 3, 15), "评价报告数据弄虚作假，经查实列入黑名单")
    ]

    orgs: list[OrgSpec] = []
    list_entries: list[ListSpec] = []
    applications: list[ApplicationSpec] = []
    third_party_queue: list[EvaluatorSpec] = [by_profile["near_cap"]] * 14 + [by_profile["over_cap"]] * 17
    third_party_queue += [by_profile["blacklisted"]] * 4 + [by_profile["no_diagnosis"]] * 5
    third_party_queue += [by_profile["normal"]] * 3
    rng.shuffle(third_party_queue)

    rotation = iter(normal * 15)  # the other evaluators share the rest evenly, below the cap

    def pick_method() -> tuple[str, str, bool]:
        if rng.random() < 0.4:
            return "self", "", False
        evaluator = third_party_queue.pop() if third_party_queue else next(rotation)
        return "third_party", evaluator.uscc, evaluator.declaration

    for unit, count in PROVINCIAL_FACTORIES.items():
        unit_orgs: list[OrgSpec] = []
        for index in range(count):
            industry, suffix = rng.choice(FACTORY_INDUSTRIES)
            org = OrgSpec(codes.make(region6(unit)), org_name(unit, suffix), unit, industry)
            unit_orgs.append(org)
            orgs.append(org)
            year = rng.choice([2019, 2020, 2021, 2022, 2023])
            revoked = index == 5 and count > 20  # a few revoked provincial entries (E3 / F1)
            list_entries.append(
                ListSpec(
                    org.uscc,
                    org.name,
                    Category.FACTORY,
                    "provincial",
                    unit,
                    year,
                    "revoked" if revoked else "active",
                    dt.date(2023, 11, 20) if revoked else None,
                )
            )
        applying = unit_orgs[: max(1, int(count * APPLY_SHARE))]
        for org in applying:
            method, evaluator_uscc, declared = pick_method()
            product, energy = "", None
            if org.industry in PRODUCTS:
                product, good, bad = PRODUCTS[org.industry]
                energy = rng.choice([good, bad, (good + bad) / 2])
            applications.append(
                ApplicationSpec(
                    org,
                    Category.FACTORY,
                    method,
                    evaluator_uscc,
                    Decimal(rng.randrange(7200, 9800)) / 100,
                    _time(rng),
                    declared if method == "third_party" else False,
                    "submitted",
                    product,
                    energy,
                )
            )
        # One factory applicant that is not on the provincial list (F1).
        industry, suffix = rng.choice(FACTORY_INDUSTRIES)
        outsider = OrgSpec(codes.make(region6(unit)), org_name(unit, suffix), unit, industry)
        orgs.append(outsider)
        if count >= 12:
            applications.append(
                ApplicationSpec(
                    outsider, Category.FACTORY, "self", "", Decimal("80.5"), _time(rng), False, "submitted"
                )
            )

    park_units = [
        "石家庄市",
        "唐山市",
        "邯郸市",
        "保定市",
        "沧州市",
        "廊坊市",
        "邢台市",
        "衡水市",
        "秦皇岛市",
        "雄安新区",
    ]
    for index, unit in enumerate(park_units * 2):
        name = f"{unit.removesuffix('市')}{rng.choice(['经济技术开发区', '高新技术产业开发区', '循环化工园区', '装备制造产业园'])}管理委员会"
        if name in names:
            name = name.replace("管理委员会", f"{index}区管理委员会")
        names.add(name)
        org = OrgSpec(codes.make(region6(unit), "11"), name, unit, "综合")
        orgs.append(org)
        method, evaluator_uscc, declared = pick_method()
        level = rng.choice(
            ["national", "provincial", "provincial", "municipal"] if index % 7 else ["municipal"]
        )
        park = {
            "park_level": level,
            "industrial_share": Decimal(rng.choice([48, 52, 61, 67, 73, 80])),
            "manufacturing_and_energy": index % 9 != 4,
            "legal_boundary": True,
            "management_body": index % 11 != 6,
            "low_carbon_pilot": index % 5 == 0,
            "high_tech_zone": "高新" in name,
            "green_factories_inside": rng.randrange(0, 18),
        }
        applications.append(
            ApplicationSpec(
                org,
                Category.PARK,
                method,
                evaluator_uscc,
                Decimal(rng.randrange(7000, 9500)) / 100,
                _time(rng),
                declared if method == "third_party" else False,
                "submitted",
                park=park,
            )
        )
        if index % 3 == 0:
            list_entries.append(
                ListSpec(org.uscc, org.name, Category.PARK, "provincial", unit, 2022, "active")
            )

    for unit in list(PROVINCIAL_FACTORIES)[:11] * 5:
        if rng.random() < 0.1:
            continue
        industry, suffix = rng.choice(SUPPLY_CHAIN_INDUSTRIES)
        org = OrgSpec(codes.make(region6(unit)), org_name(unit, suffix), unit, industry)
        orgs.append(org)
        if rng.random() < 0.6:
            list_entries.append(
                ListSpec(org.uscc, org.name, Category.FACTORY, "provincial", unit, 2021, "active")
            )
        if rng.random() < 0.2:
            list_entries.append(
                ListSpec(org.uscc, org.name, Category.SUPPLY_CHAIN, "provincial", unit, 2022, "active")
            )
        method, evaluator_uscc, declared = pick_method()
        applications.append(
            ApplicationSpec(
                org,
                Category.SUPPLY_CHAIN,
                method,
                evaluator_uscc,
                Decimal(rng.randrange(7000, 9600)) / 100,
                _time(rng),
                declared if method == "third_party" else False,
                "submitted",
                supply_chain={
                    "green_factory_suppliers": rng.randrange(0, 40),
                    "producer_responsibility_pilot": industry == "汽车" and rng.random() < 0.5,
                },
            )
        )

    records = _records(rng, codes, applications, unit_regions)
    return DemoData(orgs, evaluators, diagnoses, blacklist, list_entries, records, applications)


def _records(
    rng: random.Random, codes: _Codes, applications: list[ApplicationSpec], unit_regions: dict[str, str]
) -> list[RecordSpec]:
    """Negative records of every type: some hit applicants (inside or just outside the window,
    some matched only by name with other bracket widths), most concern other firms."""
    sources = {
        RecordType.DEREGISTERED: "国家企业信用信息公示系统",
        RecordType.HALTED: "市工业和信息化局",
        RecordType.ABNORMAL_OPERATION: "国家企业信用信息公示系统",
        RecordType.DISHONEST_DEBTOR: "中国执行信息公开网",
        RecordType.LIST_REMOVAL: "省工业和信息化厅",
        RecordType.INSPECTION_PROBLEM: "国务院督查通报",
        RecordType.ENERGY_RECTIFICATION: "省工业节能监察",
        RecordType.TAX_EVASION: "信用中国",
    }
    targets = [a for a in applications]
    rng.shuffle(targets)
    records: list[RecordSpec] = []
    cases: list[tuple[RecordType, dt.date, dt.date | None, str]] = [
        (RecordType.DEREGISTERED, dt.date(2023, 4, 10), None, "企业已办理工商注销登记"),
        (RecordType.HALTED, dt.date(2022, 3, 1), dt.date(2023, 5, 1), "连续停产14个月"),
        (RecordType.HALTED, dt.date(2023, 1, 1), dt.date(2023, 12, 1), "连续停产11个月（未达12个月）"),
        (RecordType.ABNORMAL_OPERATION, dt.date(2024, 2, 2), None, "未按规定报送年度报告"),
        (RecordType.ABNORMAL_OPERATION, dt.date(2022, 2, 2), dt.date(2022, 8, 30), "已移出经营异常名录"),
        (RecordType.SAFETY_ACCIDENT, dt.date(2023, 8, 17), None, "一般生产安全事故，1人受伤"),
        (RecordType.CYBER_SECURITY_INCIDENT, dt.date(2022, 11, 5), None, "工控系统遭勒索软件攻击"),
        (RecordType.DATA_SECURITY_INCIDENT, dt.date(2024, 1, 9), None, "客户数据泄露事件"),
        (RecordType.QUALITY_ACCIDENT, dt.date(2021, 7, 18), None, "产品质量事故（窗口期外一日）"),
        (RecordType.QUALITY_ACCIDENT, dt.date(2021, 7, 19), None, "产品质量事故（窗口期首日）"),
        (RecordType.POLLUTION_ACCIDENT, dt.date(2022, 6, 21), None, "废水超标排放，受到行政处罚"),
        (RecordType.TAX_EVASION, dt.date(2023, 3, 3), None, "偷税，已补缴"),
        (RecordType.VIOLATION, dt.date(2022, 9, 9), None, "违反环境影响评价制度"),
        (RecordType.LIST_REMOVAL, dt.date(2022, 12, 30), None, "被动态调整出省级绿色工厂名单"),
        (RecordType.LIST_REMOVAL, dt.date(2022, 12, 30), dt.date(2023, 6, 1), "调出后经复核恢复"),
        (RecordType.INSPECTION_PROBLEM, dt.date(2023, 10, 11), None, "能耗双控督查发现严重问题"),
        (RecordType.ENERGY_RECTIFICATION, dt.date(2023, 5, 1), None, "节能监察整改未完成"),
        (RecordType.ENERGY_RECTIFICATION, dt.date(2022, 5, 1), dt.date(2022, 12, 1), "已完成整改"),
        (RecordType.DISHONEST_DEBTOR, dt.date(2023, 7, 7), dt.date(2024, 3, 1), "曾被列为失信被执行人"),
        (RecordType.DISHONEST_DEBTOR, dt.date(2019, 1, 5), dt.date(2020, 2, 1), "已于窗口期前移出"),
    ]
    for index, (type_, start, end, note) in enumerate(cases):
        target = targets[index]
        by_name = index % 6 == 3  # some records carry no uscc and a differently bracketed name
        name = target.org.name
        if by_name:  # half-width brackets and stray spaces, as other registries write names
            name = name.replace("（", "(").replace("）", ")").replace("有限公司", " 有限公司") + " "
        records.append(
            RecordSpec(
                "" if by_name else target.org.uscc,
                name,
                type_,
                start,
                end,
                sources.get(type_, "信用中国"),
                note,
            )
        )
    for _ in range(400):  # firms that are not applicants
        unit = rng.choice(list(unit_regions))
        type_ = rng.choice(list(RecordType))
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2000))
        end = start + dt.timedelta(days=rng.randrange(60, 600)) if rng.random() < 0.4 else None
        records.append(
            RecordSpec(
                codes.make((unit_regions[unit] + "0200")[:6]),
                f"{unit}非申报企业{_}有限公司",
                type_,
                start,
                end,
                sources.get(type_, "信用中国"),
                "演示记录",
            )
        )
    return records
