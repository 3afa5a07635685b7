"""A province reviewing three city recommendations (two from 石家庄, one from 唐山) with two
experts who have their own logins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenlist.accounts.models import Role
from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped
from greenlist.selection.models import Expert
from tests.conftest import make_user
from tests.factories import mark_submitted


class World:
    def __init__(self, batch: Batch, clean_application: Callable[..., Application]) -> None:
        with unscoped():
            self.batch = batch
            self.app_a = clean_application("石家庄市", "石家庄甲钢铁有限公司", state="city_recommended")
            self.app_b = clean_application("石家庄市", "石家庄乙玻璃有限公司", state="city_recommended")
            self.app_c = clean_application("唐山市", "唐山丙陶瓷有限公司", state="city_recommended")
            for name in ("石家庄市", "唐山市"):
                mark_submitted(batch, name)
            self.province = make_user("s_province", Role.PROVINCE)
            self.city = make_user("s_city", Role.CITY, unit=RecommendingUnit.objects.get(name="石家庄市"))
            self.user_1 = make_user("s_expert_1", Role.EXPERT)
            self.user_2 = make_user("s_expert_2", Role.EXPERT)
            self.user_3 = make_user("s_expert_3", Role.EXPERT)
            self.expert_1 = Expert.unscoped.create(
                name="张工", field="钢铁", organisation="河北工业大学", contact="0311-1", user=self.user_1
            )
            self.expert_2 = Expert.unscoped.create(
                name="李工",
                field="建材",
                organisation="河北科技大学",
                contact="0311-2",
                user=self.user_2,
                unit=RecommendingUnit.objects.get(name="唐山市"),
            )
            self.expert_3 = Expert.unscoped.create(
                name="王工", field="节能", organisation="燕山大学", contact="0335-3", user=self.user_3
            )

    def client(self, user: Any) -> Any:
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(batch: Batch, clean_application: Callable[..., Application]) -> World:
    return World(batch, clean_application)
