"""The link decision as a small learned model: logistic regression over the named pair features.

A pair's probability of being evidence is ``sigmoid(bias + sum(weight_k * z_k))`` where ``z_k`` is
feature k (:data:`tracker.match.features.FEATURES`) standardised by the mean and scale of the data the
model was fitted on. The matcher suggests a link at ``link_threshold`` or above; a pair at
``status_threshold`` or above (lower) also counts as evidence for the automatic status, without being
shown as 建议.

Because every term is additive, what made a pair's probability is exact: the bias (the prior, with every
feature at its mean) plus each feature's contribution ``weight_k * z_k`` in log-odds (Splink's match
weights read the same way); :meth:`LinkModel.explain` lists them, largest first.

The shipped model (``link_model.json`` beside this module) is made from the development gold by
``benchmarks/link_model.py``. :meth:`LinkModel.refit` fits it again on a database's own reviewed pairs,
pulled towards the shipped weights (a Gaussian prior: with few decisions it stays close to them).
Plain numpy (Newton's method on the penalised log-likelihood): a few hundred pairs and 17 features need
no more.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tracker.match.features import FEATURE_BY_NAME, FEATURES, NAMES, SIGNS

SHIPPED = Path(__file__).with_name("link_model.json")
#: Stored explanations hold whole thousandths (a probability of 0.873 is 873).
WHY_SCALE = 1000


@dataclass(frozen=True)
class Contribution:
    """One feature's part in a pair's log-odds."""

    feature: str
    label: str
    value: float  # the feature's value for the pair
    weight: float  # its contribution in log-odds (+ for, - against)


@dataclass(frozen=True)
class LinkModel:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    link_threshold: float
    status_threshold: float
    penalty: float = 1.0
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def _z(self, values: np.ndarray) -> np.ndarray:
        return (values - np.asarray(self.mean)) / np.asarray(self.scale)

    def logits(self, values: np.ndarray) -> np.ndarray:
        """Log-odds of each row of ``values`` (pairs x features)."""
        return self.bias + self._z(values) @ np.asarray(self.weights)

    def probabilities(self, values: np.ndarray) -> np.ndarray:
        return _sigmoid(self.logits(values))

    def explain(self, values: np.ndarray) -> list[Contribution]:
        """What made one pair's log-odds (``values``: its features), the largest part first."""
        parts = self._z(values) * np.asarray(self.weights)
        labels = {f.name: f.label for f in FEATURES}
        result = [
            Contribution(name, labels.get(name, name), float(value), float(part))
            for name, value, part in zip(self.names, values, parts, strict=True)
        ]
        return sorted(result, key=lambda c: (-abs(c.weight), c.feature))

    def whys(self, values: np.ndarray) -> list[str]:
        """The stored form of :meth:`explain` for each row of ``values``, as JSON text: the probability,
        the prior (log-odds with every feature at its mean), and each feature's value and part in
        log-odds, in the order of ``names``, all in whole thousandths (:meth:`Explanation.read` sorts
        and scales them). A run keeps hundreds of thousands of these until it writes them: short text
        costs a tenth of the memory of the same numbers as Python lists."""
        parts = self._z(values) * np.asarray(self.weights)
        probabilities = _thousandths(_sigmoid(self.bias + parts.sum(axis=1))).tolist()
        prior = round(self.bias * WHY_SCALE)
        return [
            f'{{"probability":{p},"prior":{prior},"values":[{v}],"parts":[{w}]}}'
            for p, v, w in zip(probabilities, _json_rows(values), _json_rows(parts), strict=True)
        ]

    def refit(self, values: np.ndarray, labels: np.ndarray, *, penalty: float | None = None) -> LinkModel:
        """This model fitted again on labelled pairs, pulled towards its own weights (same scaling,
        same thresholds)."""
        z = self._z(values)
        prior = np.array([self.bias, *self.weights])
        fitted = fit_logistic(z, labels, penalty=self.penalty if penalty is None else penalty, prior=prior)
        return replace(self, bias=float(fitted[0]), weights=tuple(float(w) for w in fitted[1:]))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkModel:
        model = cls(
            names=tuple(data["names"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            link_threshold=float(data["link_threshold"]),
            status_threshold=float(data["status_threshold"]),
            penalty=float(data.get("penalty", 1.0)),
            fitted_on=dict(data.get("fitted_on", {})),
        )
        if model.names != NAMES:
            raise ValueError(f"the link model's features {model.names} are not the matcher's {NAMES}")
        return model


@dataclass(frozen=True)
class Explanation:
    """Why a pair scored what it did: its probability, the prior and each feature's part, in log-odds."""

    probability: float
    prior: float
    parts: tuple[Contribution, ...]

    @classmethod
    def read(cls, why: dict[str, Any] | str | None) -> Explanation | None:
        """The explanation stored with a candidate (:meth:`LinkModel.whys`; as read back from the
        database, or its text); None when it has none (a baseline scorer, or a run before the learned
        decision)."""
        stored: dict[str, Any] | None = json.loads(why) if isinstance(why, str) else why
        if (
            not stored
            or len(stored.get("parts", ())) != len(FEATURES)
            or len(stored.get("values", ())) != len(FEATURES)
        ):
            return None
        parts = sorted(
            (
                Contribution(f.name, f.label, value / WHY_SCALE, part / WHY_SCALE)
                for f, value, part in zip(FEATURES, stored["values"], stored["parts"], strict=True)
            ),
            key=lambda c: (-abs(c.weight), c.feature),
        )
        probability, prior = stored.get("probability", 0) / WHY_SCALE, stored.get("prior", 0) / WHY_SCALE
        return cls(probability, prior, tuple(parts))

    def line(self, count: int = 4) -> str:
        """One line a reviewer reads: 关联可能 83% ← 起点 −1.9 · 在该成效的各承诺中排 第1 +1.0 · …"""
        parts = " · ".join(
            f"{c.label} {FEATURE_BY_NAME[c.feature].shown(c.value)} {c.weight:+.1f}"
            for c in self.parts[:count]
            if abs(c.weight) >= 0.05
        )
        return f"关联可能 {100 * self.probability:.0f}% ← 起点 {self.prior:+.1f}" + (
            f" · {parts}" if parts else ""
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "probability": self.probability,
            "prior": self.prior,
            "contributions": [
                asdict(c) | {"shown": FEATURE_BY_NAME[c.feature].shown(c.value)} for c in self.parts
            ],
        }


@lru_cache(maxsize=1)
def shipped_model() -> LinkModel:
    """The model that comes with the package."""
    return LinkModel.from_dict(json.loads(SHIPPED.read_text(encoding="utf-8")))


def _thousandths(values: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(values) * WHY_SCALE).astype(np.int64)


def _json_rows(values: np.ndarray) -> list[str]:
    """Each row of ``values`` in whole thousandths as the inside of a JSON array ("12,-3,0"), encoded
    by orjson in one call for the whole matrix (formatting each number in Python cost more than
    scoring the block)."""
    if len(values) == 0:
        return []
    text = orjson.dumps(_thousandths(values), option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text[2:-2].split("],[")


def standardised(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of each feature (a constant feature gets scale 1)."""
    mean = values.mean(axis=0)
    scale = values.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_logistic(
    z: np.ndarray,
    labels: np.ndarray,
    *,
    penalty: float,
    prior: np.ndarray | None = None,
    signs: Sequence[int] = SIGNS,
) -> np.ndarray:
    """Bias and weights maximising the log-likelihood of ``labels`` (0/1) given ``z`` less
    ``penalty / 2 * |w - prior|^2`` (the bias is penalised only towards a prior, when one is given),
    with each weight of the direction ``signs`` gives it (+1 at least 0, -1 at most 0): a weight that
    would cross zero is held at zero and the rest fitted again (an active set)."""
    held = np.zeros(z.shape[1], dtype=bool)
    direction = np.asarray(signs, dtype=np.float64) if len(signs) == z.shape[1] else np.zeros(z.shape[1])
    for _ in range(z.shape[1] + 1):
        theta = _newton(z, labels, penalty=penalty, prior=prior, held=held)
        wrong = (direction * theta[1:] < -1e-9) & ~held
        if not wrong.any():
            return theta
        held |= wrong
    return theta


def _newton(
    z: np.ndarray,
    labels: np.ndarray,
    *,
    penalty: float,
    prior: np.ndarray | None,
    held: np.ndarray,
    steps: int = 50,
) -> np.ndarray:
    x = np.hstack([np.ones((len(z), 1)), z])
    prior = np.zeros(x.shape[1]) if prior is None else np.asarray(prior, dtype=np.float64)
    ridge = np.full(x.shape[1], penalty)
    if not prior.any():
        ridge[0] = 1e-6
    target = prior.copy()
    target[1:][held] = 0.0
    ridge[1:][held] = 1e9  # held at zero
    theta = target.copy()
    y = np.asarray(labels, dtype=np.float64)
    for _ in range(steps):
        p = _sigmoid(x @ theta)
        gradient = x.T @ (p - y) + ridge * (theta - target)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
