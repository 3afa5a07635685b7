"""Conflicts of interest between a review expert and an application (pure; no Django).

Basis: the reference notes record that provinces select by 专家评审 (gradient-and-dynamic-management.md
§3.1, §4) but no published 回避 rule of the Hebei department was found. The three refusals below
follow the common 回避 practice of expert reviews (an expert does not judge their own unit, their
own city's candidates, or work their organisation did) — confidence C, 待核实 against the
department's own expert-management rules. Each refusal cites its id (COI1–COI3) and this basis.
"""

from __future__ import annotations

from dataclasses import dataclass

from greenlist.rules.names import normalise_name

BASIS = "评审专家回避原则（常见专家评审做法，未见河北省厅公开的回避规定，置信度 C，待核实）"


@dataclass(frozen=True)
class ExpertFacts:
    name: str
    organisation: str
    organisation_uscc: str = ""
    unit_name: str = ""  # the expert's city (推荐单位), when the pool records one


@dataclass(frozen=True)
class ApplicantFacts:
    organisation: str
    organisation_uscc: str
    unit_name: str
    evaluator: str = ""
    evaluator_uscc: str = ""
    evaluator_legal_entity_uscc: str = ""


@dataclass(frozen=True)
class Conflict:
    rule: str
    clause: str
    message: str


def _same_name(a: str, b: str) -> bool:
    return bool(a.strip() and b.strip()) and normalise_name(a) == normalise_name(b)


def _same_uscc(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().upper() == b.strip().upper()


def conflicts(expert: ExpertFacts, applicant: ApplicantFacts) -> list[Conflict]:
    """Every reason ``expert`` may not review ``applicant``'s application; empty when none."""
    found: list[Conflict] = []
    if _same_uscc(expert.organisation_uscc, applicant.organisation_uscc) or _same_name(
        expert.organisation, applicant.organisation
    ):
        found.append(
            Conflict(
                "COI1",
                BASIS,
                f"专家{expert.name}所在单位“{expert.organisation}”即申报单位“{applicant.organisation}”，应当回避。",
            )
        )
    evaluator_usccs = {applicant.evaluator_uscc, applicant.evaluator_legal_entity_uscc} - {""}
    if any(_same_uscc(expert.organisation_uscc, u) for u in evaluator_usccs) or _same_name(
        expert.organisation, applicant.evaluator
    ):
        found.append(
            Conflict(
                "COI2",
                BASIS,
                f"专家{expert.name}所在单位“{expert.organisation}”为该申报的第三方评价机构"
                f"（{applicant.evaluator or applicant.evaluator_uscc}），不得评审本单位的评价工作。",
            )
        )
    if expert.unit_name and expert.unit_name == applicant.unit_name:
        found.append(
            Conflict(
                "COI3",
                BASIS,
                f"专家{expert.name}与申报单位同属{applicant.unit_name}，应当回避。",
            )
        )
    return found
