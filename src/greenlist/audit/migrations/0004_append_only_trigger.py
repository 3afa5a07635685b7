"""Issue 15: on PostgreSQL a trigger refuses UPDATE and DELETE of audit events
(``greenlist.audit.integrity``; restore goes through ``allow_rewrite``). SQLite has no trigger:
its flush deletes rows one statement at a time, which a trigger would block."""

from django.db import migrations

# The setting greenlist.audit_rewrite is greenlist.audit.integrity.SETTING (allow_rewrite).
CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- greenlist.audit.integrity.allow_rewrite sets this for its block only (restore of a backup).
    IF current_setting('greenlist.audit_rewrite', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计事件只能追加，不能修改或删除（拒绝 %）。', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_rewrite();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_rewrite();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_full_hash_and_signed_chain_head"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
