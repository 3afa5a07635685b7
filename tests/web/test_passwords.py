"""Password change (logged in) and reset by e-mail, both audited (issue 15, finding 10)."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from greenlist.audit.models import Action, AuditEvent
from greenlist.scoping import unscoped

OLD = "correct-horse-battery"  # the personas' password
NEW = "greener-factory-2025"


def audited(action: Action) -> list[str]:
    with unscoped():
        return list(AuditEvent.objects.filter(action=action).values_list("object_label", flat=True))


def test_a_logged_in_user_changes_the_password(personas):
    client = personas.client(personas.applicant_x)
    response = client.post(
        "/account/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response["Location"] == "/account/password/done/"
    assert "密码已修改" in client.get("/account/password/done/").content.decode()
    assert client.get("/").status_code == 200  # still logged in on this session
    assert not Client().login(username="p_applicant_x", password=OLD)
    assert Client().login(username="p_applicant_x", password=NEW)
    assert audited(Action.PASSWORD_CHANGED) == ["p_applicant_x"]


def test_a_wrong_old_password_changes_nothing(personas):
    client = personas.client(personas.applicant_x)
    response = client.post(
        "/account/password/", {"old_password": "not-it-at-all", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    assert Client().login(username="p_applicant_x", password=OLD)
    assert audited(Action.PASSWORD_CHANGED) == []


def test_a_password_is_reset_through_the_link_in_the_mail(personas):
    personas.applicant_x.email = "x@example.com"
    personas.applicant_x.save()
    client = Client()
    sent = client.post("/password-reset/", {"email": "x@example.com"})
    assert sent.status_code == 302 and sent["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["x@example.com"] and "重设密码" in message.subject
    assert "p_applicant_x" in message.body
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/password-reset/complete/"
    assert not Client().login(username="p_applicant_x", password=OLD)
    assert Client().login(username="p_applicant_x", password=NEW)
    assert audited(Action.PASSWORD_RESET) == ["p_applicant_x"]

    again = Client().get(link, follow=True).content.decode()
    assert "链接无效" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(personas):
    response = Client().post("/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []
