"""The ranked list per unit and category, each position explained; recommending by rank within quota."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role, User
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.deadline import unit_deadline
from greenlist.campaign.models import Application, Batch
from greenlist.campaign.workflow import RECOMMENDED_STATES, State
from greenlist.decisions.ranking import recommend_by_rank
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Category
from greenlist.screening.ranking import rank_unit
from greenlist.web.views.common import current_batch, require_roles, user_of

PAGE_SIZE = 50  # ranked rows per page; the quota line falls on the first pages


def _unit(request: HttpRequest) -> RecommendingUnit:
    user = user_of(request)
    if user.is_province:
        unit = RecommendingUnit.objects.filter(code=request.GET.get("unit") or "shijiazhuang").first()
        if unit is None:
            raise Http404("推荐单位不存在。")
        return unit
    assert user.unit is not None
    return user.unit


def _category(request: HttpRequest) -> str:
    category = request.GET.get("category") or request.POST.get("category") or Category.FACTORY.value
    if category not in {c.value for c in Category}:
        raise Http404("类别无效。")
    return category


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.PROVINCE)
    batch = current_batch(request)
    unit = _unit(request)
    category = _category(request)
    result = rank_unit(batch, unit, category)
    to_recommend = sum(1 for key in result.recommended if result.states[key] == State.CITY_REVIEW)
    page = Paginator(result.ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = result.applications_of([r.key for r in page.object_list])
    recommended, held_back = set(result.recommended), set(result.held_back)
    rows = [(r, shown[r.key], r.key in recommended, r.key in held_back) for r in page.object_list]
    return render(
        request,
        "web/ranking.html",
        {
            "batch": batch,
            "screening": result.screening,
            "unit": unit,
            "category": category,
            "categories": Category.choices(),
            "rows": rows,
            "page": page,
            "query": f"category={category}" + (f"&unit={unit.code}" if user.is_province else ""),
            "quota": result.quota,
            "units": RecommendingUnit.objects.all() if user.is_province else [],
            "to_recommend": to_recommend,
            "recommend_blocked": _why_not(user, batch, unit, category, result.quota, to_recommend),
        },
    )


def _why_not(
    user: User, batch: Batch, unit: RecommendingUnit, category: str, quota: int | None, to_recommend: int
) -> str:
    """Why 按排名设为拟推荐 cannot be used now (empty when it can): the button is always shown."""
    if user.role != Role.CITY:
        return "按排名设为拟推荐由推荐单位操作；省厅在推荐单位报送后对其名单作出推荐决定。"
    deadline = unit_deadline(batch, unit)
    if deadline.submitted:
        return f"{deadline.summary}，名单已冻结；如需修改，请联系省厅退回报送。"
    if to_recommend:
        return ""
    recommended = Application.objects.filter(
        batch=batch, category=category, state__in=RECOMMENDED_STATES
    ).count()
    if quota is not None and recommended >= quota:
        return f"本单位{Category(category).label}推荐名额（{quota} 家）已用完（已拟推荐 {recommended} 家）。"
    waiting = Application.objects.filter(batch=batch, category=category, state=State.SUBMITTED).count()
    if waiting:
        return f"名额内没有处于“推荐单位审核中”的可推荐申报：尚有 {waiting} 项已提交待受理，请先受理。"
    return "名额内没有处于“推荐单位审核中”的可推荐申报。"


@login_required
@require_POST
def ranking_recommend(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    assert user.unit is not None
    category = _category(request)
    try:
        moved = recommend_by_rank(
            current_batch(request),
            user.unit,
            category,
            actor=user,
            acknowledge_warnings=request.POST.get("acknowledge") == "all",
        )
    except ActionRefused as refusal:
        messages.error(request, f"未做任何修改：{refusal}")
    else:
        messages.success(request, f"已按排名将 {moved} 项设为拟推荐。")
    return redirect(f"/ranking/?category={category}")
