"""Forms: Chinese labels and errors next to the field; domain checks stay in the domain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from greenlist.accounts.models import User
from greenlist.campaign.models import PARK_FIELDS, SUPPLY_CHAIN_FIELDS, Application
from greenlist.registry.models import Evaluator, RecommendingUnit
from greenlist.rules.names import normalise_name
from greenlist.rules.uscc import UsccError, validate_uscc
from greenlist.rules.vocabulary import Category, Method


def unit_for_uscc(uscc: str) -> RecommendingUnit | None:
    """The unit whose division code prefix matches positions 3–8 (longest prefix wins)."""
    region = uscc[2:8]
    candidates = [u for u in RecommendingUnit.objects.all() if region.startswith(u.region)]
    return max(candidates, key=lambda u: len(u.region), default=None)


class RegistrationForm(forms.Form):
    uscc = forms.CharField(
        label="统一社会信用代码", max_length=24, help_text="18位，见营业执照或登记证书；输入时即校验。"
    )
    name = forms.CharField(label="单位名称", max_length=200, help_text="与营业执照一致。")
    unit = forms.ModelChoiceField(
        label="推荐单位", queryset=RecommendingUnit.objects.all(), empty_label="请选择所在地的推荐单位"
    )
    industry = forms.CharField(label="所属行业", max_length=60, required=False)
    username = forms.CharField(label="登录用户名", max_length=150)
    email = forms.EmailField(label="联系邮箱", help_text="用于接收办理状态通知与截止提醒。")
    password = forms.CharField(label="密码", widget=forms.PasswordInput, help_text="至少10位，不能全为数字。")
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)

    def __init__(self, *args: Any, region_prefix: str = "13", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region_prefix = region_prefix

    def clean_uscc(self) -> str:
        try:
            code = validate_uscc(self.cleaned_data["uscc"], region_prefix=self.region_prefix)
        except UsccError as exc:
            raise forms.ValidationError(str(exc)) from exc
        # An organisation the registry already holds is no reason to refuse (nor to say so here):
        # the account is created pending and its city confirms it (accounts.claims).
        return code

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        elif data.get("password"):
            try:
                validate_password(data["password"], User(username=data.get("username", "")))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if data.get("name"):
            data["name"] = data["name"].strip()
            if not normalise_name(data["name"]):
                self.add_error("name", "请填写单位名称。")
        return data


class EvaluatorChoiceField(forms.ModelChoiceField):
    marks: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        mark = self.marks.get(obj.pk)
        return f"{obj.name}（不可选：{mark}）" if mark else str(obj.name)


class ApplicationForm(forms.ModelForm):
    evaluator = EvaluatorChoiceField(
        label="第三方评价机构",
        queryset=Evaluator.objects.all(),
        required=False,
        empty_label="（自评价无需选择）",
    )

    class Meta:
        model = Application
        fields = [
            "method",
            "evaluator",
            "industry",
            "evaluation_standard",
            "score",
            "product",
            "unit_energy",
            "park_name",
            *PARK_FIELDS,
            *SUPPLY_CHAIN_FIELDS,
        ]
        widgets = {
            "manufacturing_and_energy": forms.NullBooleanSelect,
            "legal_boundary": forms.NullBooleanSelect,
            "management_body": forms.NullBooleanSelect,
        }
        help_texts = {
            "evaluation_standard": "已发布行业标准的行业须按行业标准评价（规则 F2）。",
            "unit_energy": "主要产品单位产品综合能耗，用于判断是否达到能效标杆水平（规则 F3）。",
            "industrial_share": "工业增加值占园区增加值的比例，须超过50%（规则 P1）。",
            "score": "评价报告给出的总分。在“评价指标与得分”页保存指标时，如计算总分与此不一致，系统会列出两者并请您确认，不会自动替换。",
        }

    PARK_ONLY = ("park_name", *PARK_FIELDS)
    SUPPLY_CHAIN_ONLY = SUPPLY_CHAIN_FIELDS
    FACTORY_ONLY = ("product", "unit_energy")

    def __init__(
        self,
        *args: Any,
        category: str,
        methods: tuple[str, ...] | None = None,
        evaluator_marks: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The batch's evaluation paths: with self-evaluation only, the evaluator fields disappear.
        self.methods = methods or tuple(m.value for m in Method)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [(m.value, m.label) for m in Method if m.value in self.methods]
        if Method.THIRD_PARTY not in self.methods:
            del self.fields["evaluator"]
        self.evaluator_marks = marks = evaluator_marks or {}
        field = self.fields.get("evaluator")
        if isinstance(field, EvaluatorChoiceField):
            # Each evaluator that cannot take the project now is marked in the list itself; choosing
            # one is refused on saving with the same reason (V1, V2, V3).
            field.marks = marks
            field.help_text = (
                "标注“不可选”的机构不能承担本项目，选择后保存将被拒绝。" if marks else ""
            ) + "选定机构须在其待办中接受委托并签署无结果承诺声明。"
        drop = set(self.PARK_ONLY + self.SUPPLY_CHAIN_ONLY + self.FACTORY_ONLY)
        keep = {
            Category.PARK: self.PARK_ONLY,
            Category.SUPPLY_CHAIN: self.SUPPLY_CHAIN_ONLY,
            Category.FACTORY: self.FACTORY_ONLY,
        }[Category(category)]
        for name in drop - set(keep):
            del self.fields[name]
        if category == Category.PARK:
            for name in (
                "park_name",
                "park_level",
                "industrial_share",
                "manufacturing_and_energy",
                "legal_boundary",
                "management_body",
            ):
                self.fields[name].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") and data["method"] not in self.methods:
            self.add_error("method", "本批次不接受该评价方式。")
        if data.get("method") == Method.THIRD_PARTY and not data.get("evaluator"):
            self.add_error("evaluator", "第三方评价须选择评价机构。")
        if data.get("method") == Method.SELF:
            data["evaluator"] = None
        score = data.get("score")
        if score is not None and not 0 <= score <= 100:
            self.add_error("score", "评价得分应在0–100之间。")
        return data
