"""An audit event's details as sentences an official reads (the stored JSON stays as it is: the
hash chain covers it). Known keys get their Chinese names; a model field is named by its
verbose_name; anything else still shows, under 其他, without Python syntax."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

# Keys written by the callers of audit.log.record (and the admin's change log).
LABELS: dict[str, str] = {
    "to": "变更为",
    "from": "原为",
    "label": "操作",
    "source": "来源",
    "acknowledged": "已知悉的提示",
    "applications": "申报数",
    "snapshot_hash": "名单快照校验值",
    "reopened_until": "重新开放至",
    "until": "截止至",
    "submitted_at": "原报送时间",
    "department": "部门",
    "agrees": "意见",
    "created": "首次记录",
    "handling": "处理情况",
    "no_result_promise": "无结果承诺声明",
    "experience_report": "典型经验报告",
    "system": "评价体系",
    "score": "评价得分",
    "kind": "材料类型",
    "name": "名称",
    "sha256": "文件校验值",
    "type": "文件类型",
    "slot": "材料栏目",
    "counts": "导入条数",
    "changes": "变更内容",
    "version": "版本",
    "worker": "处理进程",
    "username": "用户名",
    "claim": "注册申请",
    "expires_at": "有效期至",
    "code": "代码",
    "rule": "规则",
    "finding": "筛查发现",
    "decision": "认定",
    "table": "数据表",
    "days": "天数",
    "fingerprint": "指纹",
    "stated_name": "填报名称",
    "organisation_created": "新建申报主体",
    "password": "密码",
    "benchmark": "标杆值",
    "baseline": "基准值",
    "grade1": "一级值",
    "confidence": "可信度",
    "points": "各项得分",
    "total": "总分",
    "sheet": "评分表",
    "previous": "修改前",
    "declaration": "声明",
    "outcome": "处理结果",
    "reason": "理由",
    "effective_on": "生效日期",
    "new_name": "新名称",
    "old_name": "原名称",
    "document_no": "文号",
    "status": "状态",
    "cycle": "年度",
    "findings": "核查发现",
}
SOURCES = {
    "web": "网页填报",
    "workbook": "数据表导入",
    "demo": "演示数据",
    "api": "接口",
    "admin": "管理后台",
}
TABLES = {"energy-levels": "能耗限额参考值"}
HIDDEN_KEYS = {"sha256", "snapshot_hash", "fingerprint"}  # long digests: shown shortened


@lru_cache(maxsize=1)
def _field_names() -> dict[str, str]:
    """Every project model field's verbose name, by field name (first one seen wins)."""
    from django.apps import apps

    names: dict[str, str] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("greenlist."):
            continue
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose and str(verbose) != field.name.replace("_", " "):
                names.setdefault(field.name, str(verbose))
                names.setdefault(f"{field.name}_id", str(verbose))
    return names


@lru_cache(maxsize=1)
def _state_labels() -> dict[str, str]:
    from greenlist.campaign.workflow import State

    return {str(s.value): str(s.label) for s in State}


def label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    return _field_names().get(key, "其他")


def value_text(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        if key == "agrees":
            return "同意" if value else "不同意"
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(v, key) for v in value) or "（无）"
    if isinstance(value, dict):
        if set(value) <= {"from", "to"} or set(value) <= {"old", "new"}:
            before = value.get("from", value.get("old"))
            after = value.get("to", value.get("new"))
            return f"由 {value_text(before, key)} 改为 {value_text(after, key)}"
        return "；".join(f"{label(str(k))} {value_text(v, str(k))}" for k, v in value.items())
    text = str(value)
    if key in {"acknowledged", "rule"}:
        from greenlist.web.templatetags.greenlist import rule_title

        return f"{text} {rule_title(text)}".strip()
    if key == "source":
        return SOURCES.get(text, text)
    if key == "table":
        return TABLES.get(text, text)
    if key in HIDDEN_KEYS and len(text) > 16:
        return f"{text[:12]}…"
    if text in _state_labels():
        return _state_labels()[text]
    if key in {"reopened_until", "until", "submitted_at", "expires_at"} or (
        len(text) >= 19 and text[4:5] == "-"
    ):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None:
            from django.utils import timezone

            moment = timezone.localtime(moment)
        return f"{moment:%Y-%m-%d %H:%M}"
    return text


def sentences(details: Any) -> list[str]:
    """``{"from": "city_review", "to": "city_recommended"}`` → ["原为 推荐单位审核中", "变更为 推荐单位拟推荐"]."""
    if not details:
        return []
    if not isinstance(details, dict):
        return [value_text(details)]
    lines = []
    for key, value in details.items():
        key = str(key)
        if key in {"changes", "counts"} and isinstance(value, dict):
            for field, change in value.items():
                lines.append(f"{label(str(field))}：{value_text(change, str(field))}")
            continue
        lines.append(f"{label(key)}：{value_text(value, key)}")
    return lines
