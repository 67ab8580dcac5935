# Hindi groups the Indian way, thousands then lakhs and crores: 12,34,567 (CLDR #,##,##0). Django's Hindi
# formats group nothing (no NUMBER_GROUPING).
NUMBER_GROUPING = (3, 2, 0)
# The CLDR's long date, "6 दिसंबर 2026", with the month names Django offers for it (E: its F misspells
# "दिसमबर"); Django has no Hindi date-and-time, so it fell back to the English "दिसम्बर 6, 2026". Times are
# on the 24-hour clock (Django's Hindi "PM" reads "बजे", "o'clock") and name their zone, since readers
# live in every zone. Everything else is Django's.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i T"
# Chart axes: the CLDR's day with its month abbreviated, "6 दिस॰" (Django's names the whole month).
MONTH_DAY_FORMAT = "j N"
