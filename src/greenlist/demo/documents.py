"""Demo documents for 石家庄市's recommended list: an evaluation report and a typical experience
report with pictures for each, so every official document can be generated right away."""

from __future__ import annotations

import hashlib
import struct
import zlib
from io import BytesIO

from django.core.files.base import ContentFile
from docx import Document

from greenlist.accounts.models import User
from greenlist.campaign.models import Application, Attachment, ExperienceReport

HIGHLIGHT_TITLES = ["能源低碳化转型", "资源高效循环利用", "数字化能碳管理"]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain one-colour PNG, built by hand (no imaging library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _paragraph(name: str, topic: str, length: int) -> str:
    sentences = [
        f"{name}围绕{topic}，制定了三年行动计划并将目标分解到车间和班组。",
        "公司实施了余热回收、空压机变频和照明系统改造，单位产品综合能耗持续下降。",
        "通过建设分布式光伏和采购绿色电力，可再生能源使用比例逐年提高。",
        "公司建立能源管理体系并通过第三方认证，关键用能设备实现在线计量。",
        "在资源利用方面，推行原料替代和工业固废综合利用，水重复利用率保持在较高水平。",
        "公司定期开展节能诊断，对标行业先进水平查找差距，形成持续改进机制。",
    ]
    text = ""
    index = 0
    while len(text) < length:
        text += sentences[index % len(sentences)]
        index += 1
    return text


def evaluation_report(application: Application) -> bytes:
    document = Document()
    document.add_heading(
        f"{application.organisation.name}{application.get_category_display()}评价报告", level=1
    )
    document.add_paragraph(f"评价方式：{application.get_method_display()}；评价得分：{application.score}。")
    document.add_paragraph("（演示数据：此报告由系统生成，仅用于演示报送材料包。）")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _attach(
    application: Application, kind: str, name: str, data: bytes, by: User, slot: int | None = None
) -> None:
    digest = hashlib.sha256(data).hexdigest()
    item = Attachment(
        application=application,
        kind=kind,
        original_name=name,
        sha256=digest,
        size=len(data),
        content_type=name.rsplit(".", 1)[-1],
        uploaded_by=by,
        slot=slot,
    )
    item.file.save(f"{digest[:16]}.{item.content_type}", ContentFile(data), save=False)
    item.save()


def complete_recommended(applications: list[Application], city: User) -> None:
    colours = [(31, 122, 77), (70, 140, 190), (200, 150, 40)]
    for application in applications:
        if Attachment.unscoped.filter(application=application).exists():
            continue
        name = application.organisation.name
        _attach(
            application,
            Attachment.Kind.EVALUATION_REPORT,
            "评价报告.docx",
            evaluation_report(application),
            city,
        )
        if application.category not in ("factory", "park"):
            continue
        ExperienceReport.unscoped.create(
            application=application,
            inspiration="以能效提升和资源循环为抓手，走出传统产业绿色转型之路。",
            title=f"{name}：以系统节能推动绿色低碳发展",
            introduction=_paragraph(name, "绿色工厂创建", 150),
            practices=_paragraph(name, "绿色制造体系建设", 300),
            highlights=[
                {"title": title, "body": _paragraph(name, title, 260), "embedded_pictures": 0}
                for title in HIGHLIGHT_TITLES
            ],
            next_steps="下一步，公司将继续推进节能降碳改造，提高绿色电力使用比例，带动上下游企业共同创建绿色工厂。",
        )
        for slot, colour in enumerate(colours, start=1):
            _attach(
                application,
                Attachment.Kind.PICTURE,
                f"亮点{slot}.png",
                png(320, 200, colour),
                city,
                slot=slot,
            )
