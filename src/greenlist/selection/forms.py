"""Forms of the selection pages (labels and errors in Chinese, from the models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from greenlist.accounts.models import Role, User
from greenlist.registry.models import RecommendingUnit
from greenlist.selection.models import Expert, MeetingKind, ObjectionOutcome


class ExpertForm(forms.ModelForm[Expert]):
    class Meta:
        model = Expert
        fields = ["name", "field", "organisation", "organisation_uscc", "contact", "unit", "user", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = RecommendingUnit.objects.all()  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(role=Role.EXPERT).order_by("username")  # type: ignore[attr-defined]
        self.fields[
            "user"
        ].help_text = "可选：关联“评审专家”角色的登录账号，专家登录后只能看到分配给本人的申报。"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会审形式", choices=MeetingKind.choices)
    held_on = forms.DateField(label="会审日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="会议名称", max_length=200)
    attendees = forms.CharField(
        label="参会人员", widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一人：姓名、单位及职务。"
    )
    notes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoticeForm(forms.Form):
    title = forms.CharField(label="公示标题", max_length=200)
    preamble = forms.CharField(label="公示说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="公示天数（自然日，含首尾）", min_value=1, max_value=60)
    contact = forms.CharField(label="联系处室及电话", max_length=200)


class ObjectionForm(forms.Form):
    application = forms.TypedChoiceField(label="异议对象", coerce=int)
    name = forms.CharField(label="异议人姓名（单位）", max_length=100)
    contact = forms.CharField(label="异议人联系方式", max_length=100)
    statement = forms.CharField(label="书面异议内容", widget=forms.Textarea(attrs={"rows": 4}))
    received_on = forms.DateField(
        label="收到日期", widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date.today
    )
    evidence = forms.FileField(label="证明材料（PDF、Word、图片，20 MB 以内）", required=False)

    def __init__(self, *args: Any, entries: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            (e["id"], f"{e['name']}（{e['category_label']}，{e['city']}）") for e in entries
        ]


class CloseObjectionForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=ObjectionOutcome.choices)
    outcome_text = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 3}))
