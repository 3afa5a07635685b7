"""The authorization matrix: every URL and API operation, for every persona, against a table
kept here. A URL added without a row fails this test."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from greenlist.accounts.models import OrganisationClaim
from greenlist.accounts.registration import register_applicant
from greenlist.accounts.tokens import issue_token
from greenlist.campaign.models import Attachment, CompanyOpinion, Engagement, ExperienceReport, Job
from greenlist.dynamic.models import Filing, OnSiteCheck
from greenlist.registry.models import ProvincialListEntry, RegisterProposal
from greenlist.scoping import unscoped
from greenlist.selection.models import Expert, Objection, PublicNotice, ReviewAssignment, ReviewMeeting


def selection(p: Any) -> Any:
    """The province's selection records (greenlist.selection), made once per test."""
    if not hasattr(p, "sel_notice"):
        with unscoped():
            batch = p.app_x.batch
            p.sel_expert = Expert.objects.create(
                name="矩阵专家", field="节能", organisation="某大学", contact="1"
            )
            p.sel_assignment = ReviewAssignment.objects.create(
                application=p.app_x, expert=p.sel_expert, assigned_by=p.province
            )
            p.sel_meeting = ReviewMeeting.objects.create(
                batch=batch,
                kind="topic",
                held_on="2024-08-01",
                title="会审",
                attendees="甲",
                recorded_by=p.province,
            )
            p.sel_notice = PublicNotice.objects.create(
                batch=batch,
                title="公示",
                starts_on="2024-08-01",
                ends_on="2024-08-05",
                days=5,
                contact="节能处",
                entries=[
                    {
                        "id": p.app_x.pk,
                        "name": "甲",
                        "category": "factory",
                        "category_label": "绿色工厂",
                        "city": "石家庄市",
                    }
                ],
                published_by=p.province,
                # Produced already (a POST): the GET of the final list only downloads it.
                finalised_at="2024-08-10T10:00:00+08:00",
            )
            p.sel_objection = Objection.objects.create(
                notice=p.sel_notice,
                application_id_listed=p.app_x.pk,
                listed_name="甲",
                name="周某",
                contact="1",
                statement="异议",
                received_on="2024-08-02",
                entered_by=p.province,
                evidence=SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF\n"),
                evidence_type="pdf",
                outcome="dismissed",
                outcome_text="不属实",
                closed_at="2024-08-04T10:00:00+08:00",
            )
    return p


PERSONAS = [
    "province",
    "city_a",
    "city_b",
    "dept_a",
    "applicant_x",
    "applicant_y",
    "pending",
    "evaluator",
    "anonymous",
]

