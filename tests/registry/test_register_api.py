"""The register over HTTP, as docs/contracts/http.md states it, and what an approved proposal does to the next
screening (E3, F1) and to name matching, with no other input."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command
from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.audit.models import Action, AuditEvent
from greenlist.registry.models import (
    FormerName,
    NegativeRecord,
    ProvincialListEntry,
    RegisterEvent,
    RegisterProposal,
)
from greenlist.scoping import unscoped
from tests.conftest import new_uscc, unit


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'test')}")


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def removal(uscc: str, **changes) -> dict:
    return {
        "uscc": uscc,
        "category": "factory",
        "level": "省级",
        "kind": "removal",
        "reason": "年度动态管理核查：主要污染物排放超标",
        "effective_on": "2024-03-01",
        **changes,
    }


def screen() -> dict:
    out = io.StringIO()
    call_command("screen", "--batch", "2024", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def application_of(result: dict, uscc: str) -> dict:
    (found,) = [a for a in result["applications"] if a["uscc"] == uscc]
    return found


def rules(findings: list[dict]) -> set[str]:
    return {f["rule"] for f in findings}


def entry_of(uscc: str, level: str = "provincial") -> ProvincialListEntry:
    return ProvincialListEntry.objects.get(uscc=uscc, category="factory", level=level)


def test_an_approved_removal_appears_as_e3_and_f1_in_the_next_screening(personas):
    uscc = personas.org_x.uscc
    before = application_of(screen(), uscc)
    assert "E3" not in rules(before["reasons"]) and "F1" not in rules(before["reasons"])

    proposed = post(api(personas.city_a), "/api/register/proposals", removal(uscc))
    assert proposed.status_code == 201
    body = proposed.json()
    assert body["status"] == "pending"
    approved = post(
        api(personas.province), f"/api/register/proposals/{body['id']}/approve", {"reason": "同意撤销"}
    )
    assert approved.status_code == 200
    assert approved.json() == {"id": body["id"], "status": "approved"}

    entry = entry_of(uscc)
    assert (entry.status, entry.revoked_on) == ("revoked", dt.date(2024, 3, 1))
    after = application_of(screen(), uscc)
    assert after["eligible"] is False
    assert {"E3", "F1"} <= rules(after["reasons"])
    e3 = next(f for f in after["reasons"] if f["rule"] == "E3")
    assert "2024-03-01" in e3["message"]

    listed = api(personas.province).get("/api/register", {"unit": "石家庄市", "status": "已撤销"}).json()
    assert [(row["uscc"], row["status"], row["removed_on"]) for row in listed] == [
        (uscc, "已撤销", "2024-03-01")
    ]
    assert listed[0]["history"][-1]["event"] == "撤销"
    assert "主要污染物排放超标" in listed[0]["history"][-1]["detail"]

    with unscoped():
        approvals = AuditEvent.objects.filter(action=Action.REGISTER_ENTRY_REMOVED, object_id=str(entry.pk))
        (event,) = approvals
    assert event.details["from"]["status"] == "active"
    assert event.details["to"] == {"status": "revoked", "revoked_on": "2024-03-01"}


def test_an_approved_rename_keeps_matching_the_old_name(personas):
    org = personas.org_y
    old_name = org.name
    entry = entry_of(org.uscc)
    # The register holds the firm under its applicant name.
    entry.name = old_name
    entry.save()
    # An E6 record filed by name only, under the name the firm carried before.
    with unscoped():
        NegativeRecord(uscc="", name=old_name, type="dishonest_debtor", start=dt.date(2023, 5, 1)).save()
        NegativeRecord.objects.filter(uscc="").exclude(name=old_name).delete()
    assert "E6" in rules(application_of(screen(), org.uscc)["reasons"])

    proposed = post(
        api(personas.city_b),
        "/api/register/proposals",
        removal(org.uscc, kind="rename", new_name="唐山新名称集团有限公司", reason="工商变更登记"),
    )
    assert proposed.status_code == 201
    approved = post(api(personas.province), f"/api/register/proposals/{proposed.json()['id']}/approve", {})
    assert approved.status_code == 200

    assert entry_of(org.uscc).name == "唐山新名称集团有限公司"
    with unscoped():
        org.refresh_from_db()
    assert org.name == "唐山新名称集团有限公司"  # the applicant now carries the new name
    assert list(FormerName.objects.filter(uscc=org.uscc).values_list("name", flat=True)) == [old_name]
    result = application_of(screen(), org.uscc)
    assert result["name"] == "唐山新名称集团有限公司"
    assert "E6" in rules(result["reasons"])  # the record under the old name still matches
    history = api(personas.province).get("/api/register", {"unit": "tangshan"}).json()
    renamed = next(row for row in history if row["uscc"] == org.uscc)
    assert renamed["history"][-1]["event"] == "更名"
    assert old_name in renamed["history"][-1]["detail"]


def test_the_register_is_scoped_to_the_caller(personas):
    def usccs(user, **params) -> set[str]:
        response = api(user).get("/api/register", params)
        assert response.status_code == 200
        return {row["uscc"] for row in response.json()}

    with unscoped():
        shijiazhuang = set(
            ProvincialListEntry.objects.filter(unit__name="石家庄市").values_list("uscc", flat=True)
        )
        tangshan = set(ProvincialListEntry.objects.filter(unit__name="唐山市").values_list("uscc", flat=True))
    assert usccs(personas.province) == shijiazhuang | tangshan
    assert usccs(personas.city_a) == shijiazhuang
    assert usccs(personas.dept_a) == shijiazhuang
    assert usccs(personas.city_b) == tangshan
    assert usccs(personas.applicant_x) == {personas.org_x.uscc}
    assert usccs(personas.evaluator) == set()
    # A city asking for another unit gets nothing of it.
    assert usccs(personas.city_a, unit="唐山市") == set()


def test_filters_take_labels_or_codes_and_answer_in_the_contract_shape(personas):
    ProvincialListEntry.objects.create(
        uscc=new_uscc(),
        name="石家庄市级绿色工厂",
        category="factory",
        level="municipal",
        unit=unit("石家庄市"),
        year=2023,
    )
    province = api(personas.province)
    by_label = province.get("/api/register?category=factory&level=市级&unit=石家庄市&status=有效").json()
    by_code = province.get(
        "/api/register?category=factory&level=municipal&unit=shijiazhuang&status=active"
    ).json()
    assert by_label == by_code
    (row,) = by_label
    assert set(row) == {
        "uscc",
        "name",
        "category",
        "level",
        "unit",
        "year",
        "status",
        "removed_on",
        "history",
    }
    assert (row["name"], row["category"], row["level"], row["unit"], row["year"], row["status"]) == (
        "石家庄市级绿色工厂",
        "factory",
        "市级",
        "石家庄市",
        2023,
        "有效",
    )
    assert row["removed_on"] is None
    bad = province.get("/api/register?level=县级")
    assert bad.status_code == 400
    assert "级别“县级”无效" in bad.json()["detail"]


def test_who_may_propose_and_decide(personas):
    uscc_x, uscc_y = personas.org_x.uscc, personas.org_y.uscc
    url = "/api/register/proposals"
    for outsider in (personas.province, personas.dept_a, personas.applicant_x, personas.evaluator):
        assert post(api(outsider), url, removal(uscc_x)).status_code == 403
    refused = post(api(personas.city_a), url, removal(uscc_y))
    assert refused.status_code == 403
    assert "唐山市" in refused.json()["detail"]
    assert post(api(personas.city_a), url, removal(new_uscc())).status_code == 404
    assert RegisterProposal.unscoped.count() == 0

    proposal_id = post(api(personas.city_a), url, removal(uscc_x)).json()["id"]
    decide = f"{url}/{proposal_id}/reject"
    for outsider in (personas.city_a, personas.city_b, personas.dept_a, personas.applicant_x):
        assert post(api(outsider), decide, {"reason": "x"}).status_code == 403
    assert post(api(personas.province), f"{url}/999999/approve", {}).status_code == 404
    missing_reason = post(api(personas.province), decide, {"reason": " "})
    assert missing_reason.status_code == 422 and "理由" in missing_reason.json()["detail"]
    assert post(api(personas.province), decide, {"reason": "证据不足，请补充现场核查材料"}).json() == {
        "id": proposal_id,
        "status": "rejected",
    }
    again = post(api(personas.province), f"{url}/{proposal_id}/approve", {})
    assert again.status_code == 409 and "已驳回" in again.json()["detail"]
    assert entry_of(uscc_x).status == "active"  # a rejected removal changes nothing


def test_bad_proposals_are_refused_in_chinese_and_change_nothing(personas):
    city = api(personas.city_a)
    uscc = personas.org_x.uscc
    url = "/api/register/proposals"
    before = AuditEvent.objects.count()
    cases = [
        (removal(uscc, kind="merge"), "建议类型无效"),
        (removal(uscc, reason=""), "调整理由"),
        (removal(uscc, effective_on="2024/03/01"), "生效日期"),
        (removal(uscc, effective_on=None), "生效日期"),
        (removal(uscc, kind="rename", new_name=""), "新名称"),
        (removal(uscc, level="县级"), "级别"),
        (removal(uscc, category="绿色矿山"), "类别"),
        (removal("", category="factory"), "uscc"),
    ]
    for body, words in cases:
        response = post(city, url, body)
        assert response.status_code == 422, body
        assert words in response.json()["detail"], body
    assert RegisterProposal.unscoped.count() == 0
    assert AuditEvent.objects.count() == before

    first = post(city, url, removal(uscc))
    assert first.status_code == 201
    duplicate = post(city, url, removal(uscc))
    assert duplicate.status_code == 409 and "待省厅审核" in duplicate.json()["detail"]


def test_the_history_records_the_proposal_with_old_and_new_values(personas):
    uscc = personas.org_x.uscc
    proposal_id = post(api(personas.city_a), "/api/register/proposals", removal(uscc)).json()["id"]
    post(
        api(personas.province),
        f"/api/register/proposals/{proposal_id}/approve",
        {"reason": "同意", "document_number": "冀工信节〔2024〕12号"},
    )
    with unscoped():
        (event,) = RegisterEvent.objects.filter(entry__uscc=uscc, kind="revoked")
        assert (event.on, event.document_number) == (dt.date(2024, 3, 1), "冀工信节〔2024〕12号")
        actions = list(
            AuditEvent.objects.filter(action__in=[601, 602, 604])
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == [
        Action.REGISTER_PROPOSED,
        Action.REGISTER_ENTRY_REMOVED,
        Action.REGISTER_PROPOSAL_APPROVED,
    ]


def test_a_token_made_on_the_command_line_proposes(personas):
    out = io.StringIO()
    call_command("token", "create", personas.city_a.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = post(client, "/api/register/proposals", removal(personas.org_x.uscc))
    assert response.status_code == 201
    assert RegisterProposal.unscoped.get(pk=response.json()["id"]).proposed_by == personas.city_a


def test_missing_or_malformed_bodies_are_answered_in_chinese(personas):
    city, province = api(personas.city_a), api(personas.province)
    proposal_id = post(city, "/api/register/proposals", removal(personas.org_x.uscc)).json()["id"]
    url = f"/api/register/proposals/{proposal_id}"
    # No body at all: approving needs no reason, rejecting does.
    assert province.post(f"{url}/reject").status_code == 422
    broken = province.post(f"{url}/reject", "{not json", content_type="application/json")
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    listed = city.post("/api/register/proposals", "[]", content_type="application/json")
    assert listed.status_code == 400 and "JSON 对象" in listed.json()["detail"]
    assert province.post(f"{url}/approve").json() == {"id": proposal_id, "status": "approved"}
    schema = Client().get("/api/openapi.json").json()
    body = schema["paths"]["/api/register/proposals"]["post"]["requestBody"]["content"]["application/json"]
    assert "effective_on" in body["schema"]["properties"]


def test_a_rename_is_history_not_a_status(personas):
    response = api(personas.province).get("/api/register", {"status": "更名"})
    assert response.status_code == 400
    assert "历史事项而不是状态" in response.json()["detail"]
    revoked = api(personas.province).get("/api/register", {"status": "撤销"})
    assert revoked.status_code == 200 and revoked.json() == []
