"""Shared fixtures: the personas of the authorization matrix and a way to make applications."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from pytest_django.fixtures import validate_django_db

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import (
    Diagnosis,
    Evaluator,
    Organisation,
    ProvincialListEntry,
    RecommendingUnit,
)
from greenlist.rules.uscc import make_uscc
from greenlist.scoping import unscoped
from tests.demodb import DEMO_FIXTURE, TRANSACTIONAL_FIXTURES, DemoDatabases, on_demo

_serial = itertools.count(1)


def new_uscc(region: str = "130102", kind: str = "91") -> str:
    return make_uscc(f"{kind}{region}{next(_serial):09d}")


def fast_settings() -> dict[str, Any]:
    """Settings every test runs under (and the demo is loaded under)."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Client.login() authenticates without a request, which login throttling needs; the
        # throttling has its own test with it enabled (tests/web/test_security.py).
        "AXES_ENABLED": False,
        # Tasks run inside the request, except in the tests of the worker itself (tests/campaign/
        # test_worker.py), which use the database backend and real worker processes.
        "TASKS": {
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": django_settings.TASKS["default"]["QUEUES"],
            }
        },
        # In-process runs keep progress in files: the "progress" connection cannot see rows of a
        # test's own uncommitted transaction.
        "GREENLIST_PROGRESS_STORE": "file",
        "GREENLIST_SCREENING_ON_READ": True,
        # WhiteNoise lists every static file when its middleware is made, and the test client makes
        # it for each client: the tests that fetch a static file turn this back on (static_files).
        "WHITENOISE_USE_FINDERS": False,
    }


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Uploaded and generated files of this run; each xdist worker has its own, so two workers'
    jobs numbered alike never share a folder (or a progress file)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, _media_root: Path) -> None:
    for name, value in fast_settings().items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = _media_root


@pytest.fixture(scope="session")
def _demo_databases(
    tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any
) -> Iterator[DemoDatabases]:
    store = DemoDatabases(tmp_path_factory.mktemp("demo-media"))
    yield store
    with django_db_blocker.unblock():
        store.drop()


@pytest.fixture
def django_db_setup(
    django_db_setup: None,
    _demo_databases: DemoDatabases,
    request: pytest.FixtureRequest,
    django_db_blocker: Any,
) -> Iterator[None]:
    """pytest-django's database setup, plus: a test that asks for ``demo`` runs on a copy of the
    test database that holds the demo, loaded once per run (see tests/demodb.py)."""
    if DEMO_FIXTURE not in request.fixturenames:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    transactional = transaction or reset_sequences
    transactional |= any(name in request.fixturenames for name in TRANSACTIONAL_FIXTURES)
    with django_db_blocker.unblock():
        if not _demo_databases.built:
            _demo_databases.build(fast_settings())
        with on_demo(_demo_databases, transactional=transactional):
            yield


@pytest.fixture
def demo(db: None, _demo_databases: DemoDatabases, settings: Any) -> None:
    """The demo data set (`greenlist demo`), as `load_demo()` leaves it; changes stay in the test."""
    from greenlist.demo.load import load_demo

    with unscoped():
        loaded = User.objects.filter(username="city_shijiazhuang").exists()
    if not loaded:
        # Asked for late (request.getfixturevalue): this test is on the plain database.
        load_demo()
        return
    _demo_databases.copy_media(Path(settings.MEDIA_ROOT))


@pytest.fixture
def static_files(settings: Any) -> None:
    """Static files served by WhiteNoise from the apps' folders, as ./run.sh serves them."""
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def system(db: None) -> Iterator[None]:
    """Run the test body as system code (sees every row), as commands do."""
    with unscoped():
        yield


@pytest.fixture
def batch(db: None) -> Batch:
    return Batch.current("2024")


def unit(name: str) -> RecommendingUnit:
    return RecommendingUnit.objects.get(name=name)


