"""Imports obey the same authority as the web: a unit writes only its own applicants, decided
applications are not rewritten, V3 holds, and every change is audited with old and new values."""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import NegativeRecord, Organisation, RecommendingUnit
from greenlist.scoping import unscoped
from tests.conftest import make_evaluator, make_org, new_uscc
from tests.exchange.workbooks import application_row, write_xlsx


def snapshot() -> list[tuple]:
    with unscoped():
        return [
            *Organisation.objects.order_by("pk").values_list("pk", "name", "unit_id", "industry"),
            *Application.objects.order_by("pk").values_list(
                "pk", "state", "method", "evaluator_id", "score", "version", "unit_id"
            ),
            AuditEvent.objects.count(),
        ]


@pytest.fixture
def units(db):
    with unscoped():
        return {u.name: u for u in RecommendingUnit.objects.all()}


def test_a_city_cannot_rewrite_another_citys_application_by_import(tmp_path, batch, make_application, units):
    with unscoped():
        evaluator = make_evaluator()
        victim = make_application(
            make_org("石家庄市", "石家庄真实公司"),
            method="third_party",
            evaluator=evaluator,
            score=91,
            state="city_recommended",
        )
    forged = application_row(victim.organisation.uscc, "冒名公司", 推荐单位="唐山市", 评价得分=1)
    path = write_xlsx(tmp_path / "b.xlsx", {"申报": [forged]})
    before = snapshot()
    report = import_workbook(path, batch=batch, only_unit=units["唐山市"])
    assert snapshot() == before
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码")]
    assert "其他推荐单位" in report.errors[0].reason
    # The message does not reveal which unit holds the firm.
    assert "石家庄" not in report.errors[0].reason


def test_every_cross_unit_row_is_listed_not_only_the_first(tmp_path, batch, units):
    with unscoped():
        others = [make_org("石家庄市", f"石家庄公司{i}") for i in range(3)]
    rows = [application_row(o.uscc, o.name, 推荐单位="唐山市") for o in others]
    rows.insert(1, application_row(new_uscc("130203"), "唐山新公司", 推荐单位="唐山市"))
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"申报": rows}), batch=batch, only_unit=units["唐山市"]
    )
    assert [e.row for e in report.errors] == [2, 4, 5]
    with unscoped():
        assert not Organisation.objects.filter(name="唐山新公司").exists()


@pytest.mark.parametrize("only_unit", ["石家庄市", None])
def test_a_decided_application_is_not_changed_by_any_import(
    tmp_path, batch, make_application, units, only_unit
):
    with unscoped():
        application = make_application(
            make_org("石家庄市", "已拟推荐公司"), score=90, state="city_recommended"
        )
    row = application_row(application.organisation.uscc, "已拟推荐公司", 评价得分=60)
    before = snapshot()
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"申报": [row]}),
        batch=batch,
        only_unit=units[only_unit] if only_unit else None,
    )
    assert snapshot() == before
    assert "推荐单位拟推荐" in report.errors[0].reason


def test_the_evaluator_cap_holds_on_import(tmp_path, batch, make_application, units):
    cap = batch.parameters.evaluator_cap
    with unscoped():
        evaluator = make_evaluator("满额评价机构")
        for index in range(cap - 1):
            make_application(
                make_org("唐山市", f"已委托公司{index}"),
                method="third_party",
                evaluator=evaluator,
                state="submitted",
                submitted_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
            )
    rows = [
        application_row(
            new_uscc(), f"新委托公司{i}", 评价方式="第三方评价", 第三方机构统一社会信用代码=evaluator.uscc
        )
        for i in range(3)
    ]
    before = snapshot()
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"申报": rows}), batch=batch, only_unit=units["石家庄市"]
    )
    assert snapshot() == before
    # The first row takes the last place; the two after it are beyond the cap.
    assert [(e.row, e.reason.startswith("[V3]")) for e in report.errors] == [(3, True), (4, True)]
    # Without the excess rows the same import succeeds and fills the cap exactly.
    report = import_workbook(
        write_xlsx(tmp_path / "c.xlsx", {"申报": rows[:1]}), batch=batch, only_unit=units["石家庄市"]
    )
    assert report.ok
    with unscoped():
        assert Application.objects.filter(evaluator=evaluator, submitted_at__isnull=False).count() == cap


def test_an_update_is_audited_with_old_and_new_values(tmp_path, batch, make_application, units):
    with unscoped():
        application = make_application(make_org("石家庄市", "旧名称公司"), score=70, state="submitted")
    row = application_row(application.organisation.uscc, "新名称公司", 评价得分=82.5)
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"申报": [row]}), batch=batch, only_unit=units["石家庄市"]
    )
    assert report.ok, report.errors
    assert dict(report.counts["申报"]) == {"created": 0, "updated": 1, "unchanged": 0}
    with unscoped():
        updated = AuditEvent.objects.get(action=Action.APPLICATION_UPDATED, object_id=str(application.pk))
        renamed = AuditEvent.objects.get(
            action=Action.REGISTRY_RECORD_CHANGED, object_id=str(application.organisation.pk)
        )
    assert updated.details["changes"]["score"] == {"from": "70.00", "to": "82.5"}
    assert renamed.details["changes"]["name"] == {"from": "旧名称公司", "to": "新名称公司"}


def test_a_units_import_report_names_only_its_own_applicants(tmp_path, batch, units):
    with unscoped():
        own = make_org("唐山市", "唐山同名公司")
        other = make_org("石家庄市", "石家庄同名公司")
        for org in (own, other):
            NegativeRecord.objects.create(
                name=org.name,
                name_normalised=org.name_normalised,
                type="tax_evasion",
                start=dt.date(2023, 1, 1),
                key=NegativeRecord.make_key("", org.name_normalised, "tax_evasion", dt.date(2023, 1, 1)),
            )
    row = application_row(new_uscc("130203"), "唐山另一公司", 推荐单位="唐山市")
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"申报": [row]}), batch=batch, only_unit=units["唐山市"]
    )
    assert report.ok, report.errors
    assert [m["organisation"] for m in report.name_matches] == ["唐山同名公司"]
    province = import_workbook(write_xlsx(tmp_path / "c.xlsx", {"申报": [row]}), batch=batch)
    assert sorted(m["organisation"] for m in province.name_matches) == ["唐山同名公司", "石家庄同名公司"]
