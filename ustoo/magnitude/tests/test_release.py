"""The privacy mechanism: its noise has the documented scale, a cell's noise is fixed by its count,
and nothing below k is ever released."""

import datetime
import itertools
import math
import random
from collections import Counter as Tally
from fractions import Fraction

import pytest
from django.core.cache import caches

from ustoo.magnitude import buckets, release, services
from ustoo.magnitude.models import Release
from ustoo.stories import services as stories
from ustoo.stories.services import Details

SAMPLES = 20_000
KEY = b"a fixed key, for tests only"
START = datetime.datetime(2026, 3, 8, 12, tzinfo=datetime.UTC)


def assert_discrete_laplace(draws: list[int], scale: Fraction, *, variance_tolerance: float) -> None:
    a = math.exp(-1 / float(scale))
    # Discrete Laplace with parameter a: mean 0, variance 2a/(1-a)², P(0) = (1-a)/(1+a).
    expected_variance = 2 * a / (1 - a) ** 2
    count = len(draws)
    mean = sum(draws) / count
    variance = sum((x - mean) ** 2 for x in draws) / (count - 1)
    assert abs(mean) < 4 * math.sqrt(expected_variance / count)
    assert variance == pytest.approx(expected_variance, rel=variance_tolerance)
    assert draws.count(0) / count == pytest.approx((1 - a) / (1 + a), abs=0.012)
    assert release.noise_variance(scale) == pytest.approx(expected_variance)
    # Symmetric: as many above as below.
    above, below = sum(x > 0 for x in draws), sum(x < 0 for x in draws)
    assert abs(above - below) < 4 * math.sqrt(count)


@pytest.mark.parametrize("scale", [Fraction(10), Fraction(5, 2), Fraction(60)])
def test_the_sampler_draws_two_sided_geometric_noise_of_the_documented_scale(scale):
    rng = random.Random(20171015)
    draws = [release.discrete_laplace(scale, rng) for _ in range(SAMPLES)]
    assert_discrete_laplace(draws, scale, variance_tolerance=0.06)


