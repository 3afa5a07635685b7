from __future__ import annotations

from django.db import connection

from greenlist.audit.integrity import allow_rewrite
from greenlist.decisions.transitions import transition


def test_the_province_filters_the_trail_and_verifies_the_chain(personas):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    transition(personas.app_y, "submitted", actor=personas.applicant_y)
    client = personas.client(personas.province)
    page = client.get("/audit/", {"unit": "shijiazhuang"}).content.decode()
    assert "石家庄甲公司" in page and "唐山乙公司" not in page
    assert "哈希链校验通过" in client.get("/audit/", {"verify": "1"}).content.decode()
    with allow_rewrite(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x'")
    assert "哈希链已断开" in client.get("/audit/", {"verify": "1"}).content.decode()


def test_no_one_else_reads_the_trail(personas):
    for who in ["city_a", "dept_a", "applicant_x", "evaluator"]:
        assert personas.client(getattr(personas, who)).get("/audit/").status_code == 403
