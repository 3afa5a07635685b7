"""The official documents from the database: 附件1, the recommendation letter and the
submission pack (what is uploaded to the national platform and kept on file)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from greenlist.campaign.attachments import report_docx
from greenlist.campaign.models import (
    Application,
    Attachment,
    Batch,
    Consultation,
    ExperienceReport,
    UnitSubmission,
)
from greenlist.campaign.workflow import State
from greenlist.documents import (
    Consultation as ConsultationData,
)
from greenlist.documents import (
    LetterData,
    SummaryRow,
    SummaryTable,
    recommendation_letter_docx,
    summary_table_docx,
    summary_table_xlsx,
)
from greenlist.documents.formulas import csv_row
from greenlist.documents.layouts import DocumentLayout, load_layout
from greenlist.registry.models import ProvincialListEntry, RecommendingUnit
from greenlist.registry.sync import load_province
from greenlist.rules.vocabulary import Category, Department, ListLevel, ListStatus, ParkLevel
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from greenlist.screening.ranking import rank_unit

# What the unit recommended (whatever the province decided since), and what the province keeps.
UNIT_EDITION_STATES: tuple[State, ...] = (
    State.CITY_RECOMMENDED,
    State.PROVINCE_RECOMMENDED,
    State.PROVINCE_NOT_RECOMMENDED,
)
PROVINCE_EDITION_STATES: tuple[State, ...] = (State.CITY_RECOMMENDED, State.PROVINCE_RECOMMENDED)


def _layout(batch: Batch) -> DocumentLayout:
    return load_layout(batch.parameters.document_layout, Path(settings.GREENLIST_DATA_DIR))


def summary_file_name(batch: Batch, title: str, kind: str) -> str:
    """附件1's file name: its title (the layout's) for ``title`` (a unit, or 全省)."""
    return f"{_layout(batch).summary_table.title_for(title, batch.code)}.{kind}"


def letter_file_name(batch: Batch, unit: RecommendingUnit) -> str:
    return f"{unit.name}{_layout(batch).letter.title.format(year=batch.code)}.docx"


def _listed_ids(batch: Batch, unit: RecommendingUnit) -> list[int]:
    """The unit's list in the order the city saw it: the snapshot of its submission, or, before
    it submits, its recommendations in ranking order per category."""
    submission = UnitSubmission.unscoped.filter(batch=batch, unit=unit, submitted_at__isnull=False).first()
    if submission is not None and submission.snapshot:
        return [entry["id"] for entry in submission.snapshot["applications"]]
    ids = []
    for category in Category:
        ranking = rank_unit(batch, unit, category.value)
        ids += [int(r.key) for r in ranking.ranked if ranking.states[r.key] in UNIT_EDITION_STATES]
    return ids


def recommended(batch: Batch, unit: RecommendingUnit | None) -> list[Application]:
    """附件1's rows. A unit's edition: its list as submitted (or as it stands, before submission).
    The province's edition: every submitted list, unit by unit, less what the province declined.
    Never an application whose stored verdict excludes it (a finding learnt after submission)."""
    with unscoped():
        if unit is not None:
            ids, states = _listed_ids(batch, unit), UNIT_EDITION_STATES
        else:
            submitted = UnitSubmission.unscoped.filter(batch=batch, submitted_at__isnull=False).order_by(
                "unit__order"
            )
            ids = [entry["id"] for s in submitted if s.snapshot for entry in s.snapshot["applications"]]
            states = PROVINCE_EDITION_STATES
        eligible = {
            int(item.key) for item in verdicts.current(batch, ids=ids).result.applications if item.eligible
        }
        rows = Application.unscoped.filter(pk__in=eligible, state__in=states).select_related(
            "organisation", "unit", "evaluator"
        )
        by_id = {a.pk: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


def _row(application: Application, listed: set[tuple[str, str]], province_wide: bool) -> SummaryRow:
    if application.category == Category.PARK:
        kind = f"{ParkLevel(application.park_level).label}工业园区" if application.park_level else ""
    else:
        kind = application.industry
    return SummaryRow(
        name=application.listed_name,
        evaluator=application.evaluator.name if application.evaluator else "",
        industry_or_type=kind,
        on_provincial_list=(application.organisation.uscc, application.category) in listed,
        unit=application.unit.name if province_wide else "",
        score=_score_text(application),
    )


def _score_text(application: Application) -> str:
    if application.score is None:
        return ""
    text = format(application.score, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def summary_table(batch: Batch, unit: RecommendingUnit | None) -> SummaryTable:
    with unscoped():
        rows = list(recommended(batch, unit))
        # 是否列入省级绿色名单: an active *provincial* entry of the row's own category; a national
        # entry, a revoked one or one of another category is not "省级绿色名单" for this row.
        listed = set(
            ProvincialListEntry.objects.filter(
                uscc__in=[a.organisation.uscc for a in rows],
                status=ListStatus.ACTIVE,
                level=ListLevel.PROVINCIAL,
            ).values_list("uscc", "category")
        )
    by_category = {c: [_row(a, listed, unit is None) for a in rows if a.category == c] for c in Category}
    province = load_province()
    return SummaryTable(
        unit_name=unit.name if unit else province["province"],
        year=batch.code,
        bureau=unit.bureau if unit else batch.parameters.source.get("issuer", ""),
        factories=by_category[Category.FACTORY],
        parks=by_category[Category.PARK],
        supply_chains=by_category[Category.SUPPLY_CHAIN],
        province_wide=unit is None,
        layout=_layout(batch).summary_table,
    )


def summary_table_file(batch: Batch, unit: RecommendingUnit | None, kind: str) -> bytes:
    table = summary_table(batch, unit)
    return summary_table_docx(table) if kind == "docx" else summary_table_xlsx(table)


def letter(batch: Batch, unit: RecommendingUnit) -> bytes:
    with unscoped():
        rows = list(recommended(batch, unit))
        opinions = {c.department: c for c in Consultation.objects.filter(batch=batch, unit=unit)}
    # The categories the batch's letter names (2025: factories and parks only).
    wanted = {item.category for item in _layout(batch).letter.categories}
    names = {c.label: [a.listed_name for a in rows if a.category == c] for c in Category if c.value in wanted}
    consultations = []
    for department in Department:
        opinion = opinions.get(department.value)
        consultations.append(
            ConsultationData(
                department=department.label.removesuffix("部门"),
                agrees=bool(opinion and opinion.agrees),
                recorded=timezone.localtime(opinion.recorded_at).date() if opinion else None,
                opinion=opinion.opinion if opinion else "",
            )
        )
    params = batch.parameters
    layout = _layout(batch)
    return recommendation_letter_docx(
        LetterData(
            unit_name=unit.name,
            bureau=unit.bureau,
            year=batch.code,
            batch_title=batch.title,
            notice_title=params.source.get("document", ""),
            counts={k: len(v) for k, v in names.items()},
            recommended=names,
            consultations=consultations,
            addressee=params.source.get("issuer", "河北省工业和信息化厅"),
            notice_issuer=params.source.get("issuer", ""),
            layout=layout.letter,
            summary_layout=layout.summary_table,
        )
    )


def _safe(name: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name).strip()


def pack(batch: Batch, unit: RecommendingUnit | None) -> bytes:
    """One .zip: the summary tables, the letter (unit pack), every recommended applicant's
    evaluation report and experience report, and manifest.csv (file, applicant, uscc, category, sha256)."""
    buffer = io.BytesIO()
    manifest: list[tuple[str, str, str, str, str]] = []
    title = unit.name if unit else "全省"

    def add(path: str, data: bytes, applicant: str = "", uscc: str = "", category: str = "") -> None:
        archive.writestr(path, data)
        manifest.append((path, applicant, uscc, category, hashlib.sha256(data).hexdigest()))

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, unscoped():
        for kind in ("docx", "xlsx"):
            add(summary_file_name(batch, title, kind), summary_table_file(batch, unit, kind))
        if unit is not None:
            add(letter_file_name(batch, unit), letter(batch, unit))
        for number, application in enumerate(recommended(batch, unit), start=1):
            org = application.organisation
            folder = f"申报材料/{number:03d}_{_safe(org.name)}"
            who = (org.name, org.uscc, Category(application.category).label)
            for attachment in _files(application, Attachment.Kind.EVALUATION_REPORT):
                with attachment.file.open("rb") as handle:
                    add(f"{folder}/评价报告_{_safe(attachment.original_name)}", handle.read(), *who)
            uploaded = list(_files(application, Attachment.Kind.EXPERIENCE_REPORT))[:1]
            if uploaded:
                with uploaded[0].file.open("rb") as handle:
                    add(f"{folder}/典型经验报告.docx", handle.read(), *who)
            elif ExperienceReport.objects.filter(application=application).exists():
                add(f"{folder}/典型经验报告.docx", report_docx(application), *who)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["文件", "申报主体", "统一社会信用代码", "类别", "sha256"])
        writer.writerows(csv_row(row) for row in manifest)  # names are the applicants' own text
        archive.writestr("manifest.csv", "\ufeff" + out.getvalue())
    return buffer.getvalue()


def _files(application: Application, kind: str) -> Iterable[Attachment]:
    return Attachment.unscoped.filter(application=application, kind=kind).order_by("-uploaded_at")


def stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d")
