"""How organisations are judged (brief mechanisms 3, 4 and 9).

Regulators judge single organisations, not the health economy [003]. The
``system_weight`` w moves what each body is scored on from its own finances
(w = 0, "fortress") to its footprint's shared control total (w = 1). NHS bodies
lose money for deficits they are judged on (as 70% of the Sustainability and
Transformation Fund depended on the control total, calibration §2) and get
part of the rest covered by cash support [003]. Councils have no such
penalty: their constraint is the legal balanced budget, applied in economy.py.
"""

from __future__ import annotations

import numpy as np

# NHS Improvement's Single Oversight Framework put providers in segments 1-4
# (calibration §1); thresholds on the score (share of budget) are an assumption.
RATINGS = ("1 maximum autonomy", "2 targeted support", "3 mandated support", "4 special measures")
RATING_CUTS = (0.0, -0.01, -0.03)


def per_footprint(values: np.ndarray, footprint: np.ndarray, n_fp: int) -> np.ndarray:
    """Sum ``values`` within each footprint."""
    return np.bincount(footprint, values, n_fp)


def judged(
    own: np.ndarray,
    footprint_total: np.ndarray,
    budget: np.ndarray,
    footprint_budget: np.ndarray,
    w: float,
) -> np.ndarray:
    """Blend of own result (per £ of own budget) and system result (per £ of system budget)."""
    return (1.0 - w) * own / budget + w * footprint_total / footprint_budget


def penalties(
    net: np.ndarray,
    is_nhs: np.ndarray,
    nhs_share: np.ndarray,
    footprint: np.ndarray,
    n_fp: int,
    w: float,
    rate: float,
) -> np.ndarray:
    """Money withheld from NHS bodies for the deficits they are judged on.

    Own deficit counts with weight 1 - w; the footprint's deficit counts with
    weight w, split between its NHS bodies by ``nhs_share`` (share of NHS budget).
    """
    own_deficit = np.maximum(0.0, -net)
    system_deficit = np.maximum(0.0, -per_footprint(net, footprint, n_fp))[footprint] * nhs_share
    return np.where(is_nhs, rate * ((1.0 - w) * own_deficit + w * system_deficit), 0.0)


def bailouts(net_after_penalty: np.ndarray, is_nhs: np.ndarray, share: float) -> np.ndarray:
    """Central cash support covering part of an NHS body's remaining deficit [003]."""
    return np.where(is_nhs, share * np.maximum(0.0, -net_after_penalty), 0.0)


def score(financial: np.ndarray, outcome_index: np.ndarray, outcome_weight: float) -> np.ndarray:
    """Regulatory score: judged finances, plus patient outcomes if they count [004]."""
    return (1.0 - outcome_weight) * financial + outcome_weight * (outcome_index - 100.0) / 100.0


def rating(scores: np.ndarray) -> np.ndarray:
    """Segment index 0-3 (see ``RATINGS``): a score at a cut belongs to the better segment."""
    return np.searchsorted(-np.asarray(RATING_CUTS), -np.asarray(scores), side="left")
