from django.urls import path

from greenlist.selection import views

urlpatterns = [
    path("review/experts/", views.experts, name="review_experts"),
    path("review/experts/<int:pk>/", views.expert_edit, name="review_expert_edit"),
    path("review/assignments/", views.assignments, name="review_assignments"),
    path("review/", views.expert_home, name="review_home"),
    path("review/sheets/<int:pk>/", views.sheet, name="review_sheet"),
    path("review/meetings/", views.meetings, name="review_meetings"),
    path("review/meetings/<int:pk>/", views.meeting, name="review_meeting"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path(
        "notices/<int:pk>/objections/<int:objection_id>/evidence/",
        views.objection_evidence,
        name="objection_evidence",
    ),
    path("notices/<int:pk>/finalise/", views.notice_finalise, name="notice_finalise"),
    path("notices/<int:pk>/final.<str:fmt>", views.notice_final, name="notice_final"),
    path("gongshi/<int:pk>/", views.public_notice, name="gongshi"),
]
