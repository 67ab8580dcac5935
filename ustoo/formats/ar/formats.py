# Arabic pages write digits 0-9, which the CLDR separates as Arabic does with them: a comma between
# thousands and a point before decimals (1,234.5). Django's Arabic formats group nothing (no
# NUMBER_GROUPING) and swap the two signs. Everything else is Django's.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
