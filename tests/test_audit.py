"""The audit chain: every column hashed, a signed head pinning its length and end, a PostgreSQL
trigger refusing rewrites. Tampering is done the way an intruder with database access would:
raw SQL past the model (through ``allow_rewrite`` where PostgreSQL's trigger would stop it)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction

from greenlist.audit import digests
from greenlist.audit.head import GENESIS, sign
from greenlist.audit.integrity import allow_rewrite
from greenlist.audit.log import verify
from greenlist.audit.models import Action, AuditEvent, AuditHead
from greenlist.decisions.transitions import transition
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped


def run_verify() -> tuple[int, str, str]:
    """``greenlist audit verify``: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_info:
        return int(exit_info.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    with allow_rewrite(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def rows(**filters: Any) -> Any:
    """Rewrites past the model (QuerySet.update never calls AuditEvent.save)."""
    return AuditEvent.objects.filter(**filters)


@pytest.fixture
def chain(personas: Any) -> list[int]:
    """Three events, in chain order."""
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    transition(personas.app_x, "city_review", actor=personas.city_a)
    transition(personas.app_x, "city_recommended", actor=personas.city_a)
    with unscoped():
        return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def test_an_untouched_chain_verifies_and_the_command_prints_its_head(chain):
    code, out, _ = run_verify()
    last_hash = AuditEvent.objects.get(pk=chain[-1]).hash
    assert code == 0
    assert "3 个事件" in out
    assert f"最后事件 #{chain[-1]}" in out
    assert f"哈希 {last_hash}" in out


def test_events_can_be_neither_changed_nor_deleted_through_the_orm(chain):
    event = AuditEvent.objects.get(pk=chain[0])
    event.reason = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def _other_user_id(personas: Any) -> int:
    return int(personas.province.pk)


def _other_unit_id(personas: Any) -> int:
    return int(RecommendingUnit.objects.get(name="唐山市").pk)


def _one_second_later(event_id: int) -> dt.datetime:
    return AuditEvent.objects.get(pk=event_id).at + dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_id", _other_user_id),
        ("unit_id", _other_unit_id),
        ("object_label", lambda personas: "另一家公司"),
        ("reason", lambda personas: "手工修改"),
        ("details", lambda personas: '{"from": "draft", "to": "province_recommended"}'),
        ("at", None),
    ],
)
def test_changing_any_column_of_an_event_is_named_by_verify(personas, chain, column, value):
    new = _one_second_later(chain[1]) if value is None else value(personas)
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [new, chain[1]])
    code, _, err = run_verify()
    assert code == 1
    assert f"事件 #{chain[1]}：事件内容与其哈希不符" in err


def test_deleting_the_newest_event_is_reported_as_a_cut_off_tail(chain):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1]])
    code, _, err = run_verify()
    assert code == 1
    assert "链尾被删除" in err
    assert f"最后为事件 #{chain[-1]}" in err


def test_deleting_the_newest_two_events_is_reported_as_a_cut_off_tail(chain):
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", [chain[1]])
    code, _, err = run_verify()
    assert code == 1
    assert "链尾被删除" in err
    assert f"现存 1 个、最后为事件 #{chain[0]}" in err


def test_a_cut_off_tail_stays_visible_after_the_next_append(personas, chain):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1]])
    transition(personas.app_y, "submitted", actor=personas.applicant_y)
    assert run_verify()[0] == 1
    assert len(list(verify())) > 0


def test_deleting_a_middle_event_names_the_event_after_it(chain):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[1]])
    code, _, err = run_verify()
    assert code == 1
    assert f"事件 #{chain[2]}：与前一事件的链接不符" in err


def _rewrite_and_rehash(ids: list[int], version: int) -> None:
    """Change the reason of ``ids[0]`` and recompute its hash and every later one with the public
    formula ``version`` (all an intruder without SECRET_KEY can do), relinking the chain."""
    previous = AuditEvent.objects.filter(id__lt=ids[0]).order_by("-id").values_list("hash", flat=True).first()
    with allow_rewrite():
        for position, event_id in enumerate(ids):
            event = AuditEvent.objects.get(pk=event_id)
            if position == 0:
                event.reason = "改写后的理由"
            event.previous_hash = previous or GENESIS
            event.hash_version = version
            event.hash = digests.digest(event, version)
            rows(pk=event_id).update(
                reason=event.reason, previous_hash=event.previous_hash, hash_version=version, hash=event.hash
            )
            previous = event.hash