def make_org(unit_name: str = "石家庄市", name: str | None = None, **fields: Any) -> Organisation:
    u = unit(unit_name)
    uscc = new_uscc(u.region[:4] + "02" if len(u.region) == 4 else u.region)
    return Organisation.objects.create(
        uscc=uscc, name=name or f"{unit_name}测试{uscc[-6:]}有限公司", unit=u, **fields
    )


def make_evaluator(name: str = "测试评价机构") -> Evaluator:
    return Evaluator.objects.create(uscc=new_uscc("110108", "12"), name=name)


def make_user(username: str, role: Role, **fields: Any) -> User:
    user = User(username=username, role=role, **fields)
    user.set_password("correct-horse-battery")
    user.save()
    return user


@pytest.fixture
def make_application(batch: Batch) -> Callable[..., Application]:
    def make(org: Organisation | None = None, **fields: Any) -> Application:
        with unscoped():
            org = org or make_org()
            fields.setdefault("category", "factory")
            return Application.objects.create(batch=batch, organisation=org, unit=org.unit, **fields)

    return make


class Personas:
    """province, city A (石家庄), city B (唐山), department of A, applicant X (A), applicant Y (B),
    evaluator E (evaluates X), anonymous — the outsiders every view must refuse."""

    def __init__(self, batch: Batch, make_application: Callable[..., Application]) -> None:
        with unscoped():
            self.evaluator_org = make_evaluator()
            self.org_x = make_org("石家庄市", "石家庄甲公司")
            self.org_y = make_org("唐山市", "唐山乙公司")
            # Both applications pass every exclusion rule, so a test that walks one through the
            # workflow meets only what it is about: X is a provincial green factory evaluated by
            # an accepted evaluator that signed its declaration; Y a self-evaluated one.
            self.app_x = make_application(
                self.org_x, method="third_party", evaluator=self.evaluator_org, no_result_promise=True
            )
            self.app_y = make_application(self.org_y)
            batch_params = self.app_x.batch.parameters
            Diagnosis.objects.create(
                evaluator=self.evaluator_org,
                client_uscc=new_uscc(),
                day=batch_params.reference_date - dt.timedelta(days=100),
                client_province=batch_params.province_name,
            )
            # Five active provincial green factories per unit, X and Y among them: a quota of 2 (Q1).
            for unit_name, org in (("石家庄市", self.org_x), ("唐山市", self.org_y)):
                for index in range(5):
                    ProvincialListEntry.objects.create(
                        uscc=org.uscc if index == 0 else new_uscc(),
                        name=f"{unit_name}省级绿色工厂{index}",
                        category="factory",
                        level="provincial",
                        unit=unit(unit_name),
                        year=2022,
                        status="active",
                    )
            self.province = make_user("p_province", Role.PROVINCE)
            self.city_a = make_user("p_city_a", Role.CITY, unit=unit("石家庄市"))
            self.city_b = make_user("p_city_b", Role.CITY, unit=unit("唐山市"))
            self.dept_a = make_user(
                "p_dept_a", Role.DEPARTMENT, unit=unit("石家庄市"), department="market_regulation"
            )
            self.applicant_x = make_user("p_applicant_x", Role.APPLICANT, organisation=self.org_x)
            self.applicant_y = make_user("p_applicant_y", Role.APPLICANT, organisation=self.org_y)
            self.evaluator = make_user("p_evaluator", Role.EVALUATOR, evaluator=self.evaluator_org)

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def personas(batch: Batch, make_application: Callable[..., Application]) -> Personas:
    return Personas(batch, make_application)


@pytest.fixture
def clean_application(
    batch: Batch, make_application: Callable[..., Application]
) -> Callable[..., Application]:
    """A self-evaluated green-factory application under the city's review with no exclusion."""

    def make(unit_name: str = "石家庄市", name: str = "清白制造有限公司", **fields: Any) -> Application:
        from tests import factories

        with unscoped():
            fields.setdefault("state", "city_review")
            fields.setdefault("submitted_at", dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
            return make_application(
                factories.listed_factory(unit_name, name), method="self", score=90, **fields
            )

    return make
