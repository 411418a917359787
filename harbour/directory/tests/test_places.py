from harbour.directory import places
from harbour.directory.places import Point


def test_a_postal_code_resolves_to_its_postal_area_centre():
    assert places.postcode_point("m5v 3l9") == Point(43.6404, -79.3995)
    assert places.postcode_point("M5V") == Point(43.6404, -79.3995)
    assert getattr(places.postcode_place("H2X-1Y4"), "province", None) == "QC"


def test_text_that_is_not_a_canadian_postal_code_has_no_point():
    for text in ("", "12345", "M5", "D5V 3L9", "M5V 3L", "Toronto", "H0H"):
        assert places.postcode_point(text) is None, text


def test_a_city_resolves_without_accents_and_prefers_the_province_given():
    assert places.city_point("montreal") == places.city_point("Montréal")
    assert getattr(places.city_place("Regina", "SK"), "province", None) == "SK"
    assert places.city_point("Regina", "NS") is None
    assert places.place_point("Saint John, NB") == places.city_point("Saint John", "NB")
    assert places.city_point("Atlantis") is None


def _city(name: str) -> Point:
    point = places.city_point(name)
    assert point is not None
    return point


def test_distance_between_toronto_and_montreal_is_about_500_km():
    assert 490 < places.distance_km(_city("Toronto"), _city("Montréal")) < 510
    point = Point(45.0, -75.0)
    assert places.distance_km(point, point) == 0


def test_the_bounding_box_holds_every_point_within_the_radius():
    centre = _city("Winnipeg")
    box = places.bounding_box(centre, 50)
    for place in places.cities():
        if places.distance_km(centre, place.point) <= 50:
            assert box.contains(place.point), place
    assert not box.contains(_city("Brandon"))


def test_a_confidential_location_shows_its_postal_area_or_else_its_city():
    assert places.coarse_point("M5V 3L9", "Toronto", "ON") == places.postcode_point("M5V")
    assert places.coarse_point("", "Toronto", "ON") == places.city_point("Toronto", "ON")
