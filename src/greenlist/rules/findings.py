"""A finding: one rule's verdict on one application, evaluator or unit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from greenlist.rules.vocabulary import Effect

if TYPE_CHECKING:
    from greenlist.rules.batch import Batch


@dataclass(frozen=True)
class Finding:
    rule: str  # rule id of the catalogue (docs/rules.md), e.g. "E6"
    clause: str  # clause of the notice, e.g. "一、总体要求"
    message: str  # Chinese, names the evidence (record, date, count)
    effect: Effect
    evidence: dict[str, Any] = field(default_factory=dict)
    # A person's ruling on a finding that rests on a judgement (a name-only match, a disputed
    # record): "confirmed" or "dismissed", with its reason. A dismissed exclusion no longer excludes.
    ruling: str = ""
    ruling_note: str = ""

    @property
    def dismissed(self) -> bool:
        return self.ruling == DISMISSED

    @property
    def excludes(self) -> bool:
        return self.effect is Effect.EXCLUDE and not self.dismissed

    @property
    def fingerprint(self) -> str:
        """Identifies the finding across screening runs (its rule and evidence), so a ruling made
        on it applies again whenever the same finding comes back."""
        payload = json.dumps([self.rule, self.evidence], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def as_contract(self) -> dict[str, str]:
        """The finding's shape in the command-line contract (docs/contracts/cli.md)."""
        message = self.message
        if self.ruling:
            message += f"（{RULING_LABELS[self.ruling]}：{self.ruling_note}）"
        return {"rule": self.rule, "clause": self.clause, "message": message}


CONFIRMED, DISMISSED = "confirmed", "dismissed"
RULING_LABELS = {CONFIRMED: "已确认", DISMISSED: "已排除"}


def cite(batch: Batch, rule: str, effect: Effect, message: str, **evidence: Any) -> Finding:
    """A finding of ``rule`` citing the batch's clause for it (every rule module builds findings so)."""
    return Finding(rule=rule, clause=batch.clause(rule), message=message, effect=effect, evidence=evidence)
