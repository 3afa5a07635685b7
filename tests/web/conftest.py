from __future__ import annotations

import pytest
from django.test import Client

from greenlist.demo.load import PASSWORD, load_demo


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client
