# French typography groups thousands with a narrow no-break space (U+202F), as the Imprimerie nationale
# and the CLDR do; Django's French formats use a full no-break space. Everything else is Django's.
THOUSAND_SEPARATOR = "\u202f"
