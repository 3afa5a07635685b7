from __future__ import annotations

from decimal import Decimal

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from greenlist.scoring.systems import find_system


def full_marks_form(system_id: str) -> dict[str, str]:
    system = find_system(system_id)
    data = {"system": system.id}
    for requirement in system.basic_requirements:
        data[f"br-{requirement.id}"] = "yes"
    for indicator in system.indicators:
        if indicator.quantitative:
            data[f"leading-{indicator.id}"] = "10"
            data[f"baseline-{indicator.id}"] = "20"
            data[f"value-{indicator.id}"] = "5" if indicator.kind == "inverse" else "25"
            if indicator.kind == "forward":
                data[f"leading-{indicator.id}"], data[f"baseline-{indicator.id}"] = "20", "10"
        else:
            data[f"value-{indicator.id}"] = "1"
    return data


def test_the_live_preview_scores_without_saving(personas):
    # Industry reference values are the evaluator's to state (the applicant's are ignored).
    client = personas.client(personas.evaluator)
    page = client.post(
        f"/applications/{personas.app_x.pk}/indicators/preview/", full_marks_form("gbt36132-2025")
    ).content.decode()
    assert "100" in page and "分" in page
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).score is None


def test_a_failed_basic_requirement_vetoes_whatever_the_score(personas):
    form = full_marks_form("gbt36132-2025")
    first = find_system("gbt36132-2025").basic_requirements[0].id
    form[f"br-{first}"] = "no"
    page = (
        personas.client(personas.evaluator)
        .post(f"/applications/{personas.app_x.pk}/indicators/preview/", form)
        .content.decode()
    )
    assert "不符合" in page and "f-exclude" in page


def test_saving_writes_the_score_and_standard_and_is_audited(personas):
    client = personas.client(personas.evaluator)
    client.post(f"/applications/{personas.app_x.pk}/indicators/", full_marks_form("gbt36132-2025"))
    with unscoped():
        app = Application.objects.get(pk=personas.app_x.pk)
        event = AuditEvent.objects.filter(action=Action.APPLICATION_UPDATED, object_id=str(app.pk)).get()
    assert app.score == Decimal("100.00") and app.evaluation_standard == "GB/T 36132-2025"
    assert event.reason == "填写评价指标"


def test_unverified_values_are_marked_and_outsiders_cannot_save(personas):
    page = (
        personas.client(personas.city_a)
        .get(f"/applications/{personas.app_x.pk}/indicators/?system=gbt36132-2018")
        .content.decode()
    )
    assert "待核实" in page
    personas.client(personas.city_a).post(
        f"/applications/{personas.app_x.pk}/indicators/", full_marks_form("gbt36132-2025")
    )
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).score is None


def test_an_applicant_cannot_state_reference_values(personas):
    """引领值/基准值 come from the indicator system or the evaluator: the applicant's form fields
    for them are not drawn, and any it posts are ignored."""
    client = personas.client(personas.applicant_x)
    page = client.get(f"/applications/{personas.app_x.pk}/indicators/?system=gbt36132-2025").content.decode()
    assert 'name="leading-' not in page and 'name="baseline-' not in page
    assert 'name="value-' in page
    preview = client.post(
        f"/applications/{personas.app_x.pk}/indicators/preview/", full_marks_form("gbt36132-2025")
    ).content.decode()
    assert "缺少引领值" in preview


def test_each_table_marks_unverified_once_and_keeps_maintainer_notes_out(personas):
    page = (
        personas.client(personas.evaluator)
        .get(f"/applications/{personas.app_x.pk}/indicators/?system=park-2016")
        .content.decode()
    )
    system = find_system("park-2016")
    assert page.count("待核实") <= len(system.areas) + 3  # once per table, not per line
    assert "占位" not in page and "title=" not in page.split("<main", 1)[1].split("</form>", 1)[0]


def test_a_typed_score_is_not_replaced_without_asking(personas):
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(score=Decimal("88.5"))
    client = personas.client(personas.evaluator)
    url = f"/applications/{personas.app_x.pk}/indicators/"
    page = client.post(url, full_marks_form("gbt36132-2025")).content.decode()
    assert "88.50" in page and "100.00" in page and 'name="replace_score"' in page
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).score == Decimal("88.5")
    client.post(url, {**full_marks_form("gbt36132-2025"), "replace_score": "1"})
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).score == Decimal("100.00")


def test_a_bad_number_is_named_by_the_indicator(personas):
    system = find_system("gbt36132-2025")
    indicator = next(i for i in system.indicators if i.quantitative)
    form = {**full_marks_form("gbt36132-2025"), f"value-{indicator.id}": "abc"}
    page = (
        personas.client(personas.evaluator)
        .post(f"/applications/{personas.app_x.pk}/indicators/preview/", form)
        .content.decode()
    )
    assert f"“{indicator.name}”的实际值应填写数字" in page
    assert indicator.id not in page and "value" not in page


def test_a_self_evaluated_applicant_states_the_industry_values_itself(personas):
    """No evaluator exists for a self-evaluation: there the applicant states 引领值/基准值."""
    assert personas.app_y.method == "self"
    client = personas.client(personas.applicant_y)
    page = client.get(f"/applications/{personas.app_y.pk}/indicators/?system=gbt36132-2025").content.decode()
    assert 'name="leading-' in page
    preview = client.post(
        f"/applications/{personas.app_y.pk}/indicators/preview/", full_marks_form("gbt36132-2025")
    ).content.decode()
    assert "100" in preview and "缺少引领值" not in preview
