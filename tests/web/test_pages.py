from __future__ import annotations

import pytest
from django.test import Client


def test_the_login_page_is_chinese_and_styled(db):
    response = Client().get("/login/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in page and "登录" in page and "用户名" in page
    assert "/static/greenlist/app.css" in page


def test_a_wrong_password_gets_a_chinese_error_and_no_session(personas):
    response = Client().post("/login/", {"username": "p_city_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_a_right_password_opens_the_dashboard(personas):
    client = Client()
    response = client.post(
        "/login/", {"username": "p_city_a", "password": "correct-horse-battery"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200 and "工作台" in page and "石家庄市" in page


@pytest.mark.parametrize("who", ["province", "city_a", "dept_a", "applicant_x", "evaluator"])
def test_every_role_gets_its_dashboard_and_list(personas, who):
    user = getattr(personas, who)
    client = personas.client(user)
    for url in ["/", "/applications/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        # Signed in as this role: the header names it.
        assert f'<span class="role">{user.get_role_display()}</span>' in response.content.decode(), url


def test_the_admin_opens_for_the_province_only(personas):
    admin = personas.client(personas.province).get("/admin/")
    assert admin.status_code == 200 and "/admin/registry/organisation/" in admin.content.decode()
    for who in ["city_a", "applicant_x", "evaluator"]:
        response = personas.client(getattr(personas, who)).get("/admin/")
        assert response.status_code == 302, who
    page = personas.client(personas.province).get("/admin/registry/organisation/").content.decode()
    assert "申报主体" in page and "石家庄甲公司" in page
