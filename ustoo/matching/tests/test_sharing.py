"""Properties of the degree-1 sharing: two distinct points give the secret back, one point fits every
secret, and the same point twice is still one point."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ustoo.matching import sharing
from ustoo.matching.oprf import ORDER

scalars = st.integers(min_value=0, max_value=ORDER - 1)
nonzero = st.integers(min_value=1, max_value=ORDER - 1)


@given(a0=scalars, a1=scalars, xs=st.lists(nonzero, min_size=2, max_size=6, unique=True))
def test_any_two_or_more_distinct_points_give_the_secret(a0, a1, xs):
    points = [sharing.point_on_line(a0, a1, x) for x in xs]
    assert sharing.recover_secret(points) == a0
    assert sharing.recover_secret(list(reversed(points))) == a0


@given(a0=scalars, a1=scalars, x=nonzero, other_secret=scalars)
def test_one_point_fits_every_secret(a0, a1, x, other_secret):
    point = sharing.point_on_line(a0, a1, x)
    # For any secret there is a slope whose line goes through the same point: one share says nothing.
    slope = (point.y - other_secret) * pow(x, -1, ORDER) % ORDER
    assert sharing.point_on_line(other_secret, slope, x) == point
    with pytest.raises(sharing.NotEnoughShares):
        sharing.recover_secret([point])


@given(a0=scalars, a1=scalars, x=nonzero, copies=st.integers(min_value=2, max_value=5))
def test_the_same_point_repeated_is_one_point(a0, a1, x, copies):
    with pytest.raises(sharing.NotEnoughShares):
        sharing.recover_secret([sharing.point_on_line(a0, a1, x)] * copies)


@given(a0=scalars, a1=scalars, xs=st.lists(nonzero, min_size=3, max_size=5, unique=True), shift=nonzero)
def test_a_point_off_the_line_is_refused(a0, a1, xs, shift):
    points = [sharing.point_on_line(a0, a1, x) for x in xs]
    points[-1] = sharing.Point(points[-1].x, (points[-1].y + shift) % ORDER)
    with pytest.raises(sharing.Inconsistent):
        sharing.recover_secret(points)


@given(a0=scalars, a1=scalars, x=nonzero, shift=nonzero, other=nonzero)
def test_two_values_at_one_x_are_refused(a0, a1, x, shift, other):
    point = sharing.point_on_line(a0, a1, x)
    moved = sharing.Point(x, (point.y + shift) % ORDER)
    with pytest.raises(sharing.Inconsistent):
        sharing.recover_secret([point, moved, sharing.point_on_line(a0, a1, other)])
