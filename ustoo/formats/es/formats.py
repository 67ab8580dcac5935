# A time names its zone ("6 de diciembre de 2026 a las 14:30 UTC"), since readers live in every zone.
# Everything else is Django's.
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i T"
# Chart axes: the CLDR's day with its month abbreviated, "6 dic" (Django's is "6 de diciembre", too long
# for a phone).
MONTH_DAY_FORMAT = "j N"
