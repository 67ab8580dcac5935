"""What may leave the server: the privacy mechanism, small and apart so it can be read in one sitting.

Every public breakdown cell (statements per setting, per country, per day, ...) goes through two rules.

1. **Noise.** Each cell gets independent two-sided geometric noise (the discrete Laplace distribution):
   P(noise = z) is proportional to exp(-|z| / scale), with scale = sensitivity / ε_b, where ε_b is the
   breakdown's share of the release's ε (the release's ε split evenly over its breakdowns, so one
   release as a whole is ε-differentially private: adding or removing one person's statement changes
   what it shows by little, whatever else anyone knows) and sensitivity is how many cells of the
   breakdown one statement can add to (1, or more for kinds of harm and hashtags). The noise has mean
   0 and variance 2a / (1 - a)², with a = exp(-1 / scale). It is drawn exactly, with integers only,
   by the algorithms of Canonne, Kamath and Steinke ("The Discrete Gaussian for Differential Privacy",
   2020, algorithms 1 and 2, the sampler OpenDP uses too), from the operating system's
   cryptographically secure generator: no floating point, so no rounding patterns that leak.
2. **Suppression.** A cell is released only when its true count and its noisy count are both at least
   k. No released figure stands for fewer than k people, and a small cell cannot be told from an empty
   one: both are listed as suppressed.

The headline total is exact and is not released here: it counts everyone, so it singles out no one.
Releases are made once per period and stored; everyone sees the same one, so reloading never draws
fresh noise that averaging could remove."""

import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class RandomSource(Protocol):
    def randrange(self, stop: int, /) -> int: ...


SYSTEM_RANDOM: RandomSource = secrets.SystemRandom()


def as_fraction(value: float | str | Fraction) -> Fraction:
    """ε as an exact fraction (0.1 means 1/10, not the nearest binary float)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def noise_scale(*, epsilon: Fraction, sensitivity: int) -> Fraction:
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return Fraction(sensitivity) / epsilon


def _bernoulli(probability: Fraction, rng: RandomSource) -> bool:
    return rng.randrange(probability.denominator) < probability.numerator


def _bernoulli_exp(gamma: Fraction, rng: RandomSource) -> bool:
    """True with probability exp(-gamma), gamma >= 0 rational (CKS 2020, algorithm 1)."""
    while gamma > 1:
        if not _bernoulli_exp(Fraction(1), rng):
            return False
        gamma -= 1
    k = 1
    while _bernoulli(gamma / k, rng):
        k += 1
    return k % 2 == 1


def discrete_laplace(scale: Fraction, rng: RandomSource = SYSTEM_RANDOM) -> int:
    """One draw of two-sided geometric noise, P(z) ∝ exp(-|z| / scale) (CKS 2020, algorithm 2)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    t, s = scale.numerator, scale.denominator
    while True:
        u = rng.randrange(t)
        if not _bernoulli_exp(Fraction(u, t), rng):
            continue
        v = 0
        while _bernoulli_exp(Fraction(1), rng):
            v += 1
        magnitude = (u + t * v) // s
        negative = rng.randrange(2) == 1
        if negative and magnitude == 0:
            continue
        return -magnitude if negative else magnitude


def noise_variance(scale: Fraction) -> float:
    a = math.exp(-1 / float(scale))
    return 2 * a / (1 - a) ** 2


@dataclass(frozen=True)
class Breakdown:
    """One released breakdown: the cells that may be shown, and those that may not."""

    released: dict[str, int]
    suppressed: list[str]


def release_breakdown(
    counts: Mapping[str, int],
    *,
    vocabulary: Iterable[str] = (),
    k: int,
    scale: Fraction,
    rng: RandomSource = SYSTEM_RANDOM,
) -> Breakdown:
    """Noise every cell, release those at or above k on both counts; `vocabulary` names the cells that
    could exist, so the suppressed list says nothing about which of them are empty."""
    released: dict[str, int] = {}
    for category in sorted(counts):
        true_count = counts[category]
        if true_count < k:
            continue
        noisy = true_count + discrete_laplace(scale, rng)
        if noisy >= k:
            released[category] = noisy
    # Only categories anyone could name are listed: one outside the vocabulary, held back, is not.
    return Breakdown(released=released, suppressed=sorted(set(vocabulary) - set(released)))


def make_release(
    counts: Mapping[str, Mapping[str, int]],
    *,
    breakdowns: Mapping[str, tuple[int, Iterable[str]]],
    epsilon: Fraction,
    k: int,
    rng: RandomSource = SYSTEM_RANDOM,
) -> dict:
    """Release every breakdown named in `breakdowns` ({name: (sensitivity, vocabulary)}), spending
    `epsilon` in all, split evenly. Returns the JSON-ready figures; nothing below k is in them."""
    share = epsilon / len(breakdowns)
    figures: dict = {
        "breakdowns": {},
        "suppressed": {},
        "noise_scale": {},
        "epsilon_per_breakdown": float(share),
    }
    for name, (sensitivity, vocabulary) in breakdowns.items():
        scale = noise_scale(epsilon=share, sensitivity=sensitivity)
        result = release_breakdown(counts.get(name, {}), vocabulary=vocabulary, k=k, scale=scale, rng=rng)
        figures["breakdowns"][name] = result.released
        figures["suppressed"][name] = result.suppressed
        figures["noise_scale"][name] = float(scale)
    return figures
