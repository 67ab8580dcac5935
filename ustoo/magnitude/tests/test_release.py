"""The privacy mechanism: its noise has the documented scale, and nothing below k is ever released."""

import math
import random
from fractions import Fraction

import pytest

from ustoo.magnitude import release

SAMPLES = 20_000


@pytest.mark.parametrize("scale", [Fraction(10), Fraction(5, 2), Fraction(60)])
def test_the_noise_is_two_sided_geometric_with_the_documented_scale(scale):
    rng = random.Random(20171015)
    draws = [release.discrete_laplace(scale, rng) for _ in range(SAMPLES)]
    a = math.exp(-1 / float(scale))
    # Discrete Laplace with parameter a: mean 0, variance 2a/(1-a)², P(0) = (1-a)/(1+a).
    expected_variance = 2 * a / (1 - a) ** 2
    mean = sum(draws) / SAMPLES
    variance = sum((x - mean) ** 2 for x in draws) / (SAMPLES - 1)
    assert abs(mean) < 4 * math.sqrt(expected_variance / SAMPLES)
    assert variance == pytest.approx(expected_variance, rel=0.06)
    assert draws.count(0) / SAMPLES == pytest.approx((1 - a) / (1 + a), abs=0.012)
    assert release.noise_variance(scale) == pytest.approx(expected_variance)
    # Symmetric: as many above as below.
    above, below = sum(x > 0 for x in draws), sum(x < 0 for x in draws)
    assert abs(above - below) < 4 * math.sqrt(SAMPLES)


def test_the_scale_is_sensitivity_over_the_breakdowns_share_of_epsilon():
    assert release.noise_scale(epsilon=Fraction(1, 10), sensitivity=1) == 10
    assert release.noise_scale(epsilon=Fraction(1, 10), sensitivity=6) == 60
    assert release.as_fraction(0.1) == Fraction(1, 10)
    with pytest.raises(ValueError):
        release.noise_scale(epsilon=Fraction(0), sensitivity=1)


def test_cells_below_k_are_never_released_even_when_noise_would_lift_them():
    counts = {"military": 9, "workplace": 500, "street": 10, "school": 1}
    for seed in range(200):
        result = release.release_breakdown(
            counts,
            vocabulary=["military", "workplace", "street", "school", "online"],
            k=10,
            scale=Fraction(30),
            rng=random.Random(seed),
        )
        assert "military" not in result.released
        assert "school" not in result.released
        assert all(value >= 10 for value in result.released.values())
        # Held-back cells are listed with the empty ones, so small and empty look alike.
        assert {"military", "school", "online"} <= set(result.suppressed)
        assert set(result.suppressed) | set(result.released) == {
            "military",
            "workplace",
            "street",
            "school",
            "online",
        }


def test_a_held_back_category_outside_the_vocabulary_is_not_named():
    result = release.release_breakdown(
        {"xx-rare": 3}, vocabulary=["en", "fr"], k=10, scale=Fraction(1), rng=random.Random(1)
    )
    assert result.released == {}
    assert result.suppressed == ["en", "fr"]


def test_a_release_splits_epsilon_evenly_over_its_breakdowns():
    figures = release.make_release(
        {"setting": {"workplace": 1000}, "harm": {"verbal": 1000}},
        breakdowns={"setting": (1, ["workplace"]), "harm": (6, ["verbal"])},
        epsilon=Fraction(1),
        k=10,
        rng=random.Random(3),
    )
    assert figures["epsilon_per_breakdown"] == 0.5
    assert figures["noise_scale"] == {"setting": 2.0, "harm": 12.0}
    assert 900 < figures["breakdowns"]["setting"]["workplace"] < 1100
    assert (
        figures["breakdowns"]["setting"]["workplace"] != 1000
        or figures["breakdowns"]["harm"]["verbal"] != 1000
    )
