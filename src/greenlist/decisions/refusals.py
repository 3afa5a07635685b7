"""Why a decision is refused, in the three kinds every door reports differently."""

from __future__ import annotations

from collections.abc import Sequence

from greenlist.campaign.actions import ActionRefused
from greenlist.rules.findings import Finding


class NotPermitted(ActionRefused):
    """The actor's role may not make this decision at all (HTTP 403)."""


class RuleRefused(ActionRefused):
    """A rule, a state or a frozen submission stands in the way (HTTP 409); carries the findings."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


def cited(findings: Sequence[Finding]) -> str:
    """The findings as one Chinese sentence, each with its rule id and clause."""
    return "；".join(f"[{f.rule}]（{f.clause}）{f.message}" for f in findings)
