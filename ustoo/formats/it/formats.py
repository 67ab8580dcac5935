# The CLDR's long date, "6 dicembre 2026" (Django's pads the day, "06", and its date-and-time adds the
# weekday, too long for a table); a time names its zone, since readers live in every zone. Django's
# Italian month names are capitalised; everything else is Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
