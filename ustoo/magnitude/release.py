"""What may leave the server: the privacy mechanism of the magnitude, small and apart so that it can be
read in one sitting. services.py applies it to the statements; this module holds only the arithmetic.

## What is published, and how private each part is

- **The total and the statements per day and per month are exact.** They are published once a day
  (a *batch*), for the statements made before midnight UTC; `as_of` is that date, with no time of day.
  A total that moved the moment someone spoke would tell a watcher when that person spoke; a daily
  step says only how many spoke that day. These counts say nothing of what anyone answered, and they
  are not covered by the guarantee below (like the invariants of the US Census's TopDown algorithm).
- **What people answered** (where it happened, who did it, age at the time, kinds of harm, country,
  language, the movement's hashtags, setting by age) is released only through noisy measurements.

## The measurements: each person's answers are measured once

Statements are grouped by when they were made into *cohorts*: a cohort opens where the last one closed
and closes at the end of the first month in which it holds at least `MIN_COHORT_STATEMENTS`
statements, or after `MAX_COHORT_MONTHS` months (services.py). Both rules read only the exact monthly
counts, which are published anyway, so they reveal nothing more. When a cohort closes, every breakdown
is measured once over its statements: every category of the form's own options is a public key and is
measured, zeros included; hashtags come from the movement's list fixed in advance (core/data/variants.csv),
so no key depends on the data (no partition selection is needed); country is every ISO 3166-1 code.
Each cell gets discrete Gaussian noise (`discrete_gaussian`, drawn exactly with integers by algorithm 3
of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy", 2020, from the
operating system's randomness). The noisy counts are stored and never measured again: every later
batch, page, download and API answer is computed from them (post-processing), so it costs nothing more.

## The guarantee, and the budget that enforces it

Neighbouring histories differ in one statement's answers (any or all of them), everything else equal.
A breakdown whose cells one statement can move by a vector of squared length Δ² (2 for a single choice:
one cell down, another up; up to 6 for the kinds of harm and for hashtags, at most three per story) and
whose discrete Gaussian noise has parameter σ² is ρ-zCDP with ρ = Δ² / (2σ²) (CKS 2020, theorem 14;
Bun and Steinke 2016 for the continuous case). Measurements of one
cohort add up (ρ of the cohort = the sum over its breakdowns); cohorts hold different people, so they
do not add up for anyone (parallel composition). The lifetime budget of each person is therefore the
budget of one cohort: `lifetime_rho`, the largest ρ whose (ε, δ) conversion (Canonne, Kamath and Steinke
2020, corollary 13, the conversion OpenDP uses; checked against opendp 0.16.0) stays within
`settings.MAGNITUDE_EPSILON` (default 1) at δ = `DELTA` (10⁻⁷). With ε = 1: ρ ≈ 0.0202.

It is split by what readers need (services.BREAKDOWNS shares; they sum to 1), not evenly. The ledger
(the Cohort row, locked while a cohort is measured) refuses any measurement that would take a cohort
past the lifetime budget (`check_budget`): a second measurement of the same breakdown, or a new
breakdown added once the budget is spent, is not made, and the release goes on without it.

## Post-processing: consistent, honest figures

- The single-choice breakdowns of a few options (setting, relation, age at the time; each statement in
  exactly one cell, "not said" included) are projected onto
  the simplex {x ≥ 0, Σx = N} nearest to the summed noisy counts (`project_onto_simplex`, the sort-based
  algorithm of Condat 2015), then rounded by largest remainder so the parts add up to N exactly
  (`round_keeping_sum`). N is the exact number of statements measured.
- Multi-select breakdowns (harms, hashtags) and the single-choice breakdowns with many mostly empty
  cells (country, language, setting by age: there a projection would subtract the noise of the empty
  cells from every figure and pull them all down) are clipped to [0, N]: no part is larger than the whole.
- Each figure carries its 95% range: the shown value ± `margin` (z = 1.96 times the standard deviation
  of the summed noise, rounded up), widened to hold the noisy sum ± the margin (which holds the truth
  95% of the time, so the range does at least as often), clipped to [0, N], where the truth always is.
- A breakdown whose margin is more than a third of N (its ranges would cover most of [0, N]) says
  "too few statements yet" (`is_reliable`: it reads the margin and N only). Charts and the map draw only
  figures whose noisy sum stays above 0 by the margin that holds for all the breakdown's figures at
  once (`is_clear_of_none`, `margin_for_all`: noisy values only), so that among 40 hashtags or 250
  countries the noise of one nobody chose is not drawn as if someone had; the tables list every figure.
- The figures shown are rounded to a step that fits their range (`rounded`), and the range is widened
  to hold the same values, so rounding never narrows what is claimed.

## Choices, and their numbers

- With ε = 1 the shares give, for one cohort: setting, relation and age σ ≈ 18.2 (± 36); harms 27.3
  (± 54); country and setting by age 22.3 (± 44); hashtags 38.6 (± 76); language 31.5 (± 62). Over k
  cohorts the noises add up: ± 36·√k for the setting. Cohorts of at least 100 statements keep k small
  on a small site; a large one gets a cohort a month.
- No chart by hour: finer than the batch, it would time statements within a day, and hourly counts
  on most sites would be smaller than any noise we could afford.
- A withdrawal or an edit after a cohort was measured leaves its measurement as it was: measuring again
  would spend the budget of everyone in the cohort a second time. The total and the day counts, which
  are exact, drop at the next batch; N of a breakdown stays the number of statements measured.
- The sampler is this module's own, exact and integer-only, rather than OpenDP's (whose samplers are
  just as exact): it runs on the operating system's randomness in production and on a seeded
  `random.Random` in tests, so the coverage simulation is the very code that draws the real noise, and
  the site needs no 47 MB native dependency for a few hundred draws a month. OpenDP 0.16.0 was used
  to check the conversion and the accuracy numbers (tests/test_release.py).
"""

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