def test_rewriting_an_event_and_recomputing_every_later_hash_is_caught_by_the_head(chain):
    _rewrite_and_rehash(chain[1:], digests.CURRENT)
    breaks = list(verify())
    assert [b.event_id for b in breaks] == [None]  # the chain itself holds: only the head can tell
    code, _, err = run_verify()
    assert code == 1
    assert f"最后事件 #{chain[-1]} 的哈希与链头签名记录的不符" in err


def test_rewriting_with_the_old_formula_is_caught(chain):
    _rewrite_and_rehash(chain[1:], digests.LEGACY)
    code, _, err = run_verify()
    assert code == 1
    assert f"事件 #{chain[1]}：哈希格式版本低于之前的事件" in err


def test_a_head_changed_without_the_key_is_refused(chain):
    # Cut the tail off and make the head agree, signing with a guessed key.
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1]])
    kept = AuditEvent.objects.get(pk=chain[1])
    AuditHead.objects.filter(pk=1).update(
        count=2, last_id=kept.pk, last_hash=kept.hash, signature=sign(2, kept.pk, kept.hash, secret="guess")
    )
    code, _, err = run_verify()
    assert code == 1
    assert "链头签名无效" in err


def test_a_head_changed_without_the_key_is_not_re_signed_by_the_next_append(personas, chain):
    AuditHead.objects.filter(pk=1).update(count=99)
    transition(personas.app_y, "submitted", actor=personas.applicant_y)
    assert "链头签名无效" in run_verify()[2]


def test_a_deleted_head_is_reported(chain):
    AuditHead.objects.filter(pk=1).delete()
    code, _, err = run_verify()
    assert code == 1
    assert "链头记录缺失" in err


def test_a_head_signed_with_a_fallback_key_verifies(chain, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    assert run_verify()[0] == 0


def test_events_written_before_the_upgrade_keep_verifying_with_their_format(personas, chain):
    # What migration 0002 leaves: old events in format 1, the head signed over them.
    _rewrite_and_rehash(list(chain), digests.LEGACY)
    last = AuditEvent.objects.get(pk=chain[-1])
    AuditHead.objects.filter(pk=1).update(
        count=3, last_id=last.pk, last_hash=last.hash, signature=sign(3, last.pk, last.hash)
    )
    transition(personas.app_y, "submitted", actor=personas.applicant_y)
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    assert newest.hash_version == digests.FULL
    assert list(verify()) == []


def test_bulk_appends_move_the_head(personas):
    from greenlist.audit.log import record_many

    with unscoped(), transaction.atomic():
        record_many(
            actor=None,
            action=Action.APPLICATION_CREATED,
            objects=[personas.app_x, personas.app_y],
            details=lambda obj: {"state": obj.state},
        )
    head = AuditHead.objects.get()
    assert head.count == 2
    assert head.last_hash == AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    assert list(verify()) == []


# PostgreSQL: the database itself refuses rewrites.


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"],
)
@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_audit_events(chain, sql):
    if connection.vendor != "postgresql":
        pytest.skip("触发器仅在 PostgreSQL 上")
    with (
        pytest.raises(ProgrammingError, match="审计事件只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [chain[0]])
    assert AuditEvent.objects.get(pk=chain[0]).reason == ""
    assert list(verify()) == []


@pytest.mark.postgres
def test_postgresql_guards_again_after_a_rewrite_is_allowed(chain):
    if connection.vendor != "postgresql":
        pytest.skip("触发器仅在 PostgreSQL 上")
    tamper("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [chain[0]])
    with (
        pytest.raises(ProgrammingError, match="审计事件只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[0]])
    assert AuditEvent.objects.filter(pk=chain[0]).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_guarded_table(personas):
    if connection.vendor != "postgresql":
        pytest.skip("触发器仅在 PostgreSQL 上")
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    call_command("flush", "--no-input")
    assert AuditEvent.objects.count() == 0
    assert run_verify()[0] == 0