# name → (method, path (given the personas), form data)
REQUESTS: dict[str, tuple[str, Callable[[Any], str], dict[str, str]]] = {
    "dashboard": ("GET", lambda p: "/", {}),
    "healthz": ("GET", lambda p: "/healthz", {}),
    "readyz": ("GET", lambda p: "/readyz", {}),
    "login": ("GET", lambda p: "/login/", {}),
    "logout": ("POST", lambda p: "/logout/", {}),
    "register": ("GET", lambda p: "/register/", {}),
    "check_uscc": ("GET", lambda p: "/register/check-uscc/?uscc=91130", {}),
    "claim_code": ("POST", lambda p: "/account/claim-code/", {"code": "2222-3333-4444"}),
    "password_change": ("GET", lambda p: "/account/password/", {}),
    "password_change_done": ("GET", lambda p: "/account/password/done/", {}),
    "password_reset": ("GET", lambda p: "/password-reset/", {}),
    "password_reset_done": ("GET", lambda p: "/password-reset/sent/", {}),
    "password_reset_confirm": ("GET", lambda p: "/password-reset/MQ/not-a-token/", {}),
    "password_reset_complete": ("GET", lambda p: "/password-reset/complete/", {}),
    "unit_registrations": ("GET", lambda p: "/unit/registrations/", {}),
    "unit_registration_action": ("POST", lambda p: f"/unit/registrations/{p.claim.pk}/", {"action": "code"}),
    "application_new": ("GET", lambda p: "/applications/new/", {}),
    "application_edit": ("GET", lambda p: f"/applications/{p.app_x.pk}/edit/", {}),
    "application_list": ("GET", lambda p: "/applications/", {}),
    "application_detail": ("GET", lambda p: f"/applications/{p.app_x.pk}/", {}),
    "application_transition": (
        "POST",
        lambda p: f"/applications/{p.app_x.pk}/transition/",
        {"target": "bogus"},
    ),
    "evaluator_home": ("GET", lambda p: "/evaluator/", {}),
    "evaluator_declare": ("POST", lambda p: f"/evaluator/declare/{p.app_x.pk}/", {}),
    "engagement_action": (
        "POST",
        lambda p: f"/evaluator/engagements/{p.engagement.pk}/",
        {"action": "accept"},
    ),
    "bulk_applications": ("GET", lambda p: "/applications/bulk/", {}),
    "company_opinions": ("GET", lambda p: "/unit/opinions/", {}),
    "company_opinion_record": (
        "POST",
        lambda p: f"/unit/opinions/{p.app_x.pk}/",
        {"agrees": "yes", "department": "market_regulation"},
    ),
    "company_opinion_handling": (
        "POST",
        lambda p: f"/unit/opinions/handling/{p.opinion.pk}/",
        {"handling": "已复核"},
    ),
    "company_opinion_letter": ("GET", lambda p: f"/unit/opinions/letter/{p.opinion.pk}/", {}),
    "unit_home": ("GET", lambda p: "/unit/", {}),
    "unit_consultation": ("POST", lambda p: "/unit/consultation/", {"department": "x"}),
    "unit_submit": ("POST", lambda p: "/unit/submit/", {}),
    "unit_handling": (
        "POST",
        lambda p: "/unit/handling/",
        {"department": "market_regulation", "handling": "已复核"},
    ),
    "application_ruling": (
        "POST",
        lambda p: f"/applications/{p.app_x.pk}/rulings/",
        {"fingerprint": "0" * 32, "decision": "confirmed", "reason": "核实"},
    ),
    "rulings": ("GET", lambda p: "/rulings/", {}),
    "ruling_reverse": ("POST", lambda p: "/rulings/999999/reverse/", {"reason": "撤销"}),
    "selection": ("GET", lambda p: "/selection/", {}),
    "province_units": ("GET", lambda p: "/units/", {}),
    "province_unit_action": ("POST", lambda p: "/units/shijiazhuang/", {"action": "none"}),
    "audit_trail": ("GET", lambda p: "/audit/", {}),
    "documents": ("GET", lambda p: "/documents/", {}),
    "document_file": ("GET", lambda p: "/documents/summary-table.xlsx", {}),
    "upload_attachment": ("POST", lambda p: f"/applications/{p.app_x.pk}/attachments/", {}),
    "attachment_file": ("GET", lambda p: f"/applications/{p.app_x.pk}/attachments/{p.attachment.pk}/", {}),
    "experience_report": ("GET", lambda p: f"/applications/{p.app_x.pk}/report/", {}),
    "experience_report_docx": ("GET", lambda p: f"/applications/{p.app_x.pk}/report.docx", {}),
    "report_check": ("POST", lambda p: "/report-check/", {}),
    "screening": ("GET", lambda p: "/screening/", {}),
    "rules": ("GET", lambda p: "/rules/", {}),
    "help": ("GET", lambda p: "/help/", {}),
    "reference": ("POST", lambda p: "/reference/", {"product": ""}),
    "indicators": ("GET", lambda p: f"/applications/{p.app_x.pk}/indicators/", {}),
    "indicators_preview": ("POST", lambda p: f"/applications/{p.app_x.pk}/indicators/preview/", {}),
    "indicator_check": (
        "POST",
        lambda p: f"/applications/{p.app_x.pk}/indicators/check/",
        {"indicator": "EN1", "authentic": "yes", "accurate": "yes", "advanced": "yes"},
    ),
    "ranking": ("GET", lambda p: "/ranking/", {}),
    "ranking_recommend": ("POST", lambda p: "/ranking/recommend/", {"category": "factory"}),
    "import": ("GET", lambda p: "/import/", {}),
    "job": ("GET", lambda p: f"/jobs/{p.job.pk}/", {}),
    "job_progress": ("GET", lambda p: f"/jobs/{p.job.pk}/progress/", {}),
    "job_retry": ("POST", lambda p: f"/jobs/{p.job.pk}/retry/", {}),
    "template": ("GET", lambda p: "/templates/workbook/", {}),
    "dynamic_home": ("GET", lambda p: "/dynamic/", {}),
    "dynamic_filing_form": ("GET", lambda p: f"/dynamic/entries/{p.filing.entry_id}/file/", {}),
    "dynamic_filing": ("GET", lambda p: f"/dynamic/filings/{p.filing.pk}/", {}),
    "dynamic_filing_review": (
        "POST",
        lambda p: f"/dynamic/filings/{p.filing.pk}/review/",
        {"decision": "bogus"},
    ),
    "dynamic_filing_propose": (
        "POST",
        lambda p: f"/dynamic/filings/{p.filing.pk}/propose/",
        {"kind": "bogus", "reason": "", "effective_on": "2025-03-01"},
    ),
    "dynamic_onsite_record": ("POST", lambda p: f"/dynamic/onsite/{p.onsite.pk}/", {"findings": ""}),
    "dynamic_onsite_file": ("GET", lambda p: f"/dynamic/onsite/{p.onsite.pk}/file/", {}),
    "dynamic_progress": ("GET", lambda p: "/dynamic/progress/", {}),
    "dynamic_standing": ("GET", lambda p: "/dynamic/standing/", {}),
    "dynamic_import": ("GET", lambda p: "/dynamic/import/", {}),
    "dynamic_template": ("GET", lambda p: "/dynamic/import/template.xlsx", {}),
    "review_experts": ("GET", lambda p: "/review/experts/", {}),
    "review_expert_edit": ("GET", lambda p: f"/review/experts/{selection(p).sel_expert.pk}/", {}),
    "review_assignments": ("GET", lambda p: "/review/assignments/", {}),
    "review_home": ("GET", lambda p: "/review/", {}),
    "review_sheet": ("GET", lambda p: f"/review/sheets/{selection(p).sel_assignment.pk}/", {}),
    "review_meetings": ("GET", lambda p: "/review/meetings/", {}),
    "review_meeting": ("GET", lambda p: f"/review/meetings/{selection(p).sel_meeting.pk}/", {}),
    "notices": ("GET", lambda p: "/notices/", {}),
    "notice_detail": ("GET", lambda p: f"/notices/{selection(p).sel_notice.pk}/", {}),
    "objection_evidence": (
        "GET",
        lambda p: f"/notices/{selection(p).sel_notice.pk}/objections/{p.sel_objection.pk}/evidence/",
        {},
    ),
    "notice_finalise": ("POST", lambda p: f"/notices/{selection(p).sel_notice.pk}/finalise/", {}),
    "notice_final": ("GET", lambda p: f"/notices/{selection(p).sel_notice.pk}/final.xlsx", {}),
    "gongshi": ("GET", lambda p: f"/gongshi/{selection(p).sel_notice.pk}/", {}),
    "api:openapi-json": ("GET", lambda p: "/api/openapi.json", {}),
    "api:openapi-view": ("GET", lambda p: "/api/docs", {}),
    "api:api-root": ("GET", lambda p: "/api/", {}),
    "api:list_applications": ("GET", lambda p: "/api/applications", {}),
    "api:get_application": ("GET", lambda p: f"/api/applications/{p.app_x.pk}", {}),
    "api:quotas": ("GET", lambda p: "/api/quotas", {}),
    "api:evaluators": ("GET", lambda p: "/api/evaluators", {}),
    "api:upload_workbook": ("POST", lambda p: "/api/workbooks", {"file": "负面记录.csv"}),
    "api:application_transition": (
        "JSON",
        lambda p: f"/api/applications/{p.app_x.pk}/transition",
        {"to": "submitted"},
    ),
    "api:unit_submit": ("JSON", lambda p: "/api/units/shijiazhuang/submit", {"confirm": True}),
    "api:unit_return": ("JSON", lambda p: "/api/units/shijiazhuang/return", {"reason": "退回补正"}),
    "api:get_job": ("GET", lambda p: f"/api/jobs/{p.job.pk}", {}),
    "api:register_list": ("GET", lambda p: "/api/register?level=省级", {}),
    "api:filings_list": ("GET", lambda p: "/api/dynamic/filings?cycle=2025", {}),
    "api:register_propose": (
        "JSON",
        lambda p: "/api/register/proposals",
        {
            "category": "factory",
            "level": "省级",
            "kind": "removal",
            "reason": "核查",
            "effective_on": "2024-03-01",
        },
    ),
    "api:register_approve": ("JSON", lambda p: f"/api/register/proposals/{p.proposal.pk}/approve", {}),
    "api:register_reject": (
        "JSON",
        lambda p: f"/api/register/proposals/{p.proposal.pk}/reject",
        {"reason": "证据不足"},
    ),
    "register_list": ("GET", lambda p: "/lists/", {}),
    "register_entry": ("GET", lambda p: f"/lists/{p.entry_x.pk}/", {}),
    "register_propose": (
        "POST",
        lambda p: f"/lists/{p.entry_x.pk}/propose/",
        {"kind": "removal", "reason": "核查", "effective_on": "2024-03-01"},
    ),
    "register_proposals": ("GET", lambda p: "/lists/proposals/", {}),
    "register_event": (
        "POST",
        lambda p: f"/lists/{p.entry_x.pk}/events/",
        {"kind": "boundary", "on": "2024-02-01", "detail": "厂区扩建"},
    ),
    "register_cultivation": ("GET", lambda p: "/lists/cultivation/", {}),
    "register_decide": (
        "POST",
        lambda p: f"/lists/proposals/{p.proposal.pk}/decide/",
        {"action": "reject", "reason": "证据不足"},
    ),
    "register_summary": ("GET", lambda p: "/lists/proposals/summary.xlsx", {}),
}