DELTA = Fraction(1, 10**7)
CONFIDENCE = 0.95
# The normal quantile of a two-sided 95% range: 1.959963...
Z = statistics.NormalDist().inv_cdf((1 + CONFIDENCE) / 2)
# A figure whose range covers more than this share of [0, N] is "too few statements yet".
MOST = Fraction(2, 3)
# Single-choice breakdowns are projected so their parts add up to the whole; the others are clipped.
PROJECTED, CLIPPED = "projected", "clipped"


class RandomSource(Protocol):
    def randrange(self, stop: int, /) -> int: ...


class BudgetExceeded(Exception):
    """A measurement would take a cohort past the lifetime budget: it is not made."""


# --- The exact samplers -----------------------------------------------------------------------------


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


def discrete_laplace(scale: Fraction, rng: RandomSource) -> int:
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


def discrete_gaussian(sigma_squared: Fraction, rng: RandomSource) -> int:
    """One draw of discrete Gaussian noise, P(z) ∝ exp(-z² / (2σ²)) (CKS 2020, algorithm 3): a
    discrete Laplace draw of scale t = ⌊σ⌋ + 1, kept with probability exp(-(|y| - σ²/t)² / (2σ²))."""
    if sigma_squared <= 0:
        raise ValueError("sigma_squared must be positive")
    t = math.isqrt(math.floor(sigma_squared)) + 1
    while True:
        y = discrete_laplace(Fraction(t), rng)
        if _bernoulli_exp((abs(y) - sigma_squared / t) ** 2 / (2 * sigma_squared), rng):
            return y


# --- The budget -------------------------------------------------------------------------------------


def epsilon_of(rho: float, delta: float = float(DELTA)) -> float:
    """The ε of a ρ-zCDP mechanism at δ: CKS 2020 corollary 13, minimised over its order α > 1."""
    if rho <= 0:
        return 0.0

    def bound(alpha: float) -> float:
        return alpha * rho + (
            math.log(1 / delta) + (alpha - 1) * math.log(alpha - 1) - alpha * math.log(alpha)
        ) / (alpha - 1)

    # The bound is convex in log α: a golden-section search finds its minimum.
    low, high = math.log(1 + 1e-9), math.log(1e9)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if bound(math.exp(left)) < bound(math.exp(right)):
            high = right
        else:
            low = left
    return bound(math.exp((low + high) / 2))


def lifetime_rho(epsilon: float, delta: float = float(DELTA)) -> Fraction:
    """The largest ρ (to 6 decimals, rounded down) whose conversion stays within (ε, δ)."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    low, high = 0.0, 1.0
    while epsilon_of(high, delta) < epsilon:
        high *= 2
    for _ in range(48):
        middle = (low + high) / 2
        low, high = (middle, high) if epsilon_of(middle, delta) <= epsilon else (low, middle)
    return Fraction(math.floor(low * 10**6), 10**6)


def sigma_squared_for(*, rho: Fraction, l2_squared: int) -> Fraction:
    """The noise variance that makes a breakdown of squared sensitivity Δ² cost exactly ρ."""
    if rho <= 0:
        raise ValueError("rho must be positive")
    return Fraction(l2_squared) / (2 * rho)


def rho_of(*, sigma_squared: Fraction, l2_squared: int) -> Fraction:
    return Fraction(l2_squared) / (2 * sigma_squared)


def check_budget(*, spent: Fraction, asked: Fraction, budget: Fraction) -> None:
    """The ledger's rule: nothing may take a cohort past its lifetime budget."""
    if asked <= 0 or spent + asked > budget:
        raise BudgetExceeded(f"spent {spent} + asked {asked} > budget {budget}")


def measure(
    counts: Mapping[str, int], keys: Sequence[str], sigma_squared: Fraction, rng: RandomSource
) -> dict:
    """One noisy count per public key, zeros included; a count outside the keys is never released."""
    return {key: counts.get(key, 0) + discrete_gaussian(sigma_squared, rng) for key in keys}


# --- Post-processing --------------------------------------------------------------------------------


