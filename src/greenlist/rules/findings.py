"""A finding: one rule's verdict on one application, evaluator or unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from greenlist.rules.vocabulary import Effect

if TYPE_CHECKING:
    from greenlist.rules.batch import Batch


@dataclass(frozen=True)
class Finding:
    rule: str  # rule id of DESIGN.md's catalogue, e.g. "E6"
    clause: str  # clause of the notice, e.g. "一、总体要求"
    message: str  # Chinese, names the evidence (record, date, count)
    effect: Effect
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_contract(self) -> dict[str, str]:
        """The shape of DESIGN.md's command-line contract."""
        return {"rule": self.rule, "clause": self.clause, "message": self.message}


def cite(batch: Batch, rule: str, effect: Effect, message: str, **evidence: Any) -> Finding:
    """A finding of ``rule`` citing the batch's clause for it (every rule module builds findings so)."""
    return Finding(rule=rule, clause=batch.clause(rule), message=message, effect=effect, evidence=evidence)