EXPECTED_ROWS: dict[str, tuple[int, ...]] = {
    # status per persona, in PERSONAS order: province, city A, city B, department of A,
    # applicant X, applicant Y, pending (registered with X's uscc, not yet confirmed: sees
    # nothing of X), evaluator of X, anonymous
    "api:api-root": (404, 404, 404, 404, 404, 404, 404, 404, 404),
    "api:evaluators": (200, 200, 200, 403, 403, 403, 403, 403, 401),
    "api:get_application": (200, 200, 404, 200, 200, 404, 404, 200, 401),
    "api:list_applications": (200, 200, 200, 200, 200, 200, 200, 200, 401),
    "api:openapi-json": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:openapi-view": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:quotas": (200, 200, 200, 200, 403, 403, 403, 403, 401),
    "api:upload_workbook": (400, 400, 400, 403, 403, 403, 403, 403, 401),
    # Submitting is the applicant's move (the others' roles may not make it: 403); outside the
    # caller's scope 404. The unit's D1 and C1 block its submission (409); nothing to return (409).
    "api:application_transition": (403, 403, 404, 403, 200, 404, 404, 403, 401),
    "api:unit_submit": (403, 409, 404, 403, 404, 404, 404, 404, 401),
    "api:unit_return": (409, 403, 404, 403, 404, 404, 404, 404, 401),
    "api:get_job": (200, 200, 404, 404, 404, 404, 404, 404, 401),
    "application_detail": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    "application_edit": (403, 403, 403, 403, 200, 404, 404, 403, 302),
    "application_list": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "application_new": (403, 403, 403, 403, 200, 200, 302, 403, 302),
    "application_transition": (302, 302, 404, 403, 302, 404, 404, 403, 302),
    "audit_trail": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "claim_code": (403, 403, 403, 403, 302, 302, 302, 403, 302),
    "password_change": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "password_change_done": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "password_reset": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "unit_registrations": (403, 200, 200, 403, 403, 403, 403, 403, 302),
    "unit_registration_action": (403, 200, 404, 403, 403, 403, 403, 403, 302),
    "check_uscc": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboard": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "healthz": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # No login, the same for everyone: 503 here because no worker runs in this test.
    "readyz": (503, 503, 503, 503, 503, 503, 503, 503, 503),
    "document_file": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "documents": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "evaluator_declare": (403, 403, 403, 403, 403, 403, 403, 302, 302),
    "evaluator_home": (403, 403, 403, 403, 403, 403, 403, 200, 302),
    # Only the engaged evaluator answers a request (already accepted here: refused, redirected).
    "engagement_action": (403, 403, 403, 403, 403, 403, 403, 302, 302),
    "bulk_applications": (403, 200, 200, 403, 403, 403, 403, 403, 302),
    "company_opinions": (403, 200, 200, 200, 403, 403, 403, 403, 302),
    # X is not on a draft list: the city and the department are told so (302); B cannot see it.
    "company_opinion_record": (403, 302, 404, 302, 403, 403, 403, 403, 302),
    "company_opinion_handling": (403, 302, 404, 403, 403, 403, 403, 403, 302),
    "company_opinion_letter": (200, 200, 404, 200, 403, 403, 403, 403, 302),
    "upload_attachment": (403, 403, 403, 403, 302, 404, 404, 302, 302),
    "attachment_file": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    "experience_report": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    "experience_report_docx": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    "import": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "job": (200, 200, 404, 404, 404, 404, 404, 404, 302),
    "job_progress": (200, 200, 404, 404, 404, 404, 404, 404, 302),
    # Only the uploader may retry (the province sees every job but retries none of others').
    "job_retry": (404, 302, 404, 404, 404, 404, 404, 404, 302),
    "login": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "logout": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "province_unit_action": (302, 403, 403, 403, 403, 403, 403, 403, 302),
    "province_units": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "register": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "report_check": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "rules": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "help": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "reference": (302, 403, 403, 403, 403, 403, 403, 403, 302),
    "indicators": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    "indicators_preview": (200, 200, 404, 200, 200, 404, 404, 200, 302),
    # The unit's city or the province; the service still refuses a draft (nothing changes).
    "indicator_check": (302, 302, 404, 403, 403, 403, 403, 403, 302),
    "ranking": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "ranking_recommend": (403, 302, 302, 403, 403, 403, 403, 403, 302),
    "screening": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "template": (200, 200, 200, 200, 200, 200, 200, 200, 302),
    "unit_consultation": (403, 302, 302, 302, 403, 403, 403, 403, 302),
    "unit_home": (403, 200, 200, 200, 403, 403, 403, 403, 302),
    "unit_submit": (403, 302, 302, 403, 403, 403, 403, 403, 302),
    "unit_handling": (403, 302, 302, 403, 403, 403, 403, 403, 302),
    "application_ruling": (302, 302, 404, 403, 403, 403, 403, 403, 302),
    "rulings": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "ruling_reverse": (404, 403, 403, 403, 403, 403, 403, 403, 302),
    "selection": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    # 年度动态管理: the filing's city audits it (another city: 404, never 403); the applicant
    # files its own table; the province reads everything and audits nothing.
    "dynamic_home": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "dynamic_filing_form": (403, 403, 403, 403, 200, 404, 404, 403, 302),
    "dynamic_filing": (200, 200, 404, 200, 200, 404, 404, 403, 302),
    "dynamic_filing_review": (403, 302, 404, 403, 403, 403, 403, 403, 302),
    "dynamic_filing_propose": (403, 302, 404, 403, 403, 403, 403, 403, 302),
    "dynamic_onsite_record": (403, 302, 404, 403, 403, 403, 403, 403, 302),
    "dynamic_onsite_file": (200, 200, 404, 403, 403, 403, 403, 403, 302),
    "dynamic_progress": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "dynamic_standing": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    "dynamic_import": (403, 200, 200, 403, 403, 403, 403, 403, 302),
    "dynamic_template": (200, 200, 200, 403, 403, 403, 403, 403, 302),
    # The province's selection (greenlist.selection); the expert's own pages refuse every other
    # role (the expert persona has its own table in tests/selection/test_matrix.py).
    "review_experts": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_expert_edit": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_assignments": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_home": (403, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_sheet": (403, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_meetings": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "review_meeting": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "notices": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "notice_detail": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "objection_evidence": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    "notice_finalise": (302, 403, 403, 403, 403, 403, 403, 403, 302),
    "notice_final": (200, 403, 403, 403, 403, 403, 403, 403, 302),
    # The public 公示 page: no login, the same for everyone.
    "gongshi": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # The register: the province all, a city and its departments their unit's (a city's own only
    # for proposals), an applicant its own entries over the API; only the province decides.
    "api:register_list": (200, 200, 200, 200, 200, 200, 200, 200, 401),
    # Read only, scoped like /dynamic/ (an evaluator has no part in the yearly filings).
    "api:filings_list": (200, 200, 200, 200, 200, 200, 200, 403, 401),
    "api:register_propose": (403, 201, 403, 403, 403, 403, 403, 403, 401),
    "api:register_approve": (200, 403, 403, 403, 403, 403, 403, 403, 401),
    "api:register_reject": (200, 403, 403, 403, 403, 403, 403, 403, 401),
    "register_list": (200, 200, 200, 200, 403, 403, 403, 403, 302),
    "register_entry": (200, 200, 404, 200, 403, 403, 403, 403, 302),
    "register_propose": (403, 302, 404, 403, 403, 403, 403, 403, 302),
    "register_proposals": (200, 200, 200, 200, 403, 403, 403, 403, 302),
    "register_event": (302, 403, 403, 403, 403, 403, 403, 403, 302),
    "register_cultivation": (200, 200, 200, 200, 403, 403, 403, 403, 302),
    "register_decide": (302, 403, 403, 403, 403, 403, 403, 403, 302),
    "register_summary": (200, 403, 403, 403, 403, 403, 403, 403, 302),
}
EXPECTED = {name: dict(zip(PERSONAS, row, strict=True)) for name, row in EXPECTED_ROWS.items()}


def walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own permission model: the province role only (tests/web)
            yield from walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_url_has_a_row():
    names = set(walk(get_resolver().url_patterns))
    assert names == set(REQUESTS), (
        f"missing rows: {names - set(REQUESTS)}, stale rows: {set(REQUESTS) - names}"
    )
    assert set(EXPECTED) == set(REQUESTS)


def client_for(personas: Any, who: str, api: bool) -> Client:
    if who == "anonymous":
        return Client()
    user = getattr(personas, who)
    if api:
        return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'matrix')}")
    return personas.client(user)