def project_onto_simplex(values: Sequence[int | Fraction], total: int) -> list[Fraction]:
    """The nearest point (in squared distance) with every part >= 0 and the parts summing to `total`:
    x_i = max(y_i - θ, 0), θ found by sorting (Condat 2015). Exact, in fractions."""
    if total < 0:
        raise ValueError("total must be >= 0")
    if not values:
        return []
    if total == 0:
        return [Fraction(0)] * len(values)
    ordered = sorted((Fraction(value) for value in values), reverse=True)
    running, theta = Fraction(0), Fraction(0)
    for index, value in enumerate(ordered, start=1):
        running += value
        candidate = (running - total) / index
        if value - candidate > 0:
            theta = candidate
    return [max(Fraction(value) - theta, Fraction(0)) for value in values]


def round_keeping_sum(values: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers that add up to `total` (the sum of `values`): each rounded down, then the units
    left over go to the largest remainders (the first of equal ones)."""
    floors = [math.floor(value) for value in values]
    left = total - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return floors


def margin(variance: Fraction | float) -> int:
    """Half the width of the 95% range of a sum of independent discrete Gaussian noises of total
    variance `variance` (each has variance at most its σ², so this errs on the wide side)."""
    return math.ceil(Z * math.sqrt(variance))


@dataclass(frozen=True)
class Estimate:
    """One released figure: `value` is shown, the truth lies in [low, high] 95% of the time, and
    `measured` is the noisy sum it was made from (what a researcher may want to re-estimate from)."""

    value: int
    low: int
    high: int
    measured: int
    reliable: bool

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "measured": self.measured,
            "reliable": self.reliable,
        }


def is_reliable(half: int, total: int) -> bool:
    """A figure is worth showing when its range (± `half`) covers at most two thirds of [0, total].
    It reads the margin and the number of statements measured only: never a count, true or noisy."""
    return total > 0 and 2 * half <= MOST * total


def margin_for_all(variance: Fraction | float, cells: int) -> int:
    """The margin that holds for every one of a breakdown's `cells` at once, 95% of the time (a
    Bonferroni bound): with 250 countries, 5% of 95% ranges would miss; this one rarely does."""
    if cells <= 1:
        return margin(variance)
    z = statistics.NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / (2 * cells))
    return math.ceil(z * math.sqrt(variance))


def is_clear_of_none(estimate: Estimate, margin_all: int) -> bool:
    """Whether a figure's noisy sum stays above 0 by the margin that holds for all its breakdown's
    figures at once: charts and the map draw only those, so that among many categories nobody chose,
    the noise of none is drawn as if someone had. Reads noisy values only."""
    return estimate.measured - margin_all > 0


def estimates(
    kind: str, measured: Mapping[str, int], *, total: int, variance: Fraction
) -> dict[str, Estimate]:
    """The released figures of one breakdown, from its summed noisy counts and the exact number of
    statements they cover: projected (single choice) or clipped (multi-select, country), each with its
    range: the shown value ± the margin, widened to hold the noisy sum ± the margin (so the truth is
    in it as often as in the latter), and clipped to [0, total], where the truth always is."""
    keys = list(measured)
    if kind == PROJECTED:
        values = round_keeping_sum(project_onto_simplex([measured[key] for key in keys], total), total)
    else:
        values = [min(max(measured[key], 0), total) for key in keys]
    half = margin(variance)
    reliable = is_reliable(half, total)
    found = {}
    for key, value in zip(keys, values, strict=True):
        noisy = measured[key]
        low = max(0, min(value - half, noisy - half))
        high = min(total, max(value + half, noisy + half))
        found[key] = Estimate(value=value, low=low, high=high, measured=noisy, reliable=reliable)
    return found


@dataclass(frozen=True)
class Rounded:
    """A figure as people read it: `about`, and either ± `plus_minus` or the range `low` to `high`."""

    about: int
    low: int
    high: int
    plus_minus: int | None


def step_for(width: int) -> int:
    """A rounding step that fits a range `width` wide: about a tenth of its half-width or less, so
    "about 63 (± 36)" reads "about 65 (± 40)", and a range of ± 8 keeps whole numbers."""
    half = width / 2
    for limit, step in ((20, 1), (100, 5), (1000, 10), (5000, 50)):
        if half < limit:
            return step
    return 100


def rounded(estimate: Estimate, total: int) -> Rounded:
    """The shown value rounded to a step that fits its range, and a range at least as wide as the
    true one: ± when it fits in [0, total], else its two ends."""
    step = step_for(estimate.high - estimate.low)
    about = min(total, round(estimate.value / step) * step)
    half = max(about - estimate.low, estimate.high - about)
    half = math.ceil(half / step) * step
    low, high = about - half, about + half
    if low >= 0 and high <= total:
        return Rounded(about=about, low=low, high=high, plus_minus=half)
    low, high = max(0, low), min(total, high)
    return Rounded(about=about, low=low, high=high, plus_minus=None)
