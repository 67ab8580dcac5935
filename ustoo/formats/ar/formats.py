# Arabic pages write digits 0-9, which the CLDR separates as Arabic does with them: a comma between
# thousands and a point before decimals (1,234.5). Django's Arabic formats group nothing (no
# NUMBER_GROUPING) and swap the two signs.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# The CLDR's long date, "6 ديسمبر 2026", with the month names Django offers for it (E: "أبريل" with its
# hamza); Django has no Arabic date-and-time, so it fell back to the English "ديسمبر 6, 2026". A time names
# its zone, since readers live in every zone. Everything else is Django's.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y، g:i A T"
# Chart axes: the CLDR's day and month, "6 ديسمبر" (Arabic abbreviates no month).
MONTH_DAY_FORMAT = "j N"