@pytest.mark.parametrize("scale", [Fraction(11), Fraction(66)])
def test_the_keyed_noise_of_many_cells_has_the_documented_scale(scale):
    """What is released: one draw per (cell, count) from the keyed stream, over many cells and counts."""
    draws = [
        release.noisy_count(KEY, dimension="day", bucket=f"cell {n % 500}", count=10 + n // 500, scale=scale)
        - (10 + n // 500)
        for n in range(SAMPLES)
    ]
    assert_discrete_laplace(draws, scale, variance_tolerance=0.06)


def test_an_unchanged_count_gets_the_same_noise_and_a_new_count_a_fresh_draw():
    def noise(count: int, *, bucket: str = "workplace", key: bytes = KEY) -> int:
        return (
            release.noisy_count(key, dimension="setting", bucket=bucket, count=count, scale=Fraction(11))
            - count
        )

    assert noise(40) == noise(40)
    # The same figures under another key, or in another cell, are drawn apart.
    assert [noise(n) for n in range(40, 60)] != [noise(n, key=b"another key") for n in range(40, 60)]
    assert [noise(n) for n in range(40, 60)] != [noise(n, bucket="school") for n in range(40, 60)]
    # Each count's draw is independent of the last: no correlation from one count to the next...
    draws = [noise(count) for count in range(10, 6010)]
    mean = sum(draws) / len(draws)
    centred = [x - mean for x in draws]
    lag_one = sum(x * y for x, y in itertools.pairwise(centred)) / sum(x * x for x in centred)
    assert abs(lag_one) < 0.05
    # ...and the next count repeats the last noise only as often as two independent draws agree.
    a = math.exp(-1 / 11)
    agree = sum(((1 - a) / (1 + a)) ** 2 * a ** (2 * abs(z)) for z in range(-400, 401))
    repeats = sum(x == y for x, y in itertools.pairwise(draws)) / (len(draws) - 1)
    assert repeats == pytest.approx(agree, abs=0.01)


def test_a_bucket_holding_the_pair_separator_is_a_cell_of_its_own():
    one = release.cell_stream(KEY, dimension="setting_by_age", bucket="home|adult", count=12)
    other = release.cell_stream(KEY, dimension="setting_by_age|home", bucket="adult", count=12)
    assert [one.randrange(2**32) for _ in range(4)] != [other.randrange(2**32) for _ in range(4)]


def test_the_keyed_stream_is_exactly_uniform_and_refuses_an_empty_range():
    stream = release.KeyedStream(KEY, b"uniformity")
    draws = Tally(stream.randrange(6) for _ in range(60_000))
    assert set(draws) == set(range(6))
    chi_square = sum((seen - 10_000) ** 2 / 10_000 for seen in draws.values())
    assert chi_square < 20.5  # the 0.001 critical value with 5 degrees of freedom
    assert stream.randrange(1) == 0
    with pytest.raises(ValueError):
        stream.randrange(0)


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
            dimension="setting",
            vocabulary=["military", "workplace", "street", "school", "online"],
            k=10,
            scale=Fraction(30),
            key=seed.to_bytes(4, "big"),
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
        {"xx-rare": 3}, dimension="language", vocabulary=["en", "fr"], k=10, scale=Fraction(1), key=KEY
    )
    assert result.released == {}
    assert result.suppressed == ["en", "fr"]


def test_a_release_splits_epsilon_evenly_over_its_breakdowns():
    figures = release.make_release(
        {"setting": {"workplace": 1000}, "harm": {"verbal": 1000}},
        breakdowns={"setting": (1, ["workplace"]), "harm": (6, ["verbal"])},
        epsilon=Fraction(1),
        k=10,
        key=KEY,
    )
    assert figures["epsilon_per_breakdown"] == 0.5
    assert figures["noise_scale"] == {"setting": 2.0, "harm": 12.0}
    assert 900 < figures["breakdowns"]["setting"]["workplace"] < 1100
    assert figures["breakdowns"]["setting"]["workplace"] == release.noisy_count(
        KEY, dimension="setting", bucket="workplace", count=1000, scale=Fraction(2)
    )


@pytest.mark.django_db
def test_the_noise_key_comes_from_the_sites_secret_and_is_never_released(settings):
    settings.OWNERSHIP_KEY = "one site"
    key = services.noise_key()
    assert key == services.noise_key() and len(key) == 32
    assert key not in settings.OWNERSHIP_KEY.encode()
    settings.OWNERSHIP_KEY = "another site"
    assert services.noise_key() != key
    for _ in range(12):
        stories.say_me_too(member=None, anonymous=True, language="en", details=Details(setting="home"))
    figures = repr(services.publish_release(start=START).figures)
    assert key.hex() not in figures and repr(key) not in figures


@pytest.fixture
def spoken(settings):
    settings.MAGNITUDE_EPSILON = 0.5  # real noise: about ±30 on every figure
    settings.MAGNITUDE_K = 10
    settings.OWNERSHIP_KEY = "a fixed site secret, for tests only"
    for n in range(60):
        stories.say_me_too(
            member=None,
            anonymous=True,
            language="en",
            details=Details(
                setting="workplace", country="FR", harms=["verbal"], relation=["colleague", ""][n % 2]
            ),
            at=START - datetime.timedelta(days=n % 3, hours=1),
        )


def released_cells(release_row: Release) -> dict[tuple[str, str], int]:
    return {
        (dimension, bucket): value
        for dimension, cells in release_row.figures["breakdowns"].items()
        for bucket, value in cells.items()
    }


@pytest.mark.django_db
def test_unchanged_figures_repeat_in_every_release_even_after_caches_are_cleared(spoken):
    first = released_cells(services.publish_release(start=START))
    assert first[("setting", "workplace")] != 60 or first[("country", "FR")] != 60  # noise there is
    later = released_cells(services.publish_release(start=START + datetime.timedelta(hours=5)))
    # Another process, with nothing in memory and no stored release: the same figures again.
    caches["local"].clear()
    caches["default"].clear()
    Release.objects.all().delete()
    again = released_cells(services.publish_release(start=START + datetime.timedelta(days=1)))
    assert later == first
    assert {cell: value for cell, value in again.items() if cell[0] != "hour"} == {
        cell: value for cell, value in first.items() if cell[0] != "hour"
    }


@pytest.mark.django_db
def test_a_changed_count_draws_its_noise_afresh(spoken):
    before = released_cells(services.publish_release(start=START))
    stories.say_me_too(
        member=None,
        anonymous=True,
        language="en",
        details=Details(setting="workplace", country="DE"),
        at=START,
    )
    after = released_cells(services.publish_release(start=START + datetime.timedelta(hours=1)))
    # The workplace cell now counts 61: 61 plus the noise drawn for 61, not the noise of 60 plus one.
    scale = Fraction(buckets.SENSITIVITY[buckets.SETTING]) * len(buckets.RELEASED) / release.as_fraction(0.5)
    key = services.noise_key()
    assert after[("setting", "workplace")] == release.noisy_count(
        key, dimension="setting", bucket="workplace", count=61, scale=scale
    )
    assert after[("setting", "workplace")] - before[("setting", "workplace")] != 1
    # Figures the new statement did not touch are unchanged.
    assert after[("country", "FR")] == before[("country", "FR")]
    assert after[("harm", "verbal")] == before[("harm", "verbal")]
