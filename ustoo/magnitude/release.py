"""What may leave the server: the privacy mechanism, small and apart so it can be read in one sitting.

Every public breakdown cell (statements per setting, per country, per day, ...) goes through two rules.

1. **Noise.** Each cell gets two-sided geometric noise (the discrete Laplace distribution):
   P(noise = z) is proportional to exp(-|z| / scale), with scale = sensitivity / ε_b, where ε_b is the
   breakdown's share of the release's ε (split evenly over its breakdowns) and sensitivity is how many
   cells of the breakdown one statement can add to (1, or more for kinds of harm and hashtags). The
   noise has mean 0 and variance 2a / (1 - a)², with a = exp(-1 / scale). It is drawn exactly, with
   integers only, by the algorithms of Canonne, Kamath and Steinke ("The Discrete Gaussian for
   Differential Privacy", 2020, algorithms 1 and 2, the sampler OpenDP uses too): no floating point,
   so no rounding patterns that leak.
2. **Suppression.** A cell is released only when its true count and its noisy count are both at least
   k. A small cell cannot be told from an empty one: both are listed as suppressed.

**The noise of a cell is a function of the cell and its true count.** The sampler reads its random
bits from HMAC-SHA256 keyed with a secret the server never publishes, on (dimension, bucket, true
count), in counter mode (`cell_stream`). A figure whose count has not changed therefore shows the
very same noisy value in every release, on every server, after every restart: a poller who averages
the hourly releases of an unchanged figure learns nothing new. When the count changes (one more
statement), the noise is drawn afresh, independent of the last. Without the key the bits cannot be
told from uniform, so to anyone outside each draw is the discrete Laplace draw described above.

**What this guarantees, and what it does not.**

- The noise alone gives each release ε-differential privacy for its breakdowns as a whole: adding or
  removing one person's statement changes the chance of any given set of figures by at most a factor
  exp(ε).
- Suppression is decided on the true count, so it is not covered by that guarantee: whether a cell is
  shown at all says, without noise, whether its true count reached k. It is there so that no figure
  ever stands for fewer than k people; it is not differential privacy, and we do not claim it is.
- Releases over time add up. An unchanged figure repeats and costs nothing more, but every release
  in which a person's cells changed is a fresh ε-private look: over n such releases the loss for that
  person can reach n·ε (basic composition). The figures of an hour or a day that is over stop
  changing (unless someone withdraws), so they stop adding up; the running breakdowns (per setting,
  per country, ...) change whenever someone speaks, so they keep adding up.

The headline total is exact and is not released here: it counts everyone, so it singles out no one.
Releases are made once per period and stored; everyone sees the same one."""

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class RandomSource(Protocol):
    def randrange(self, stop: int, /) -> int: ...


class KeyedStream:
    """Exactly uniform integers that are a fixed function of a key and a label: HMAC-SHA256 of the
    label under the key gives this stream's own key, whose HMAC of 0, 1, 2, ... (counter mode) gives
    the bits. `randrange` takes just enough bits and rejects values out of range, so every value is
    exactly equally likely (no modulo bias)."""

    BLOCK_BITS = 256

    def __init__(self, key: bytes, label: bytes) -> None:
        self._key = hmac.new(key, label, hashlib.sha256).digest()
        self._block = 0
        self._bits = 0
        self._available = 0

    def _take(self, count: int) -> int:
        while self._available < count:
            block = hmac.new(self._key, self._block.to_bytes(8, "big"), hashlib.sha256).digest()
            self._bits = (self._bits << self.BLOCK_BITS) | int.from_bytes(block, "big")
            self._available += self.BLOCK_BITS
            self._block += 1
        self._available -= count
        value = self._bits >> self._available
        self._bits &= (1 << self._available) - 1
        return value

    def randrange(self, stop: int, /) -> int:
        if stop <= 0:
            raise ValueError("stop must be positive")
        width = (stop - 1).bit_length()
        while True:
            value = self._take(width)
            if value < stop:
                return value


def cell_stream(key: bytes, *, dimension: str, bucket: str, count: int) -> KeyedStream:
    """The random bits of one cell at one true count. The label is JSON, so no two different cells
    or counts can share one (a bucket may itself contain the pair separator)."""
    label = json.dumps([dimension, bucket, count], ensure_ascii=False, separators=(",", ":"))
    return KeyedStream(key, label.encode())


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


def noise_variance(scale: Fraction) -> float:
    a = math.exp(-1 / float(scale))
    return 2 * a / (1 - a) ** 2


@dataclass(frozen=True)
class Breakdown:
    """One released breakdown: the cells that may be shown, and those that may not."""

    released: dict[str, int]
    suppressed: list[str]


def noisy_count(key: bytes, *, dimension: str, bucket: str, count: int, scale: Fraction) -> int:
    """The released value of one cell: its true count plus the noise drawn for it at that count."""
    stream = cell_stream(key, dimension=dimension, bucket=bucket, count=count)
    return count + discrete_laplace(scale, stream)


def release_breakdown(
    counts: Mapping[str, int],
    *,
    dimension: str,
    vocabulary: Iterable[str] = (),
    k: int,
    scale: Fraction,
    key: bytes,
) -> Breakdown:
    """Noise every cell, release those at or above k on both counts; `vocabulary` names the cells that
    could exist, so the suppressed list says nothing about which of them are empty."""
    released: dict[str, int] = {}
    for category in sorted(counts):
        true_count = counts[category]
        if true_count < k:
            continue
        noisy = noisy_count(key, dimension=dimension, bucket=category, count=true_count, scale=scale)
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
    key: bytes,
) -> dict:
    """Release every breakdown named in `breakdowns` ({name: (sensitivity, vocabulary)}), spending
    `epsilon` in all, split evenly, with the noise of each cell drawn from `key` (see above). Returns
    the JSON-ready figures; nothing below k is in them."""
    share = epsilon / len(breakdowns)
    figures: dict = {
        "breakdowns": {},
        "suppressed": {},
        "noise_scale": {},
        "epsilon_per_breakdown": float(share),
    }
    for name, (sensitivity, vocabulary) in breakdowns.items():
        scale = noise_scale(epsilon=share, sensitivity=sensitivity)
        result = release_breakdown(
            counts.get(name, {}), dimension=name, vocabulary=vocabulary, k=k, scale=scale, key=key
        )
        figures["breakdowns"][name] = result.released
        figures["suppressed"][name] = result.suppressed
        figures["noise_scale"][name] = float(scale)
    return figures
