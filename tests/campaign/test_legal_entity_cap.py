"""V3 per legal entity (二（四）"同一法人的评价机构"): the write-time guard, the applicant's live
check, the import and screening count one set, the legal entity with all its branches."""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.evaluator_cap import counted_projects
from greenlist.decisions.transitions import transition
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import Diagnosis, Evaluator
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from tests.conftest import make_evaluator, make_org, make_user, new_uscc
from tests.exchange.workbooks import application_row, write_csv, write_xlsx

START = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def entity_and_branch(db):
    with unscoped():
        entity = make_evaluator("河北某某评价有限公司")
        branch = Evaluator.objects.create(
            uscc=new_uscc("130200", "91"),
            name="河北某某评价有限公司唐山分公司",
            legal_entity_uscc=entity.uscc,
        )
        # V1 is met by the legal entity's diagnosis, for the branch too.
        Diagnosis.objects.create(
            evaluator=entity, client_uscc=new_uscc(), day=dt.date(2023, 3, 1), client_province="河北"
        )
    return entity, branch


def submitted_projects(make_application, evaluator, unit_name, count, first_minute):
    with unscoped():
        return [
            make_application(
                make_org(unit_name),
                method="third_party",
                evaluator=evaluator,
                no_result_promise=True,
                state="submitted",
                submitted_at=START + dt.timedelta(minutes=first_minute + n),
            )
            for n in range(count)
        ]


def test_the_sixteenth_project_through_a_branch_is_refused_by_guard_check_and_screening_alike(
    batch, make_application, entity_and_branch
):
    entity, branch = entity_and_branch
    submitted_projects(make_application, entity, "石家庄市", 9, 0)
    submitted_projects(make_application, branch, "唐山市", 6, 100)
    with unscoped():
        draft = make_application(make_org("唐山市"), method="third_party", evaluator=branch)
        owner = make_user("branch_client", "applicant", organisation=draft.organisation)
        # One set: the guard's, the live check's and screening's counts are the same 15.
        assert counted_projects(batch, branch).count() == counted_projects(batch, entity).count() == 15
    assert [f.rule for f in verdicts.evaluator_standing(batch, branch, exclude=draft.pk)] == ["V3"]
    stored = verdicts.stored(batch)
    # The load shown: 15 submitted and the draft, on the legal entity and on its branch alike.
    assert {e.evaluator.uscc: e.projects for e in stored.result.evaluators} == {
        entity.uscc: 16,
        branch.uscc: 16,
    }
    draft_verdict = stored.result.by_key()[str(draft.pk)]
    assert [f.rule for f in draft_verdict.findings if f.rule == "V3"] == ["V3"]
    with pytest.raises(ActionRefused, match=r"\[V3\]"):
        transition(draft, "submitted", actor=owner)
    with unscoped():
        draft.refresh_from_db()
        assert (draft.state, draft.submitted_at) == ("draft", None)


def test_with_fourteen_counted_a_branch_project_may_take_the_fifteenth_place(
    batch, make_application, entity_and_branch
):
    entity, branch = entity_and_branch
    submitted_projects(make_application, entity, "石家庄市", 9, 0)
    submitted_projects(make_application, branch, "唐山市", 5, 100)
    with unscoped():
        draft = make_application(make_org("唐山市"), method="third_party", evaluator=branch)
        owner = make_user("branch_client", "applicant", organisation=draft.organisation)
    assert [f.rule for f in verdicts.evaluator_standing(batch, branch, exclude=draft.pk)] == []
    stored = verdicts.stored(batch)
    assert [f.rule for f in stored.result.by_key()[str(draft.pk)].findings if f.rule == "V3"] == []
    assert transition(draft, "submitted", actor=owner).state == "submitted"


def test_the_import_counts_the_legal_entity_with_its_branches(tmp_path, batch, make_application):
    with unscoped():
        entity = make_evaluator("河北某某评价有限公司")
    submitted_projects(make_application, entity, "石家庄市", 9, 0)
    branch_uscc = new_uscc("130200", "91")
    evaluators = [
        {
            "统一社会信用代码": branch_uscc,
            "名称": "河北某某评价有限公司唐山分公司",
            "所属法人统一社会信用代码": entity.uscc,
        }
    ]
    rows = [
        application_row(
            new_uscc(),
            f"分公司委托企业{n}",
            推荐单位="唐山市",
            评价方式="第三方评价",
            第三方机构统一社会信用代码=branch_uscc,
            无结果承诺声明="是",
            提交时间=dt.datetime(2024, 7, 2, 10, n),
        )
        for n in range(7)
    ]
    report = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", {"第三方机构": evaluators, "申报": rows}), batch=batch
    )
    # 9 + 6 fill the cap; the branch's 7th row is the entity's 16th project.
    assert [(e.row, e.reason.startswith("[V3]")) for e in report.errors] == [(8, True)]
    report = import_workbook(
        write_xlsx(tmp_path / "c.xlsx", {"第三方机构": evaluators, "申报": rows[:6]}), batch=batch
    )
    assert report.ok, report.errors
    with unscoped():
        branch = Evaluator.objects.get(uscc=branch_uscc)
        assert branch.legal_entity_uscc == entity.uscc
        assert counted_projects(batch, entity).count() == 15


def test_a_branch_without_its_legal_entity_is_reported_and_an_old_workbook_keeps_the_link(tmp_path, batch):
    entity_uscc, branch_uscc = new_uscc(), new_uscc("130200", "91")
    rows = [
        {"统一社会信用代码": entity_uscc, "名称": "某某评价有限公司"},
        {
            "统一社会信用代码": branch_uscc,
            "名称": "某某评价有限公司唐山分公司",
            "所属法人统一社会信用代码": entity_uscc,
        },
        {"统一社会信用代码": new_uscc(), "名称": "另一评价有限公司保定分公司"},
    ]
    report = import_workbook(write_xlsx(tmp_path / "e.xlsx", {"第三方机构": rows}), batch=batch)
    assert report.ok, report.errors
    assert [(n.row, n.column) for n in report.notes] == [(4, "所属法人统一社会信用代码")]
    # A workbook in the format before the column: the recorded legal entity stays.
    old = [{"统一社会信用代码": branch_uscc, "名称": "某某评价有限公司唐山分公司（更名）"}]
    assert import_workbook(write_csv(tmp_path / "第三方机构.csv", old), batch=batch).ok
    with unscoped():
        assert Evaluator.objects.get(uscc=branch_uscc).legal_entity_uscc == entity_uscc


def test_a_row_naming_itself_as_its_legal_entity_is_refused(tmp_path, batch):
    code = new_uscc()
    rows = [{"统一社会信用代码": code, "名称": "某某评价有限公司", "所属法人统一社会信用代码": code}]
    report = import_workbook(write_xlsx(tmp_path / "g.xlsx", {"第三方机构": rows}), batch=batch)
    assert [e.column for e in report.errors] == ["所属法人统一社会信用代码"]
