"""Demo work waiting in each role's 待办: engagement requests and a declaration for the
``evaluator`` login, a returned application for ``applicant_returned``, 邯郸市's draft list with
per-company department opinions (one 不同意 with its 文号 and 复函, not yet handled), and 唐山市's
submitted applications for the city to accept in bulk. Idempotent: it runs once per database."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record_many
from greenlist.audit.models import Action
from greenlist.campaign.models import Application, Batch, CompanyOpinion, Engagement
from greenlist.campaign.workflow import State
from greenlist.decisions.engagements import accept_engagement, request_engagement
from greenlist.decisions.opinions import record_company_opinion
from greenlist.decisions.ranking import recommend_by_rank
from greenlist.decisions.transitions import transition
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Department, Method
from greenlist.screening import versions

# A one-page PDF standing for a department's scanned 复函 (passes the upload inspection).
_LETTER = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def load_flow(batch: Batch, units: dict[str, RecommendingUnit]) -> None:
    if Engagement.objects.filter(application__batch=batch).exists():
        return
    _evaluator_requests(batch)
    _vouch_the_rest(batch)
    _returned_for_applicant(batch, units["唐山市"])
    _handan_draft_list(batch, units["邯郸市"])
    versions.changed(full=True)


def _applicant_of(application: Application) -> User:
    user = User.objects.filter(role=Role.APPLICANT, organisation=application.organisation).first()
    assert user is not None, application
    return user


def _evaluator_requests(batch: Batch) -> None:
    """Two requests the ``evaluator`` login has not answered, and one it accepted but has not yet
    signed the declaration for: on applications still with their cities (not 石家庄市, submitted;
    not 邯郸市, whose list is drafted below)."""
    evaluator_user = User.objects.get(username="evaluator")
    evaluator = evaluator_user.evaluator
    assert evaluator is not None
    projects = list(
        Application.objects.filter(batch=batch, evaluator=evaluator, state=State.SUBMITTED)
        .exclude(unit__name__in=["石家庄市", "邯郸市"])
        .order_by("-submitted_at", "id")[:3]
    )
    for application in projects:
        Application.objects.filter(pk=application.pk).update(no_result_promise=False)
        application.no_result_promise = False
        request_engagement(application, evaluator, actor=_applicant_of(application))
    if projects:
        engagement = Engagement.objects.get(application=projects[-1], evaluator=evaluator)
        accept_engagement(engagement, actor=evaluator_user)


def _vouch_the_rest(batch: Batch) -> None:
    """Every other third-party application came in as data the city vouches for: accepted, its
    declaration as the data says."""
    now = timezone.now()
    rows = [
        Engagement(
            application=a,
            evaluator_id=a.evaluator_id,
            status=Engagement.Status.ACCEPTED,
            requested_at=a.submitted_at or now,
            decided_at=a.submitted_at or now,
            source="demo",
            declaration_signed_at=(a.submitted_at or now) if a.no_result_promise else None,
        )
        for a in Application.objects.filter(batch=batch, method=Method.THIRD_PARTY, evaluator__isnull=False)
        .exclude(engagements__isnull=False)
        .select_related("unit", "organisation")
        if a.evaluator_id is not None
    ]
    Engagement.objects.bulk_create(rows, batch_size=500)
    record_many(
        actor=None,
        action=Action.ENGAGEMENT_ACCEPTED,
        objects=list(
            Engagement.objects.filter(source="demo").select_related(
                "application__unit", "application__organisation", "evaluator"
            )
        ),
        details=lambda e: {"source": "demo", "application": e.application_id},
    )


def _returned_for_applicant(batch: Batch, unit: RecommendingUnit) -> None:
    """唐山市 returned one application (a park or supply chain: its green-factory list is left as
    it was) for fixes; the ``applicant_returned`` login of that firm sees the checklist."""
    from greenlist.demo.load import _user

    application = (
        Application.objects.filter(batch=batch, unit=unit, state=State.SUBMITTED)
        .exclude(category="factory")
        .exclude(engagements__status=Engagement.Status.REQUESTED)
        .order_by("-submitted_at", "id")
        .first()
    )
    if application is None:
        return
    _user(
        "applicant_returned",
        Role.APPLICANT,
        organisation=application.organisation,
        first_name=application.organisation.name[:30],
    )
    transition(
        application,
        State.RETURNED,
        actor=User.objects.get(username=f"city_{unit.code}"),
        reason="请补充第三方评价报告和典型经验报告（附件2），核对所填数据后重新提交。",
    )


def _handan_draft_list(batch: Batch, unit: RecommendingUnit) -> None:
    """邯郸市 accepted its applications and drafted its list; the ecology-environment bureau has
    given its opinion on each company (one 不同意, with 文号 and 复函), the other two have not."""
    city = User.objects.get(username=f"city_{unit.code}")
    for application in Application.objects.filter(batch=batch, unit=unit, state=State.SUBMITTED):
        transition(application, State.CITY_REVIEW, actor=city)
    for category in ("factory", "park", "supply_chain"):
        recommend_by_rank(batch, unit, category, actor=city, acknowledge_warnings=True)
    department = Department.ECOLOGY_ENVIRONMENT
    bureau = User.objects.get(username=f"dept_{unit.code}_{department.value}")
    draft = list(
        Application.objects.filter(batch=batch, unit=unit, state=State.CITY_RECOMMENDED).order_by("id")
    )
    for position, application in enumerate(draft):
        dissent = position == len(draft) - 1 and len(draft) > 1
        record_company_opinion(
            application,
            department=department.value,
            agrees=not dissent,
            opinion=(
                "该企业2023年有一起未批先建环境违法行为，整改验收尚未完成，建议暂缓推荐。"
                if dissent
                else "近三年无生态环境领域重大违法记录，同意推荐。"
            ),
            document_number=f"邯环函〔2024〕{31 + position}号",
            letter=SimpleUploadedFile(f"邯环函2024-{31 + position}.pdf", _LETTER) if dissent else None,
            actor=bureau,
        )
    assert CompanyOpinion.objects.filter(application__unit=unit).count() == len(draft)
