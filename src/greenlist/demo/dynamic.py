"""Demo: the current dynamic-management cycle, half done over the demo's list entries.

Every other listed unit has handed in its table (imported by its city, a few after the unit
deadline); each has last year's accepted table beside it, some with an indicator worse beyond
the threshold or a declared rename; 石家庄市 has audited part of its filings (accepted, one
returned, one on-site check with its findings recorded). Three years of scores give the standing
page its history and watchlist. Deterministic (values from each uscc) and idempotent (nothing is
added once the cycle has filings).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from greenlist.accounts.models import Role, User
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.rules import filing as rules
from greenlist.scoping import unscoped


def _values(
    entry: ProvincialListEntry, the_form: rules.Form, year: int, *, worse: bool = False
) -> dict[str, str]:
    """A unit's table for ``year``: a profile fixed by its uscc, moved a little each year."""
    rng = random.Random(f"{entry.uscc}:{entry.category}")
    drift = random.Random(f"{entry.uscc}:{entry.category}:{year}")

    def moved(base: float, spread: float = 0.03) -> Decimal:
        return Decimal(str(round(base * (1 + drift.uniform(-spread, spread)), 3)))

    intensity = moved(rng.randrange(30, 90) / 100, 0.02) * (Decimal("1.15") if worse else 1)
    output = int(moved(rng.randrange(5_000, 200_000)))
    values = {
        "output_value": str(output),
        "energy_total": str(int(output * intensity)),
        "energy_intensity": str(intensity.quantize(Decimal("0.001"))),
        "co2_total": str(int(output * intensity * Decimal("2.5"))),
        "co2_intensity": str((intensity * Decimal("2.5")).quantize(Decimal("0.001"))),
        "renewable_share": str(rng.randrange(3, 40) + drift.randrange(0, 3)),
        "water_intake": str(int(moved(rng.randrange(10_000, 900_000)))),
        "water_reuse": str(min(99, rng.randrange(80, 97) + drift.randrange(0, 3))),
        "solid_waste_reuse": str(min(100, rng.randrange(85, 98) + drift.randrange(0, 3))),
        "land_output": str(int(moved(rng.randrange(100, 900)))),
        "green_supplier_share": str(rng.randrange(20, 80) + drift.randrange(0, 3)),
        "retrofit_investment": str(drift.randrange(0, 3_000)),
        "certificates": rng.choice(["ISO 14001、ISO 50001", "ISO 14001", "ISO 9001、ISO 14001、ISO 45001"]),
        "accidents": "无",
        "name_changed": "否",
        "boundary_changed": "否",
        "score": str(rng.randrange(70, 94) + drift.randrange(0, 3)),
    }
    codes = {f.code for f in the_form.fields_for(entry.category)}
    return {k: v for k, v in values.items() if k in codes}


def load_dynamic_demo() -> int:
    """Load the demo cycle; returns the number of filings created (0 when already loaded)."""
    try:
        the_cycle = service.cycle()
    except rules.CycleFileError:
        return 0
    with unscoped():
        if Filing.objects.filter(cycle_year=the_cycle.year).exists():
            return 0
        the_form = service.form(the_cycle.form_version)
        entries = list(
            service.entries(the_cycle).select_related("unit").order_by("unit__order", "uscc", "category")
        )
        cities = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.CITY, username__startswith="city_")
            if u.unit_id is not None
        }
        _scores(entries, the_cycle)
        created = 0
        audited: list[Filing] = []
        for index, entry in enumerate(entries):
            if index % 2 or entry.unit_id not in cities:
                continue  # half the units have not filed yet
            last = _values(entry, the_form, the_cycle.data_year - 1)
            Filing.objects.create(
                entry=entry,
                cycle_year=the_cycle.year - 1,
                form_version=the_form.version,
                values=last,
                state=FilingState.ACCEPTED,
                filed_at=the_cycle.filing_deadline - dt.timedelta(days=365),
                submitted_at=the_cycle.filing_deadline - dt.timedelta(days=365),
            )
            this = _values(entry, the_form, the_cycle.data_year, worse=index % 12 == 0)
            if index % 46 == 0 and "name_changed" in this:
                this.update(name_changed="是", new_name=f"{entry.name[:-4]}（集团）有限公司")
            late = index % 30 == 4
            filed_on = the_cycle.filing_deadline + (
                dt.timedelta(days=2) if late else -dt.timedelta(days=1 + index % 9)
            )
            result = service.save_filing(
                entry,
                the_cycle,
                this,
                actor=cities[entry.unit_id],
                submit=True,
                via_import=True,
                now=filed_on,
            )
            if result.filing is None:
                continue
            created += 1
            if entry.unit.name == "石家庄市":
                audited.append(result.filing)
        _audit_shijiazhuang(audited, the_cycle, cities)
    return created


def _audit_shijiazhuang(filings: list[Filing], the_cycle: rules.Cycle, cities: dict[int, User]) -> None:
    if not filings:
        return
    city = cities[filings[0].unit_id]
    for index, filing in enumerate(filings[: max(1, len(filings) * 2 // 3)]):
        if index == 1:
            service.review(
                filing,
                "returned",
                actor=city,
                reason="取水量与统计年报数据不一致，请核对后重新填报",
                the_cycle=the_cycle,
            )
        elif index == 2:
            service.review(
                filing,
                "onsite",
                actor=city,
                reason="单位综合能耗上升，需现场核实",
                assignee="市节能监察支队 李明",
                due_on=the_cycle.deadline("city").due.date() - dt.timedelta(days=7),
                the_cycle=the_cycle,
            )
            check = OnSiteCheck.objects.get(filing=filing)
            service.record_onsite(
                check,
                actor=city,
                findings="现场核实：新增产线试运行导致能耗上升，计量器具配备齐全，数据属实；建议继续保留，次年重点关注。",
            )
        else:
            service.review(filing, "accepted", actor=city, the_cycle=the_cycle)


def _scores(entries: list[ProvincialListEntry], the_cycle: rules.Cycle) -> None:
    """Three years of scores per listed unit (the evaluation reports of earlier years); the
    lowest-scored unit of each category and level stays at the bottom every year (the watchlist)."""
    years = range(the_cycle.data_year - 2, the_cycle.data_year + 1)
    by_category: dict[tuple[str, str], list[ProvincialListEntry]] = {}
    for entry in entries:
        by_category.setdefault((entry.category, entry.level), []).append(entry)
    rows = []
    for group in by_category.values():
        bottom = {e.pk for e in sorted(group, key=lambda e: e.uscc)[:1]}
        for entry in group:
            rng = random.Random(f"score:{entry.uscc}:{entry.category}")
            for year in years:
                score = (
                    Decimal(
                        rng.randrange(6_000, 6_400) if entry.pk in bottom else rng.randrange(7_200, 9_600)
                    )
                    / 100
                )
                rows.append(UnitScore(entry=entry, year=year, score=score, source=UnitScore.Source.IMPORT))
    UnitScore.objects.bulk_create(rows, ignore_conflicts=True)
