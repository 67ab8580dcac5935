"""The privacy mechanism on its own (no database): the noise has the stated distribution, the budget
converts as OpenDP says, every post-processing rule holds for any noisy input, and the stated 95%
ranges cover the truth."""

import math
import random
from collections import Counter as Tally
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ustoo.magnitude import release

SAMPLES = 20_000


def test_the_discrete_laplace_sampler_draws_two_sided_geometric_noise():
    rng = random.Random(20171015)
    scale = Fraction(5, 2)
    draws = [release.discrete_laplace(scale, rng) for _ in range(SAMPLES)]
    a = math.exp(-1 / float(scale))
    variance = sum(x * x for x in draws) / SAMPLES
    assert variance == pytest.approx(2 * a / (1 - a) ** 2, rel=0.06)
    assert draws.count(0) / SAMPLES == pytest.approx((1 - a) / (1 + a), abs=0.012)


@pytest.mark.parametrize("sigma_squared", [Fraction(1, 4), Fraction(9), Fraction(3333, 10)])
def test_the_discrete_gaussian_sampler_matches_its_distribution(sigma_squared):
    """P(z) ∝ exp(-z²/2σ²): a chi-square test against the exact probabilities, and the variance."""
    rng = random.Random(20171015)
    draws = Tally(release.discrete_gaussian(sigma_squared, rng) for _ in range(SAMPLES))
    sigma2 = float(sigma_squared)
    support = range(-int(12 * math.sqrt(sigma2)) - 3, int(12 * math.sqrt(sigma2)) + 4)
    weights = {z: math.exp(-z * z / (2 * sigma2)) for z in support}
    norm = sum(weights.values())
    expected = {z: SAMPLES * w / norm for z, w in weights.items()}
    # Pool the tails so every cell expects at least 20 draws.
    cells: list[tuple[float, int]] = []
    pending_expected, pending_seen = 0.0, 0
    for z in support:
        pending_expected += expected[z]
        pending_seen += draws.get(z, 0)
        if pending_expected >= 20:
            cells.append((pending_expected, pending_seen))
            pending_expected, pending_seen = 0.0, 0
    cells[-1] = (cells[-1][0] + pending_expected, cells[-1][1] + pending_seen)
    chi_square = sum((seen - wanted) ** 2 / wanted for wanted, seen in cells)
    freedom = len(cells) - 1
    # Far beyond the 0.001 critical value would mean the wrong distribution (seeded: deterministic).
    assert chi_square < freedom + 4 * math.sqrt(2 * freedom) + 10
    variance = sum(z * z * n for z, n in draws.items()) / SAMPLES
    assert variance == pytest.approx(sum(z * z * w for z, w in weights.items()) / norm, rel=0.06)
    assert sum(draws.values()) == SAMPLES and set(draws) <= set(support)


def test_the_zcdp_conversion_gives_what_opendp_gives():
    """Numbers from opendp 0.16.0: make_zCDP_to_approxDP(make_gaussian(...)).map(1).epsilon(δ)."""
    for rho, delta, epsilon in (
        (0.015, 1e-7, 0.8546053738083237),
        (0.02, 1e-7, 0.9950807406577818),
        (0.0244, 1e-6, 1.000967571853812),
    ):
        assert release.epsilon_of(rho, delta) == pytest.approx(epsilon, rel=1e-6)


def test_the_lifetime_budget_is_the_largest_rho_within_epsilon():
    rho = release.lifetime_rho(1.0)
    assert rho == Fraction(20187, 10**6)
    assert release.epsilon_of(float(rho)) <= 1.0 < release.epsilon_of(float(rho) + 1e-5)
    with pytest.raises(ValueError):
        release.lifetime_rho(0)


def test_a_breakdowns_noise_costs_exactly_its_share():
    variance = release.sigma_squared_for(rho=Fraction(3, 1000), l2_squared=2)
    assert variance == Fraction(1000, 3)
    assert release.rho_of(sigma_squared=variance, l2_squared=2) == Fraction(3, 1000)


# --- The ledger's rule ------------------------------------------------------------------------------


@given(
    budget=st.fractions(min_value=Fraction(1, 1000), max_value=10),
    spends=st.lists(st.fractions(min_value=Fraction(1, 10**6), max_value=5), max_size=12),
)
def test_the_ledger_never_lets_a_cohort_spend_past_its_budget(budget, spends):
    spent = Fraction(0)
    for asked in spends:
        try:
            release.check_budget(spent=spent, asked=asked, budget=budget)
        except release.BudgetExceeded:
            assert spent + asked > budget
            continue
        spent += asked
        assert spent <= budget


def test_the_ledger_refuses_what_would_exceed_and_what_is_free():
    release.check_budget(spent=Fraction(1, 2), asked=Fraction(1, 2), budget=Fraction(1))
    with pytest.raises(release.BudgetExceeded):
        release.check_budget(
            spent=Fraction(1, 2), asked=Fraction(1, 2) + Fraction(1, 10**9), budget=Fraction(1)
        )
    with pytest.raises(release.BudgetExceeded):
        release.check_budget(spent=Fraction(0), asked=Fraction(0), budget=Fraction(1))


