"""Scoring: indicator systems as versioned data, the linear scoring of GB/T 36132, energy levels
(F3) and the ranking of a unit's applicants with the quota cut (Q1). Pure Python, no Django import;
the database layer feeds it, the commands and pages explain it (docs/scoring.md)."""

from greenlist.scoring.contract import (
    ScoreRequest,
    blank_entry,
    contract_output,
    parse_score_input,
    parse_score_json,
    parse_stored,
    run,
    score_stored,
)
from greenlist.scoring.energy import EnergyLevelError, energy_level_contract, find_level
from greenlist.scoring.ranking import RankedEntry, RankEntry, rank, within_quota
from greenlist.scoring.score import (
    AreaScore,
    IndicatorInput,
    IndicatorScore,
    ScoreInputError,
    ScoreResult,
    linear_score,
    qualitative_score,
    ratio_score,
    score,
)
from greenlist.scoring.systems import (
    Area,
    BasicRequirement,
    Indicator,
    IndicatorSystem,
    IndicatorSystemError,
    ScoringError,
    find_system,
    load_system,
    parse_system,
    systems,
)

__all__ = [
    "Area",
    "AreaScore",
    "BasicRequirement",
    "EnergyLevelError",
    "Indicator",
    "IndicatorInput",
    "IndicatorScore",
    "IndicatorSystem",
    "IndicatorSystemError",
    "RankEntry",
    "RankedEntry",
    "ScoreInputError",
    "ScoreRequest",
    "ScoreResult",
    "ScoringError",
    "blank_entry",
    "contract_output",
    "energy_level_contract",
    "find_level",
    "find_system",
    "linear_score",
    "load_system",
    "parse_score_input",
    "parse_score_json",
    "parse_stored",
    "parse_system",
    "qualitative_score",
    "rank",
    "ratio_score",
    "run",
    "score",
    "score_stored",
    "systems",
    "within_quota",
]
