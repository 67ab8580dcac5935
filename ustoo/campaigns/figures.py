"""Where support comes from, read from the counts kept on write (never by counting signatures):
the top countries, the open JSON/CSV (no personal data), the world map, and the delivery export."""

import csv

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from ustoo.campaigns.models import Campaign, CampaignStoryLink, Signature, SupportCount
from ustoo.magnitude import worldmap
from ustoo.magnitude.charts import NO_DATA, SEQUENTIAL, TEXT, classes
from ustoo.stories.models import Story

# The map drawn without its key (the page writes the key in HTML).
MAP_HEIGHT = worldmap.HEIGHT


def region_minimum() -> int:
    """Regions with fewer signatures are left out of the open data (their country still counts them)."""
    return settings.CAMPAIGN_REGION_MINIMUM


def by_country(campaign: Campaign) -> list[dict]:
    rows = SupportCount.objects.filter(campaign=campaign, region="", count__gt=0).order_by(
        "-count", "country"
    )
    return [
        {
            "code": row.country,
            "name": str(countries.name(row.country) or row.country),
            "signatures": row.count,
        }
        for row in rows
    ]


def support_table(campaign: Campaign, regions_per_country: int = 5) -> list[dict]:
    """Every country the map shades, most signatures first, each with its largest regions: those
    with at least region_minimum() signatures, like the open data, at most `regions_per_country`
    (the open data has them all). Ranked in the database, so a campaign signed from a thousand
    postcode areas costs no more than one signed from a few."""
    table = {row["code"]: {**row, "regions": [], "more_regions": 0} for row in by_country(campaign)}
    ranked = (
        SupportCount.objects.filter(campaign=campaign, region__gt="", count__gte=max(1, region_minimum()))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("country")], order_by=[F("count").desc(), F("region")]),
            regions=Window(Count("id"), partition_by=[F("country")]),
        )
        .filter(rank__lte=regions_per_country)
        .order_by("country", "rank")
        .values_list("country", "region", "count", "regions")
    )
    for country, region, count, regions in ranked:
        if (row := table.get(country)) is not None:
            row["regions"].append({"region": region, "signatures": count})
            row["more_regions"] = regions - regions_per_country if regions > regions_per_country else 0
    return list(table.values())


def recent_signers(campaign: Campaign) -> list[Signature]:
    return list(recent_signers_query(campaign))


def recent_signers_query(campaign: Campaign, limit: int = 10):
    """The latest counted signers who agreed to show their first name and reason (an index holds
    just them, in this order, so this reads a few rows however many signed)."""
    return (
        Signature.objects.shown_on_page()
        .filter(campaign=campaign)
        .order_by("-confirmed_at", "-id")
        .only("id", "name", "show_name", "reason", "confirmed_at")[:limit]
    )


def agreed_stories(campaign: Campaign) -> list[Story]:
    story_ids = CampaignStoryLink.objects.filter(campaign=campaign, agreed_at__isnull=False).values(
        "story_id"
    )
    return list(Story.objects.published().filter(pk__in=story_ids).order_by("-id")[:5])


def open_counts(campaign: Campaign) -> dict:
    regions = SupportCount.objects.filter(
        campaign=campaign, count__gte=region_minimum(), region__gt=""
    ).order_by("country", "region")
    return {
        "campaign": campaign.slug,
        "title": campaign.title,
        "status": campaign.status,
        "signatures": campaign.signature_count,
        "goal": campaign.goal,
        "by_country": by_country(campaign),
        "by_region": [{"country": r.country, "region": r.region, "signatures": r.count} for r in regions],
        "region_minimum": region_minimum(),
    }


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def map_key(campaign: Campaign) -> list[dict]:
    """The map's shades, lightest first, each with the signatures per country it stands for: for
    the page's key, written in HTML so it stays legible however narrow the map is drawn."""
    return _shades(classes([row["signatures"] for row in by_country(campaign)]))


def _shades(bounds: list[int]) -> list[dict]:
    lowers = [1, *(bound + 1 for bound in bounds[:-1])]
    return [
        {"shade": index, "lower": lower, "upper": upper}
        for index, (lower, upper) in enumerate(zip(lowers, bounds, strict=True))
    ]


def support_map(campaign: Campaign, *, with_key: bool = True) -> str:
    """An SVG world map, countries shaded by signatures, with its key unless the page writes it;
    cached while the count is unchanged."""
    key = f"campaigns:map:{campaign.pk}:{campaign.signature_count}:{get_language()}:{with_key}"
    if (svg := cache.get(key)) is not None:
        return svg
    values = {row["code"]: row["signatures"] for row in by_country(campaign)}
    bounds = classes(list(values.values()))
    width, height = worldmap.WIDTH, worldmap.HEIGHT + (34 if with_key else 0)
    title = _("Where the signatures come from")
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'role="img" aria-labelledby="map-title map-desc" font-family="system-ui, sans-serif" '
            'font-size="13"><title id="map-title">{title}</title><desc id="map-desc">{desc}</desc>'
            '<g stroke="#ffffff" stroke-width="0.5">',
            w=width,
            h=height,
            title=title,
            desc=_("Map of the world: the darker a country, the more signatures from there. Grey: none."),
        )
    ]
    for code, path in sorted(worldmap.country_paths().items()):
        name = str(countries.name(code) or code)
        value = values.get(code)
        if value is None:
            fill, tip = NO_DATA, _("%(country)s: none") % {"country": name}
        else:
            index = next(i for i, bound in enumerate(bounds) if value <= bound)
            fill, tip = SEQUENTIAL[index % len(SEQUENTIAL)], f"{name}: {_number(value)}"
        parts.append(format_html('<path d="{}" fill="{}"><title>{}</title></path>', path, fill, tip))
    parts.append("</g>")
    y = worldmap.HEIGHT + 8
    for shade in _shades(bounds) if with_key else []:
        x = 10 + shade["shade"] * 150
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                x,
                y,
                SEQUENTIAL[shade["shade"] % len(SEQUENTIAL)],
                x + 20,
                y + 12,
                TEXT,
                f"{_number(shade['lower'])}–{_number(shade['upper'])}",
            )
        )
    parts.append("</svg>")
    svg = mark_safe("".join(parts))  # noqa: S308 - every piece was escaped by format_html
    cache.set(key, svg, 300)
    return svg


def delivery_csv(campaign: Campaign) -> HttpResponse:
    """Confirmed signatures for the decision maker: the name only where the signer chose to show
    it, and the country. No e-mail, postcode or reason."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-signatures.csv"'
    writer = csv.writer(response)
    writer.writerow([_("name"), _("country")])
    rows = (
        Signature.objects.confirmed()
        .filter(campaign=campaign)
        .order_by("confirmed_at", "id")
        .values_list("name", "show_name", "country")
        .iterator(chunk_size=5000)
    )
    for name, show_name, country in rows:
        writer.writerow([_csv_safe(name) if show_name and name else _("(name not shown)"), country])
    return response


def _csv_safe(text: str) -> str:
    """No spreadsheet formula injection from a signer's name."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
