from django.contrib.auth import views as auth_views
from django.urls import path

from greenlist.web.views import (
    applicant,
    applications,
    audit,
    documents,
    evaluator,
    indicators,
    ranking,
    reference,
    screening,
    unit,
)

urlpatterns = [
    path("", applications.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", applicant.register, name="register"),
    path("register/check-uscc/", applicant.check_uscc, name="check_uscc"),
    path("applications/new/", applicant.application_new, name="application_new"),
    path("applications/<int:pk>/edit/", applicant.application_edit, name="application_edit"),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/transition/",
        applications.application_transition,
        name="application_transition",
    ),
    path("evaluator/", evaluator.evaluator_home, name="evaluator_home"),
    path("evaluator/declare/<int:pk>/", evaluator.declare, name="evaluator_declare"),
    path("unit/", unit.unit_home, name="unit_home"),
    path("unit/consultation/", unit.unit_consultation, name="unit_consultation"),
    path("unit/submit/", unit.unit_submit, name="unit_submit"),
    path("units/", unit.province_units, name="province_units"),
    path("units/<slug:code>/", unit.province_unit_action, name="province_unit_action"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("documents/", documents.documents, name="documents"),
    path("documents/<str:name>", documents.document_file, name="document_file"),
    path("applications/<int:pk>/attachments/", documents.upload_attachment, name="upload_attachment"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        documents.attachment_file,
        name="attachment_file",
    ),
    path("applications/<int:pk>/report/", documents.experience_report, name="experience_report"),
    path(
        "applications/<int:pk>/report.docx", documents.experience_report_docx, name="experience_report_docx"
    ),
    path("report-check/", documents.check_uploaded_report, name="report_check"),
    path("applications/<int:pk>/indicators/", indicators.indicators, name="indicators"),
    path(
        "applications/<int:pk>/indicators/preview/", indicators.indicators_preview, name="indicators_preview"
    ),
    path("reference/", reference.reference, name="reference"),
    path("ranking/", ranking.ranking, name="ranking"),
    path("ranking/recommend/", ranking.ranking_recommend, name="ranking_recommend"),
    path("screening/", screening.screening, name="screening"),
    path("rules/", screening.rule_catalogue, name="rules"),
    path("import/", screening.workbook_import, name="import"),
    path("jobs/<int:pk>/", screening.job, name="job"),
    path("jobs/<int:pk>/progress/", screening.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry/", screening.job_retry, name="job_retry"),
    path("templates/<str:name>/", screening.template_download, name="template"),
]
