"""A third-party application read from the unit's workbook is an accepted engagement (the city
vouches for its sheet); its 无结果承诺声明 column is that engagement's declaration."""

from __future__ import annotations

import datetime as dt

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Engagement
from greenlist.exchange.importer import import_workbook
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import application_row, write_xlsx


def book(path, firm: str, evaluator: str, declared: str):
    return write_xlsx(
        path,
        {
            "第三方机构": [{"统一社会信用代码": evaluator, "名称": "北京某绿色评价中心"}],
            "节能诊断": [
                {
                    "机构统一社会信用代码": evaluator,
                    "服务企业统一社会信用代码": new_uscc(),
                    "服务日期": dt.date(2023, 3, 1),
                    "服务企业所在省": "河北省",
                }
            ],
            "申报": [
                application_row(
                    firm,
                    "石家庄委托评价有限公司",
                    评价方式="第三方评价",
                    第三方机构统一社会信用代码=evaluator,
                    无结果承诺声明=declared,
                )
            ],
        },
    )


def test_an_imported_third_party_application_is_an_accepted_engagement(tmp_path, batch):
    firm, evaluator = new_uscc("130102"), new_uscc("110108", "12")
    report = import_workbook(book(tmp_path / "a.xlsx", firm, evaluator, "否"), batch=batch)
    assert report.ok, report.errors
    with unscoped():
        engagement = Engagement.objects.get(application__organisation__uscc=firm)
        assert (engagement.status, engagement.source) == ("accepted", "import")
        assert engagement.declaration_signed_at is None
        assert (
            AuditEvent.objects.filter(action=Action.ENGAGEMENT_ACCEPTED, object_id=str(engagement.pk)).count()
            == 1
        )

    # The sheet now says the declaration was signed: the same engagement carries it.
    report = import_workbook(book(tmp_path / "b.xlsx", firm, evaluator, "是"), batch=batch)
    assert report.ok, report.errors
    with unscoped():
        engagement.refresh_from_db()
        assert engagement.declaration_signed_at is not None and engagement.application.no_result_promise
        assert Engagement.objects.filter(application__organisation__uscc=firm).count() == 1
        events = AuditEvent.objects.filter(action=Action.ENGAGEMENT_ACCEPTED, object_id=str(engagement.pk))
        assert events.count() == 2

    # The same sheet again changes nothing and records nothing.
    import_workbook(book(tmp_path / "c.xlsx", firm, evaluator, "是"), batch=batch)
    with unscoped():
        assert events.count() == 2