# --- Post-processing, for any noisy input -----------------------------------------------------------

noisy_vectors = st.lists(st.integers(min_value=-300, max_value=600), min_size=1, max_size=40)
totals = st.integers(min_value=0, max_value=500)
variances = st.fractions(min_value=Fraction(1, 100), max_value=5000)


def _keys(values: list[int]) -> dict[str, int]:
    return {f"k{index}": value for index, value in enumerate(values)}


@given(values=noisy_vectors, total=totals)
def test_a_projection_adds_up_to_the_total_with_every_part_between_0_and_it(values, total):
    projected = release.project_onto_simplex(values, total)
    assert sum(projected) == total
    assert all(0 <= part <= total for part in projected)
    rounded = release.round_keeping_sum(projected, total)
    assert sum(rounded) == total
    assert all(0 <= part <= total for part in rounded)
    # Rounding moves no part by a whole unit or more.
    assert all(abs(whole - part) < 1 for whole, part in zip(rounded, projected, strict=True))


def test_the_projection_of_the_brief():
    """y = (70, 38, 21, -5), N = 110: θ = 6.33..., so (63.7, 31.7, 14.7, 0), rounded (63, 32, 15, 0)."""
    projected = release.project_onto_simplex([70, 38, 21, -5], 110)
    assert [round(float(x), 1) for x in projected] == [63.7, 31.7, 14.7, 0.0]
    # Three equal remainders (2/3) for two units left: the first two get them (the brief broke the
    # tie the other way, (63, 32, 15, 0); both add up to 110).
    assert release.round_keeping_sum(projected, 110) == [64, 32, 14, 0]


def test_the_projection_keeps_a_point_already_on_the_simplex():
    assert release.project_onto_simplex([60, 30, 20, 0], 110) == [60, 30, 20, 0]


@given(
    values=noisy_vectors,
    total=totals,
    variance=variances,
    kind=st.sampled_from([release.PROJECTED, release.CLIPPED]),
)
def test_no_figure_and_no_range_is_below_0_or_above_the_whole(values, total, variance, kind):
    found = release.estimates(kind, _keys(values), total=total, variance=variance)
    for estimate in found.values():
        assert 0 <= estimate.low <= estimate.value <= estimate.high <= total
        # The range holds the noisy sum's own range, clipped to what is possible.
        half = release.margin(variance)
        assert estimate.low <= max(0, min(total, estimate.measured - half))
        assert estimate.high >= min(total, max(0, estimate.measured + half))
        shown = release.rounded(estimate, total)
        assert 0 <= shown.low <= shown.about <= shown.high <= total
        # Rounding never narrows the range that is claimed.
        assert shown.low <= estimate.low and shown.high >= estimate.high
    if kind == release.PROJECTED:
        assert sum(estimate.value for estimate in found.values()) == total


@settings(max_examples=60)
@given(
    noisy=noisy_vectors,
    first_truth=st.lists(st.integers(min_value=0, max_value=400), min_size=40, max_size=40),
    second_truth=st.lists(st.integers(min_value=0, max_value=400), min_size=40, max_size=40),
    total=totals,
    variance=variances,
    kind=st.sampled_from([release.PROJECTED, release.CLIPPED]),
)
def test_the_same_noisy_vector_shows_the_same_figures_whatever_the_true_counts(
    noisy, first_truth, second_truth, total, variance, kind
):
    """Hiding reads noisy values only. The noise is injected so that two different truths come out
    of the measurement as the same noisy counts: they are then shown alike, figure for figure, the
    same ones too few."""
    keys = [f"k{index}" for index in range(len(noisy))]

    def shown_for(truth: list[int]) -> dict:
        noises = iter(target - count for target, count in zip(noisy, truth, strict=False))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(release, "discrete_gaussian", lambda _variance, _rng: next(noises))
            measured = release.measure(dict(zip(keys, truth, strict=False)), keys, variance, random.Random(0))
        assert list(measured.values()) == noisy
        return release.estimates(kind, measured, total=total, variance=variance)

    first, second = shown_for(first_truth), shown_for(second_truth)
    assert first == second
    wide = release.margin_for_all(variance, len(keys))
    drawn = {key for key, e in first.items() if e.reliable and release.is_clear_of_none(e, wide)}
    assert drawn == {key for key, e in second.items() if e.reliable and release.is_clear_of_none(e, wide)}


@given(half=st.integers(0, 1000), total=st.integers(0, 1000))
def test_a_breakdown_is_too_few_exactly_when_its_ranges_cover_most_of_what_is_possible(half, total):
    assert release.is_reliable(half, total) == (total > 0 and 3 * half <= total)


# --- The stated ranges cover the truth ---------------------------------------------------------------

DRAWS = 10_000


SETTING_TRUTH = {
    "workplace": 60,
    "street": 40,
    "school": 25,
    "home": 15,
    "online": 8,
    "military": 0,
    "not_said": 52,
}
HARM_TRUTH = {"verbal": 600, "physical": 350, "assault": 200, "online": 120, "coercion": 90, "other": 20}


