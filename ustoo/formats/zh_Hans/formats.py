# Simplified Chinese writes large numbers with a comma between thousands: 1,234,567 (CLDR #,##0). Django's
# formats group by ten thousands with no sign, which writes them ungrouped. Everything else is Django's.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# A time names its zone ("2026年12月6日 14:30 UTC"), since readers live in every zone.
DATETIME_FORMAT = "Y年n月j日 H:i T"
# Chart axes: the CLDR's month and day, "12月6日" (Django's pads both: "12月06日").
MONTH_DAY_FORMAT = "n月j日"
