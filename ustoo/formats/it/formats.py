# The CLDR's long date, "6 dicembre 2026" (Django's pads the day, "06", and its date-and-time adds the
# weekday, too long for a table); a time names its zone, since readers live in every zone. Its month names
# are the CLDR's, lowercase (scripts/month-names); everything else is Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
# Chart axes: the CLDR's day with its month abbreviated, "6 dic" (Django's names the whole month).
MONTH_DAY_FORMAT = "j N"