@pytest.mark.parametrize(
    ("kind", "truth", "total", "share", "l2_squared", "cohorts"),
    [
        (release.PROJECTED, SETTING_TRUTH, 200, Fraction(15, 100), 2, 1),
        (release.PROJECTED, SETTING_TRUTH, 200, Fraction(15, 100), 2, 4),
        (release.CLIPPED, HARM_TRUTH, 1000, Fraction(20, 100), 6, 1),
    ],
    ids=["setting-one-cohort", "setting-four-cohorts", "harms"],
)
def test_the_stated_95_percent_ranges_cover_the_truth(kind, truth, total, share, l2_squared, cohorts):
    """10,000 simulated releases of one breakdown at its share of the budget (ε = 1), with true counts
    like a small site's, zeros included: every cell's range, after projection or clipping, holds the
    true count at least 94.5% of the time, and so does the rounded range shown (seeded: the same
    every run). Measured: 95.4-97.8% for harms (no clipping: the margin itself), 97.9-99.5% for the
    setting, where the range also holds the projected value."""
    rng = random.Random(20171015 + cohorts)
    variance = release.sigma_squared_for(rho=Fraction(20187, 10**6) * share, l2_squared=l2_squared)
    covered, shown_covered = Tally(), Tally()
    for _ in range(DRAWS):
        # What the stored measurements add up to: the truth once, plus one noise per cohort.
        measured = release.measure(truth, list(truth), variance, rng)
        for _cohort in range(cohorts - 1):
            for key, noise in release.measure({}, list(truth), variance, rng).items():
                measured[key] += noise
        found = release.estimates(kind, measured, total=total, variance=cohorts * variance)
        for key, estimate in found.items():
            covered[key] += estimate.low <= truth[key] <= estimate.high
            figure = release.rounded(estimate, total)
            shown_covered[key] += figure.low <= truth[key] <= figure.high
    for key in truth:
        assert covered[key] / DRAWS >= 0.945, (key, covered[key] / DRAWS)
        assert shown_covered[key] >= covered[key]


def test_categories_nobody_chose_are_drawn_rarely_even_among_many():
    """40 hashtags nobody used, at the hashtags' budget: in 1,000 simulated releases, one or more of
    them clears the margin that holds for all at once (and would be drawn) in fewer than 5%, where
    clearing each one's own 95% margin would draw about one in every release."""
    rng = random.Random(2017)
    variance = release.sigma_squared_for(rho=Fraction(20187, 10**6) * Fraction(10, 100), l2_squared=6)
    keys = [f"tag{n}" for n in range(40)]
    wide, narrow = release.margin_for_all(variance, len(keys)), release.margin(variance)
    assert wide > narrow and release.margin_for_all(variance, 1) == narrow
    any_drawn = some_above_own_margin = 0
    for _ in range(1000):
        found = release.estimates(
            release.CLIPPED, release.measure({}, keys, variance, rng), total=500, variance=variance
        )
        any_drawn += any(release.is_clear_of_none(e, wide) for e in found.values())
        some_above_own_margin += any(release.is_clear_of_none(e, narrow) for e in found.values())
    assert any_drawn / 1000 < 0.05
    assert some_above_own_margin / 1000 > 0.5


def test_a_figure_is_rounded_to_a_step_that_fits_its_range():
    def shown(value: int, low: int, high: int, total: int) -> release.Rounded:
        estimate = release.Estimate(value=value, low=low, high=high, measured=value, reliable=True)
        return release.rounded(estimate, total)

    assert shown(63, 27, 99, 110) == release.Rounded(about=65, low=25, high=105, plus_minus=40)
    assert shown(12, 4, 20, 500) == release.Rounded(about=12, low=4, high=20, plus_minus=8)
    # Clipped at 0: the two ends, not a ± that would reach below it.
    assert shown(5, 0, 41, 110) == release.Rounded(about=5, low=0, high=45, plus_minus=None)
    assert shown(1800, 1600, 2000, 3000).plus_minus == 200


@pytest.mark.parametrize(
    ("sigma", "opendp_accuracy"),
    [(1.0, 3), (5.0, 11), (18.166, 37), (19.0, 38), (27.26, 54), (38.55, 77), (66.7, 132)],
)
def test_the_margin_holds_the_discrete_gaussian_95_percent_of_the_time(sigma, opendp_accuracy):
    """Summing the exact probabilities: |noise| <= margin at least 95% of the time. OpenDP 0.16.0's
    discrete_gaussian_scale_to_accuracy(σ, 0.05) is the first value the noise stays strictly below,
    so it is our margin or one more."""
    half = release.margin(sigma * sigma)
    support = range(-int(15 * sigma) - 5, int(15 * sigma) + 6)
    weights = {z: math.exp(-z * z / (2 * sigma * sigma)) for z in support}
    norm = sum(weights.values())

    def within(m: int) -> float:
        return sum(w for z, w in weights.items() if abs(z) <= m) / norm

    assert within(half) >= 0.95
    assert opendp_accuracy - 1 <= half <= opendp_accuracy
