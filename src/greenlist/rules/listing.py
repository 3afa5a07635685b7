"""L1: the applicant must already be on an active list of the same category one level down
(工信厅节函〔2025〕390号: national applicants come from the provincial lists, both factories and
parks; a provincial creation round takes its applicants from the municipal lists).

The level required (``listing_required``) and the level the round lists into (``listing_target``,
optional: an applicant already there needs no new listing) come from the batch file. A
re-verification round (复核) requires the level being re-verified and sets no target.
"""

from __future__ import annotations

from collections.abc import Sequence

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application, ListEntry
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Effect, ListLevel, ListStatus


def l1_prior_listing(batch: Batch, application: Application, entries: Sequence[ListEntry]) -> list[Finding]:
    """At most one exclusion, the most telling of: already listed at the target level; the entry
    at the required level was revoked; no entry at the required level at all."""
    if not batch.on("L1") or batch.listing_required is None:
        return []
    required = ListLevel(batch.listing_required)
    category = application.category
    own = [e for e in entries if e.category is category]
    if batch.listing_target is not None:
        target = ListLevel(batch.listing_target)
        listed = [e for e in own if e.level is target and e.status is ListStatus.ACTIVE]
        if listed:
            return [
                cite(
                    batch,
                    "L1",
                    Effect.EXCLUDE,
                    f"已是{target.label}{category.label}（{listed[0].year}年列入），无需再申报",
                    list_level=target.value,
                    list_year=listed[0].year,
                )
            ]
    at_level = [e for e in own if e.level is required]
    if any(e.status is ListStatus.ACTIVE for e in at_level):
        return []
    if at_level:
        revoked = at_level[0]
        when = revoked.revoked_on.isoformat() if revoked.revoked_on else "日期未记录"
        return [
            cite(
                batch,
                "L1",
                Effect.EXCLUDE,
                f"{revoked.year}年列入的{required.label}{category.label}资格已撤销（撤销日期：{when}），"
                f"本批次申报单位须为有效的{required.label}{category.label}",
                list_level=required.value,
                list_year=revoked.year,
                revoked_on=revoked.revoked_on.isoformat() if revoked.revoked_on else None,
            )
        ]
    return [
        cite(
            batch,
            "L1",
            Effect.EXCLUDE,
            f"不在有效的{required.label}{category.label}名单中：本批次申报单位须已列入{required.label}"
            f"{category.label}名单（同一类别）",
            list_level=required.value,
        )
    ]
