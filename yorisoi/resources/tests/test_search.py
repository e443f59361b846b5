"""Searching the directory: category (with its sub-categories), district, day and time, text."""

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.directory.models import District
from yorisoi.resources import selectors
from yorisoi.resources.selectors import ResourceQuery
from yorisoi.testing import client_for

from .conftest import make_resource


def _names(user, **query):
    return [s.name for s in selectors.search(user=user, query=ResourceQuery(**query))]


def test_inactive_resources_are_left_out_unless_asked_for(directory, hana):
    assert _names(hana) == ["中央のしごと体験", "北の居場所"]
    assert "閉じたサロン" in _names(hana, include_inactive=True)


def test_a_category_finds_its_sub_categories_too(directory, terms, hana):
    assert _names(hana, category=terms["ibasho"]) == ["北の居場所"]
    assert _names(hana, category=terms["ibasho-hikikomori"]) == ["北の居場所"]
    assert _names(hana, category=terms["kosodate"]) == []


def test_by_district(directory, hana):
    tomida = District.objects.get(code="tomida")
    assert _names(hana, district_id=tomida.pk) == ["中央のしごと体験"]


def test_open_on_wednesday_at_14(directory, hana):
    assert _names(hana, day="WE", at=time(14)) == ["北の居場所"]
    assert _names(hana, day="WE", at=time(15)) == []  # closes at 15:00
    assert _names(hana, day="TH", at=time(13)) == ["中央のしごと体験"]
    assert _names(hana, day="SU") == []


def test_text_search_ignores_kana_and_width(directory, hana):
    assert _names(hana, text="シゴト") == ["中央のしごと体験"]
    assert _names(hana, text="北の　居場所") == ["北の居場所"]
    assert _names(hana, text="諏訪町") == ["中央のしごと体験", "北の居場所"]  # the address
    assert _names(hana, text="存在しない") == []


def test_nobody_outside_the_readers_sees_anything(directory, kazuko, osamu):
    assert _names(kazuko) == [] and _names(osamu) == []


def test_the_list_keeps_a_constant_number_of_queries(directory, terms, hana):
    client = client_for(hana)
    url = reverse("resources:service_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        make_resource(f"追加{i:02d}", term=terms["salon"], district_code="hazu", byday="FR",
                      opens=time(9), closes=time(10))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert "追加11" in response.content.decode()
    assert len(many) == len(few)


def test_the_screen_filters_by_get_and_searches_text_by_post(directory, hana):
    client = client_for(hana)
    url = reverse("resources:service_list")
    page = client.get(url, {"category": "shuro-taiken"}).content.decode()
    assert "中央のしごと体験" in page and "北の居場所" not in page
    page = client.get(url, {"day": "WE", "at": "14:00"}).content.decode()
    assert "北の居場所" in page and "中央のしごと体験" not in page
    page = client.post(url, {"q": "居場所"}).content.decode()
    assert "北の居場所" in page and "中央のしごと体験" not in page
    assert "毎週 水曜 10:00–15:00" in page
