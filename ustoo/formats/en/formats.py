# Dates as the site has always written them in English, day first ("6 December 2026"), rather than
# Django's American "Dec. 6, 2026"; a time names its zone, since readers live in every zone.
# Everything else is Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
# Chart axes: a day with its month abbreviated, "6 Dec.", short enough for a phone.
MONTH_DAY_FORMAT = "j N"
