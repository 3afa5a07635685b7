from __future__ import annotations

from django.test import Client

from greenlist.demo.load import PASSWORD

# The `demo` fixture lives in tests/conftest.py (the demo is loaded once per run).


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client
