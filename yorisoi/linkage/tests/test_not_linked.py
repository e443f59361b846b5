"""Sharing a name, an address or a phone is not being one person."""

from dataclasses import replace

from yorisoi.linkage.tests.world import HANAKO, linked


def test_same_common_name_with_another_birth_date_is_not_linked():
    other = replace(
        HANAKO,
        record_id="b-1",
        birth_date="1984-11-20",
        address="三重県四日市市富田2丁目8番1号",
        phone="059-365-0000",
    )
    assert not linked(HANAKO, other)


def test_child_at_the_same_address_and_phone_is_not_linked():
    child = replace(
        HANAKO, record_id="b-1", given_name="祐介", given_kana="ユウスケ", birth_date="1999-08-14"
    )
    assert not linked(HANAKO, child)


def test_sister_with_a_similar_given_name_at_the_same_address_is_not_linked():
    sister = replace(
        HANAKO, record_id="b-1", given_name="祐美", given_kana="ユウミ", birth_date="1973-06-21"
    )
    assert not linked(HANAKO, sister)
