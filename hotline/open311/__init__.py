"""Open311 GeoReport v2: a city's 12345 platform passes matters in and tracks them."""
