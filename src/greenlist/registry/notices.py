"""E-mail to the proposing city when the province decides its removal or rename proposal.

Queued as ``campaign.Notification`` rows in the decision's transaction and sent later by the
worker's ``send_notices`` task (or ``greenlist notify``), like every other notice: a mail server
outage never blocks or rolls back the decision. The key names the proposal and its decision, so
a notice is queued once per city user.
"""

from __future__ import annotations

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Notification
from greenlist.registry.models import RegisterProposal


def queue_decision(proposal: RegisterProposal) -> int:
    """Tell the city users of the entry's recommending unit (the proposer among them) that the
    province approved or rejected the proposal, with its reason. Returns how many were queued."""
    entry = proposal.entry
    kind = proposal.get_kind_display()
    verdict = proposal.get_status_display()
    lines = [
        f"贵单位提出的“{entry.name}”{kind}建议（生效日期 {proposal.effective_on:%Y年%m月%d日}），"
        f"省工业和信息化厅已审核：{verdict}。"
    ]
    if proposal.kind == RegisterProposal.Kind.RENAME:
        lines.append(f"建议的新名称：{proposal.new_name}。")
    if proposal.decision_reason:
        lines.append(f"审核意见：{proposal.decision_reason}")
    if proposal.document_number:
        lines.append(f"文号：{proposal.document_number}")
    if proposal.status == RegisterProposal.Status.APPROVED:
        lines.append("名单库已据此更新，并记入该单位的名单历史。")
    else:
        lines.append("如有新的情况，可补充理由后重新提出。")
    subject = f"【绿色制造名单】名单调整建议{verdict}：{entry.name}"
    body = "\n".join(lines)
    created = 0
    recipients = User.objects.filter(role=Role.CITY, unit_id=entry.unit_id, is_active=True).exclude(email="")
    for user in recipients:
        _, new = Notification.objects.get_or_create(
            key=f"register-proposal:{proposal.pk}:{proposal.status}:{user.pk}",
            defaults={"recipient": user, "subject": subject, "body": body},
        )
        created += new
    return created