def form(data: dict[str, str]) -> dict[str, Any]:
    """A value naming a .csv becomes an uploaded (empty, so invalid) file of that name."""
    return {k: SimpleUploadedFile(v, b"") if v.endswith(".csv") else v for k, v in data.items()}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_each_persona_gets_what_the_table_says(personas, name):
    method, path, data = REQUESTS[name]
    with unscoped():
        personas.pending = register_applicant(
            uscc=personas.org_x.uscc,
            name="冒名登记有限公司",
            unit=personas.org_x.unit,
            industry="",
            username="p_pending",
            email="pending@example.com",
            password="correct-horse-battery",
        )
        personas.claim = OrganisationClaim.objects.get(user=personas.pending)
        ExperienceReport.objects.create(application=personas.app_x, title="报告")
        personas.attachment = Attachment.objects.create(
            application=personas.app_x,
            kind="other",
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
            original_name="a.pdf",
            sha256="0" * 64,
            size=8,
            uploaded_by=personas.applicant_x,
        )
        entry_x = ProvincialListEntry.objects.get(uscc=personas.org_x.uscc)
        personas.filing = Filing.objects.create(
            entry=entry_x, cycle_year=2025, form_version="dynamic-form-v1", state="onsite_ordered"
        )
        personas.onsite = OnSiteCheck.objects.create(
            filing=personas.filing,
            assignee="核查人员",
            due_on="2025-03-20",
            ordered_by=personas.city_a,
            attachment_sha256="1" * 64,
            attachment_name="核查.pdf",
            attachment=SimpleUploadedFile("核查.pdf", b"%PDF-1.4"),
        )
        personas.engagement = Engagement.objects.create(
            application=personas.app_x,
            evaluator=personas.evaluator_org,
            status="accepted",
            requested_at=personas.app_x.created_at,
        )
        personas.opinion = CompanyOpinion.objects.create(
            application=personas.app_x,
            department="market_regulation",
            agrees=False,
            opinion="有环境违法记录",
            letter=SimpleUploadedFile("复函.pdf", b"%PDF-1.4\n%%EOF"),
            letter_name="复函.pdf",
            recorded_by=personas.dept_a,
            recorded_at=personas.app_x.created_at,
        )
        personas.job = Job.objects.create(
            file="x", original_name="x.xlsx", batch=personas.app_x.batch, created_by=personas.city_a
        )
        personas.entry_x = ProvincialListEntry.objects.get(uscc=personas.org_x.uscc)
        other = ProvincialListEntry.objects.filter(unit=personas.org_x.unit).exclude(pk=personas.entry_x.pk)[
            0
        ]
        personas.proposal = RegisterProposal.objects.create(
            entry=other,
            kind="removal",
            reason="核查",
            effective_on=dt.date(2024, 3, 1),
            proposed_by=personas.city_a,
        )
    got = {}
    for who in PERSONAS:
        client = client_for(personas, who, name.startswith("api:"))
        url = path(personas)
        if method == "JSON":
            if name == "api:register_propose":
                data = {**data, "uscc": personas.org_x.uscc}
            response = client.post(url, json.dumps(data), content_type="application/json")
        elif method == "POST":
            response = client.post(url, form(data))
        else:
            response = client.get(url)
        got[who] = response.status_code
    assert got == EXPECTED[name]
