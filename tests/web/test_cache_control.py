"""Answers to a signed-in user are never stored by caches; static files may still be."""

from __future__ import annotations

from django.test import Client

from greenlist.accounts.tokens import issue_token


def _directives(value: str) -> set[str]:
    return {part.strip() for part in value.split(",")}


def test_a_signed_in_page_is_not_stored(personas):
    response = personas.client(personas.city_a).get("/")

    assert response.status_code == 200
    assert "no-store" in _directives(response["Cache-Control"])


def test_an_api_answer_to_a_token_is_not_stored(personas):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(personas.province, 'test')}")

    response = client.get("/api/quotas")

    assert response.status_code == 200
    assert "no-store" in _directives(response["Cache-Control"])


def test_static_files_are_not_marked_no_store(personas, static_files):
    static = Client().get("/static/greenlist/app.css")
    static_signed_in = personas.client(personas.city_a).get("/static/greenlist/app.css")

    assert static.status_code == static_signed_in.status_code == 200
    for response in (static, static_signed_in):
        assert "no-store" not in _directives(response.get("Cache-Control", ""))
