"""Template filters that keep maintainer wording off official pages: an account shown by its unit
and role (never its login name), and data-file pointers dropped from a source note."""

from __future__ import annotations

import pytest

from greenlist.accounts.models import Role
from greenlist.web.templatetags.greenlist import official, person
from tests.conftest import make_user

NOTICE_SOURCE = (
    "河北省工业和信息化厅 2023 年省级绿色制造名单公示 5 天（2023-09-18 至 09-22），见\n"
    "    shared/reference/gradient-and-dynamic-management.md §4 “公示 period”"
)


def test_a_source_note_loses_its_pointer_into_the_project_notes():
    text = official(NOTICE_SOURCE)
    assert text == "河北省工业和信息化厅 2023 年省级绿色制造名单公示 5 天（2023-09-18 至 09-22）"


@pytest.mark.django_db
def test_an_account_reads_as_its_office_and_role_not_its_login():
    province = make_user("prov_wording", Role.PROVINCE)
    shown = person(province)
    assert "prov_wording" not in shown
    assert shown == f"{province.scope_label}（{province.get_role_display()}）"
    assert person(None) == ""
