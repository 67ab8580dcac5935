# French typography groups thousands with a narrow no-break space (U+202F), as the Imprimerie nationale
# and the CLDR do; Django's French formats use a full no-break space. Everything else is Django's.
THOUSAND_SEPARATOR = "\u202f"
# A time names its zone ("6 décembre 2026 à 14:30 UTC"), since readers live in every zone.
DATETIME_FORMAT = "j F Y à H:i T"
# Chart axes: the CLDR's day with its month abbreviated, "6 déc." (Django's names the whole month).
MONTH_DAY_FORMAT = "j N"
