# Simplified Chinese writes large numbers with a comma between thousands: 1,234,567 (CLDR #,##0). Django's
# formats group by ten thousands with no sign, which writes them ungrouped. Everything else is Django's.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
