"""Degree-1 secret sharing over the scalar field of ristretto255 (integers mod the prime ℓ).

A line f(X) = a0 + a1·X hides its secret a0: one point (x, y) fits every a0, and two points with
distinct x give it back. Nothing here draws randomness: the coefficients come from the OPRF output
(PROTOCOL.md §3), so every survivor naming the same person lands on the same line."""

from dataclasses import dataclass

from ustoo.matching.oprf import ORDER


@dataclass(frozen=True)
class Point:
    x: int
    y: int


class NotEnoughShares(ValueError):
    """Fewer than two distinct x: the line, and so the secret, stays unknown."""


class Inconsistent(ValueError):
    """Points with distinct x that lie on no one line: a share was not made as the protocol says."""


def point_on_line(a0: int, a1: int, x: int) -> Point:
    return Point(x % ORDER, (a0 + a1 * x) % ORDER)


def recover_secret(points: list[Point]) -> int:
    """a0, by Lagrange interpolation at 0 through two points with distinct x; every other point must lie
    on the same line. The same point twice (one owner entering the same identifier again) counts once."""
    distinct: dict[int, Point] = {}
    for point in points:
        if distinct.setdefault(point.x, point).y != point.y:
            raise Inconsistent("two shares at one x with different y")
    if len(distinct) < 2:
        raise NotEnoughShares("a line needs two points with distinct x")
    first, second, *rest = distinct.values()
    if any(point.y != points_y(first, second, point.x) for point in rest):
        raise Inconsistent("the shares lie on no one line")
    # f(0) = (y1·x2 − y2·x1) / (x2 − x1)
    numerator = first.y * second.x - second.y * first.x
    return numerator * pow(second.x - first.x, -1, ORDER) % ORDER


def points_y(first: Point, second: Point, x: int) -> int:
    """The y at `x` of the line through two points with distinct x."""
    slope = (second.y - first.y) * pow(second.x - first.x, -1, ORDER) % ORDER
    return (first.y + slope * (x - first.x)) % ORDER
