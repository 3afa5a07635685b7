from __future__ import annotations

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application, Engagement
from greenlist.registry.models import Diagnosis
from greenlist.scoping import unscoped


def test_the_evaluator_sees_its_projects_across_units_against_the_cap(personas, make_application):
    from tests.conftest import make_org

    with unscoped():
        make_application(
            make_org("唐山市", "唐山丙公司"), method="third_party", evaluator=personas.evaluator_org
        )
        Diagnosis.objects.filter(evaluator=personas.evaluator_org).delete()  # V1 then fails
    response = personas.client(personas.evaluator).get("/evaluator/")
    page = response.content.decode()
    assert response.status_code == 200
    cap = personas.app_x.batch.parameters.evaluator_cap
    assert f"2 / {cap}" in page and "石家庄甲公司" in page and "唐山丙公司" in page
    assert "唐山乙公司" not in page  # another evaluator's (self-evaluated) project
    assert "不予采信" in page and "V1" in page  # no diagnosis on record


def undeclared(application: Application) -> None:
    with unscoped():
        Application.objects.filter(pk=application.pk).update(no_result_promise=False)


def test_signing_the_declaration_is_audited_and_lifts_v4(personas):
    undeclared(personas.app_x)
    client = personas.client(personas.evaluator)
    client.post(f"/evaluator/declare/{personas.app_x.pk}/")  # without the confirmation: refused
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).no_result_promise is False
    client.post(f"/evaluator/declare/{personas.app_x.pk}/", {"confirm": "yes"})
    with unscoped():
        app = Application.objects.get(pk=personas.app_x.pk)
        event = AuditEvent.objects.get(action=Action.DECLARATION_SIGNED)
        engagement = Engagement.objects.get(application=app)
    assert app.no_result_promise is True and engagement.declaration_signed_at is not None
    assert event.actor == personas.evaluator and event.object_id == str(engagement.pk)


def test_only_the_projects_own_evaluator_may_sign(personas):
    from tests.conftest import make_evaluator, make_user

    undeclared(personas.app_x)
    with unscoped():
        other = make_user("other_eval", "evaluator", evaluator=make_evaluator("另一机构"))
    response = personas.client(other).post(f"/evaluator/declare/{personas.app_x.pk}/")
    assert response.status_code == 404
    for who in ["city_a", "applicant_x", "province"]:
        assert (
            personas.client(getattr(personas, who))
            .post(f"/evaluator/declare/{personas.app_x.pk}/")
            .status_code
            == 403
        )
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).no_result_promise is False


def test_a_branchs_page_counts_its_legal_entitys_projects_against_the_cap(personas, make_application):
    from greenlist.registry.models import Evaluator
    from tests.conftest import make_org, make_user, new_uscc

    with unscoped():
        branch = Evaluator.objects.create(
            uscc=new_uscc("130200"),
            name="测试评价机构唐山分公司",
            legal_entity_uscc=personas.evaluator_org.uscc,
        )
        make_application(make_org("唐山市", "唐山丁公司"), method="third_party", evaluator=branch)
        user = make_user("branch_user", "evaluator", evaluator=branch)
    page = personas.client(user).get("/evaluator/").content.decode()
    # The legal entity's project (石家庄甲公司) and the branch's own: 2 against the cap of 15.
    assert "2 / 15" in page
    assert "唐山丁公司" in page
    assert "石家庄甲公司" not in page  # the entity's projects are counted, not shown to the branch
    assert "测试评价机构" in page and personas.evaluator_org.uscc in page
