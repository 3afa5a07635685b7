from __future__ import annotations

from greenlist.audit.models import Action, AuditEvent
from greenlist.registry.reference import current_energy_levels
from greenlist.scoping import unscoped


def test_everyone_sees_the_table_with_unverified_values_marked(personas):
    page = personas.client(personas.applicant_x).get("/reference/").content.decode()
    assert "水泥熟料" in page and "待核实" in page and "高炉工序" in page


def test_the_province_corrects_a_value_and_screening_uses_it_at_once(personas):
    client = personas.client(personas.province)
    client.post(
        "/reference/",
        {
            "product": "水泥熟料",
            "unit": "kgce/t",
            "benchmark": "98",
            "baseline": "117",
            "confidence": "A",
            "lower_is_better": "on",
            "key_industry": "on",
            "source": "发改产业〔2023〕723号附件",
            "reason": "据原文核对更正",
        },
    )
    level = current_energy_levels()["水泥熟料"]
    assert (level.benchmark, level.confidence) == (98, "A")
    with unscoped():
        event = AuditEvent.objects.get(action=Action.REFERENCE_CHANGED)
    assert event.reason == "据原文核对更正" and event.details["from"]["benchmark"] == "100"


def test_a_correction_needs_a_reason_and_a_sane_order(personas):
    client = personas.client(personas.province)
    page = client.post(
        "/reference/",
        {
            "product": "新产品",
            "benchmark": "150",
            "baseline": "100",
            "source": "x",
            "lower_is_better": "on",
            "reason": "新增",
        },
        follow=True,
    ).content.decode()
    assert "标杆水平应优于基准水平" in page
    page = client.post("/reference/", {"product": "新产品", "source": "x"}, follow=True).content.decode()
    assert "须填写理由" in page
    assert "新产品" not in current_energy_levels()
