"""Writes the demo data set into the database, idempotently (natural keys; workflow moves only
for applications created by this run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record, record_many
from greenlist.audit.models import Action
from greenlist.campaign.models import Application, Batch, Consultation, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.decisions.transitions import transition
from greenlist.demo.documents import complete_recommended
from greenlist.demo.dynamic import load_dynamic_demo
from greenlist.demo.flow import load_flow
from greenlist.demo.generate import DemoData, generate
from greenlist.demo.kinds import load_kinds_demo
from greenlist.demo.register import load_register
from greenlist.demo.selection import load_selection
from greenlist.demo.standing import load_standing
from greenlist.registry.models import (
    BlacklistEntry,
    Diagnosis,
    Evaluator,
    NegativeRecord,
    Organisation,
    ProvincialListEntry,
    RecommendingUnit,
)
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Department, Effect
from greenlist.scoping import unscoped
from greenlist.screening import versions

PASSWORD = "greenlist-demo"


_hashes: dict[str, str] = {}


def _demo_password_hash() -> str:
    # One argon2 hash shared by every demo account: hashing ~350 passwords would take minutes.
    if "demo" not in _hashes:
        _hashes["demo"] = make_password(PASSWORD)
    return _hashes["demo"]


def _user(username: str, role: Role, **scope: Any) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "password": _demo_password_hash(), **scope}
    )
    return user


def load_demo() -> dict[str, int]:
    """Load (or complete) the demo data set. Returns counts of what exists afterwards."""
    with unscoped(), transaction.atomic():
        units = {u.name: u for u in RecommendingUnit.objects.all()}
        data = generate({name: unit.region for name, unit in units.items()})
        batch = Batch.current()
        province = _user("province", Role.PROVINCE, first_name="省厅节能处")
        _user("admin", Role.ADMIN, is_staff=True, is_superuser=True)
        created = _load_registry(data, units)
        _load_applications(data, units, batch, province, created)
        _load_users(data, units)
        _load_unit_work(batch, units, province)
        load_register(units, province)
        load_dynamic_demo()
        load_kinds_demo()  # the 2025 national round next to 2024 (demo/kinds.py)
        load_standing()
        if created:
            _submit_shijiazhuang(batch, units["石家庄市"])
        load_flow(batch, units)
        if created:
            versions.changed(full=True)  # loaded in bulk: no signals reached screening
            record(
                actor=None,
                action=Action.DEMO_LOADED,
                object_type="demo",
                object_label="演示数据",
                details={"applications": len(data.applications)},
            )
        load_selection(batch, province)
        return summary()


def summary() -> dict[str, int]:
    with unscoped():
        return {
            "推荐单位": RecommendingUnit.objects.count(),
            "申报主体": Organisation.objects.count(),
            "申报": Application.objects.count(),
            "第三方评价机构": Evaluator.objects.count(),
            "节能诊断记录": Diagnosis.objects.count(),
            "机构黑名单": BlacklistEntry.objects.count(),
            "省级名单条目": ProvincialListEntry.objects.count(),
            "负面记录": NegativeRecord.objects.count(),
            "用户": User.objects.count(),
        }


def _load_registry(data: DemoData, units: dict[str, RecommendingUnit]) -> bool:
    created_any = False
    for spec in data.orgs:
        _, created = Organisation.objects.get_or_create(
            uscc=spec.uscc, defaults={"name": spec.name, "unit": units[spec.unit], "industry": spec.industry}
        )
        created_any |= created
    evaluators = {}
    for e in data.evaluators:
        evaluators[e.uscc], _ = Evaluator.objects.get_or_create(uscc=e.uscc, defaults={"name": e.name})
    for evaluator_uscc, client, day, province in data.diagnoses:
        Diagnosis.objects.get_or_create(
            evaluator=evaluators[evaluator_uscc],
            client_uscc=client,
            day=day,
            defaults={"client_province": province},
        )
    for evaluator_uscc, listed_on, reason in data.blacklist:
        BlacklistEntry.objects.get_or_create(
            evaluator_uscc=evaluator_uscc, listed_on=listed_on, defaults={"reason": reason}
        )
    for entry in data.list_entries:
        ProvincialListEntry.objects.get_or_create(
            uscc=entry.uscc,
            category=entry.category,
            level=entry.level,
            defaults={
                "name": entry.name,
                "unit": units[entry.unit],
                "year": entry.year,
                "status": entry.status,
                "revoked_on": entry.revoked_on,
            },
        )
    existing = set(NegativeRecord.objects.values_list("key", flat=True))
    fresh = []
    for r in data.records:
        key = NegativeRecord.make_key(r.uscc, normalise_name(r.name), r.type, r.start)
        if key not in existing:
            existing.add(key)
            fresh.append(
                NegativeRecord(
                    uscc=r.uscc,
                    name=r.name,
                    name_normalised=normalise_name(r.name),
                    type=r.type,
                    start=r.start,
                    end=r.end,
                    source=r.source,
                    note=r.note,
                    key=key,
                )
            )
    NegativeRecord.objects.bulk_create(fresh)
    return created_any


def _load_applications(
    data: DemoData, units: dict[str, RecommendingUnit], batch: Batch, province: User, created_registry: bool
) -> None:
    orgs = {o.uscc: o for o in Organisation.objects.all()}
    evaluators = {e.uscc: e for e in Evaluator.objects.all()}
    shijiazhuang = units["石家庄市"]
    created_now: list[Application] = []
    for spec in data.applications:
        org = orgs[spec.org.uscc]
        application, created = Application.objects.get_or_create(
            batch=batch,
            organisation=org,
            category=spec.category,
            defaults={
                "unit": units[spec.org.unit],
                "method": spec.method,
                "evaluator": evaluators.get(spec.evaluator),
                "industry": spec.org.industry,
                "score": spec.score,
                "no_result_promise": spec.no_result_promise,
                "product": spec.product,
                "unit_energy": spec.unit_energy,
                **spec.park,
                **spec.supply_chain,
                # Submitted on the national platform and received as data, like a workbook
                # import: the V3 excess stays in the data and screening refuses it.
                "state": State.SUBMITTED,
                "submitted_at": spec.submitted_at,
            },
        )
        if not created:
            continue
        created_now.append(application)
        _user(f"u{org.uscc.lower()}", Role.APPLICANT, organisation=org, first_name=org.name[:30])
    record_many(
        actor=None,
        action=Action.APPLICATION_CREATED,
        objects=created_now,
        details=lambda a: {"to": a.state, "source": "demo"},
    )
    city = _user("city_shijiazhuang", Role.CITY, unit=shijiazhuang, first_name="石家庄市工信局")
    for application in created_now:
        if application.unit_id == shijiazhuang.pk:
            transition(application, State.CITY_REVIEW, actor=city)
    _recommend_shijiazhuang(batch, shijiazhuang)


def _recommend_shijiazhuang(batch: Batch, unit: RecommendingUnit) -> None:
    """石家庄市 has a complete recommended list: the best-scored clean applications per category."""
    from greenlist.screening import verdicts

    city = User.objects.get(username="city_shijiazhuang")
    if Application.objects.filter(unit=unit, state=State.CITY_RECOMMENDED).exists():
        return
    result = verdicts.stored(batch, unit_names=[unit.name]).result
    eligible = {item.key for item in result.applications if item.eligible}
    # The city has read each warning (e.g. S1) before recommending: the demo acknowledges them.
    warned = {item.key: {f.rule for f in item.of(Effect.WARN)} for item in result.applications}
    quota = next(q.quota for q in result.quotas if q.unit.name == unit.name)
    limits = {"factory": quota, "park": 2, "supply_chain": 2}
    reviewing = Application.objects.filter(unit=unit, state=State.CITY_REVIEW).order_by(
        "-score", "submitted_at"
    )
    chosen = []
    for application in reviewing:
        if str(application.pk) in eligible and limits[application.category] > 0:
            limits[application.category] -= 1
            chosen.append(
                transition(
                    application, State.CITY_RECOMMENDED, actor=city, acknowledge=warned[str(application.pk)]
                )
            )
    complete_recommended(chosen, city)


def _load_users(data: DemoData, units: dict[str, RecommendingUnit]) -> None:
    for unit in units.values():
        _user(f"city_{unit.code}", Role.CITY, unit=unit, first_name=unit.bureau)
        for department in Department:
            _user(
                f"dept_{unit.code}_{department.value}",
                Role.DEPARTMENT,
                unit=unit,
                department=department.value,
                first_name=f"{unit.name}{department.label}",
            )
    by_profile = {e.profile: e for e in data.evaluators}
    for profile, username in [
        ("near_cap", "evaluator"),
        ("over_cap", "evaluator_overcap"),
        ("blacklisted", "evaluator_blacklisted"),
        ("no_diagnosis", "evaluator_nodiagnosis"),
    ]:
        evaluator = Evaluator.objects.get(uscc=by_profile[profile].uscc)
        _user(username, Role.EVALUATOR, evaluator=evaluator, first_name=evaluator.name[:30])
    # Friendly applicant logins: one in 石家庄 (already recommended) and one in 唐山 (under review).
    for username, unit_name in [("applicant", "石家庄市"), ("applicant_tangshan", "唐山市")]:
        if User.objects.filter(username=username).exists():
            continue
        application = (
            Application.objects.filter(unit=units[unit_name], category="factory")
            .order_by("submitted_at")
            .first()
        )
        if application is not None:
            _user(
                username,
                Role.APPLICANT,
                organisation=application.organisation,
                first_name=application.organisation.name[:30],
            )


def _submit_shijiazhuang(batch: Batch, unit: RecommendingUnit) -> None:
    """石家庄市 has submitted its list (frozen; the province may return it); the other units are
    still working on theirs."""
    from greenlist.decisions.submission import submit_to_province

    submit_to_province(batch=batch, unit=unit, actor=User.objects.get(username="city_shijiazhuang"))


def _load_unit_work(batch: Batch, units: dict[str, RecommendingUnit], province: User) -> None:
    """Consultations (石家庄 all three, 唐山 two), and the province's reopening of submission
    (the 2024 deadline has passed; the demo shows the D1 override the province may grant)."""
    for unit_name, departments in [("石家庄市", list(Department)), ("唐山市", list(Department)[:2])]:
        unit = units[unit_name]
        for department in departments:
            user = User.objects.get(username=f"dept_{unit.code}_{department.value}")
            Consultation.objects.get_or_create(
                batch=batch,
                unit=unit,
                department=department.value,
                defaults={
                    "agrees": True,
                    "opinion": f"经核查，拟推荐名单企业近三年无{department.label}职责范围内的重大违法记录，同意推荐。",
                    "recorded_by": user,
                },
            )
    for unit in units.values():
        submission, created = UnitSubmission.objects.get_or_create(batch=batch, unit=unit)
        if created:
            submission.reopened_until = timezone.now() + dt.timedelta(days=60)
            submission.save(update_fields=["reopened_until"])
            record(
                actor=province,
                action=Action.UNIT_REOPENED,
                obj=submission,
                unit=unit,
                reason="演示环境：2024年报送截止日已过，省厅重新开放报送以便演示完整流程。",
                details={"reopened_until": submission.reopened_until.isoformat()},
            )
