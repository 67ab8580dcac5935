# Hindi groups the Indian way, thousands then lakhs and crores: 12,34,567 (CLDR #,##,##0). Django's Hindi
# formats group nothing (no NUMBER_GROUPING). Everything else is Django's.
NUMBER_GROUPING = (3, 2, 0)
