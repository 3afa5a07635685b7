"""Evidence per indicator and the city's 真实/准确/先进 checks (2025 self-evaluation), with the
cross-check against the energy-level table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.evidence import attach_evidence, cross_checks, evidence_by_indicator, record_check
from greenlist.campaign.models import Application, IndicatorCheck
from greenlist.rules.facts import EnergyLevel
from greenlist.scoping import unscoped

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEEL = EnergyLevel("粗钢", "kgce/t", benchmark=Decimal("435"), baseline=Decimal("465"))


def test_the_applicant_attaches_evidence_to_an_indicator(personas: Any) -> None:
    with unscoped():
        item = attach_evidence(
            personas.app_y, indicator="EN1", name="能源统计报表.pdf", data=PDF, actor=personas.applicant_y
        )
        assert evidence_by_indicator(personas.app_y) == {"EN1": [item]}
        event = AuditEvent.objects.filter(action=Action.ATTACHMENT_UPLOADED).latest("pk")
        assert event.details["indicator"] == "EN1"
    with pytest.raises(ActionRefused, match="请选择佐证材料所属的指标"):
        attach_evidence(personas.app_y, indicator=" ", name="x.pdf", data=PDF, actor=personas.applicant_y)
    with pytest.raises(ActionRefused, match="只有申报单位本身"):
        attach_evidence(personas.app_y, indicator="EN1", name="x.pdf", data=PDF, actor=personas.applicant_x)


def _under_review(application: Application) -> Application:
    with unscoped():
        Application.objects.filter(pk=application.pk).update(state="city_review")
        return Application.objects.get(pk=application.pk)


def test_the_city_records_a_check_or_a_query_and_each_is_audited(personas: Any) -> None:
    app = _under_review(personas.app_x)
    with unscoped():
        check = record_check(
            app,
            indicator="EN1",
            actor=personas.city_a,
            authentic=True,
            accurate=True,
            advanced=False,
            note="低于行业先进值",
        )
        assert (check.status, check.authentic, check.accurate, check.advanced) == (
            "confirmed",
            True,
            True,
            False,
        )
        queried = record_check(app, indicator="EN1", actor=personas.city_a, query="请补充2024年能源审计报告")
        assert IndicatorCheck.objects.filter(application=app).count() == 1  # one record per indicator
        assert (queried.status, queried.query) == ("queried", "请补充2024年能源审计报告")
        actions = list(
            AuditEvent.objects.filter(action__in=[Action.INDICATOR_CHECKED, Action.INDICATOR_QUERIED])
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [Action.INDICATOR_CHECKED, Action.INDICATOR_QUERIED]


@pytest.mark.parametrize(
    ("who", "state", "kwargs", "message"),
    [
        (
            "city_b",
            "city_review",
            {"authentic": True, "accurate": True, "advanced": True},
            "只有该申报的推荐单位",
        ),
        (
            "applicant_x",
            "city_review",
            {"authentic": True, "accurate": True, "advanced": True},
            "只有该申报的推荐单位",
        ),
        (
            "city_a",
            "draft",
            {"authentic": True, "accurate": True, "advanced": True},
            "只有已提交或审核中的申报",
        ),
        ("city_a", "city_review", {"authentic": True}, "逐项作出判断"),
    ],
)
def test_a_refused_check_changes_nothing(
    personas: Any, who: str, state: str, kwargs: Any, message: str
) -> None:
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state=state)
        app = Application.objects.get(pk=personas.app_x.pk)
        before = AuditEvent.objects.count()
        with pytest.raises(ActionRefused, match=message):
            record_check(app, indicator="EN1", actor=getattr(personas, who), **kwargs)
        assert (IndicatorCheck.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_the_city_checks_on_the_indicator_page(personas: Any) -> None:
    _under_review(personas.app_x)
    client = personas.client(personas.city_a)
    response = client.post(
        f"/applications/{personas.app_x.pk}/indicators/check/",
        {"indicator": "EN1", "query": "数据与统计报表不一致，请说明"},
    )
    assert response.status_code == 302
    with unscoped():
        assert IndicatorCheck.objects.get(application=personas.app_x).query == "数据与统计报表不一致，请说明"


def entry(value: str, leading: str, baseline: str, unit: str = "") -> dict[str, Any]:
    return {"indicators": {"EN1": {"value": value, "leading": leading, "baseline": baseline, "unit": unit}}}


@pytest.mark.parametrize(
    ("indicators", "unit_energy", "messages"),
    [
        # full marks on EN1 while the declared energy use misses the table's 基准水平 (465)
        (entry("0.40", "0.45", "0.60"), Decimal("480"), ["未达到能效基准水平465kgce/t"]),
        (entry("0.40", "0.45", "0.60"), Decimal("450"), []),  # between benchmark and baseline: no clash
        (entry("0.50", "0.45", "0.60"), Decimal("480"), []),  # EN1 not at full marks: no claim to contradict
        # a 基准值 in the table's own unit laxer than the table's
        (entry("440", "430", "480", "kgce/t"), Decimal("440"), ["比能效参考表的基准水平465kgce/t更宽松"]),
        (entry("440", "430", "480", "tce/t"), Decimal("440"), []),  # another unit: not comparable
    ],
)
def test_cross_checks_against_the_energy_level_table(
    indicators: dict[str, Any], unit_energy: Decimal, messages: list[str]
) -> None:
    found = cross_checks(indicators, "粗 钢", unit_energy, {"粗钢": STEEL})
    assert len(found) == len(messages)
    for check, text in zip(found, messages, strict=True):
        assert (check.indicator, text in check.message) == ("EN1", True)
    assert cross_checks(indicators, "水泥熟料", unit_energy, {"粗钢": STEEL}) == []


def test_the_indicator_page_lists_evidence_and_checks_per_indicator(personas: Any) -> None:
    with unscoped():
        attach_evidence(
            personas.app_y, indicator="EN1", name="能源审计报告.pdf", data=PDF, actor=personas.applicant_y
        )
    page = personas.client(personas.applicant_y).get(
        f"/applications/{personas.app_y.pk}/indicators/", {"system": "gbt36132-2025"}
    )
    text = page.content.decode()
    assert "佐证材料与核查（真实性、准确性、先进性）" in text
    assert "能源审计报告.pdf" in text
    assert 'name="indicator" value="EN2"' in text  # an upload form on every indicator line
    assert "indicators/check/" not in text  # the applicant does not check its own data


def test_a_2025_factory_is_scored_with_the_batchs_indicator_system(personas: Any) -> None:
    from greenlist.campaign.models import Batch
    from greenlist.campaign.scores import default_system

    with unscoped():
        application = Application.objects.create(
            batch=Batch.current("2025"),
            organisation=personas.org_y,
            unit=personas.org_y.unit,
            category="factory",
        )
    assert default_system(application).id == "gbt36132-2025"
    assert default_system(personas.app_y).id == "gbt36132-2018"  # 2024 unchanged


def test_the_city_and_the_province_see_cross_checks_against_the_filing_and_the_register(
    personas: Any,
) -> None:
    from greenlist.dynamic.models import Filing, FilingState
    from greenlist.registry.models import ProvincialListEntry

    with unscoped():
        entry = ProvincialListEntry.objects.get(uscc=personas.org_y.uscc)
        Filing.objects.create(
            entry=entry,
            cycle_year=2025,
            form_version="dynamic-form-v1",
            values={"energy_intensity": "0.40", "renewable_share": "12"},
            state=FilingState.ACCEPTED,
        )
        Application.objects.filter(pk=personas.app_y.pk).update(
            state="submitted",
            indicators={
                "system": "gbt36132-2025",
                "indicators": {
                    "EN1": {"value": "0.30", "unit": "tce/万元"},
                    "EN3": {"value": "14", "unit": "%"},  # 2 points from 12: within the threshold
                },
            },
        )
    url = f"/applications/{personas.app_y.pk}/indicators/"
    for who in ("city_b", "province"):
        text = personas.client(getattr(personas, who)).get(url, {"system": "gbt36132-2025"}).content.decode()
        assert "自评价EN1填报0.3吨标准煤/万元，低于2025年度动态管理表" in text
        assert "可再生能源使用比例" not in text
        # the register holds another name for Y's code (the personas' list entries are numbered)
        assert f"申报名称“{personas.org_y.name}”与名录记载的名称“{entry.name}”不一致" in text
    own = personas.client(personas.applicant_y).get(url, {"system": "gbt36132-2025"}).content.decode()
    assert "动态管理表" not in own
