"""Issue 15: the hash covers every column (format 2), the chain head is signed outside the table.

Existing events keep their hashes and are marked format 1 (see ``greenlist.audit.digests`` for
why they are not rehashed); the head is then signed over the chain as it stands."""

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

GENESIS = "0" * 64


def sign_existing_chain(apps, schema_editor):
    # Frozen copy of greenlist.audit.head.sign: a migration must not change when that code does.
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    last = AuditEvent.objects.using(db).order_by("-id").values_list("id", "hash").first()
    count = AuditEvent.objects.using(db).count()
    last_id, last_hash = last if last else (0, GENESIS)
    signature = salted_hmac(
        "greenlist.audit.head",
        f"{count}:{last_id}:{last_hash}",
        secret=settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()
    AuditHead.objects.using(db).update_or_create(
        pk=1, defaults={"count": count, "last_id": last_id, "last_hash": last_hash, "signature": signature}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_account_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="哈希格式"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (101, "创建申报"),
                    (102, "修改申报"),
                    (110, "申报状态变更"),
                    (120, "上传材料"),
                    (201, "导入数据表"),
                    (202, "修改基础名录"),
                    (301, "记录征求意见"),
                    (302, "核定推荐名额"),
                    (303, "推荐单位报送"),
                    (304, "省厅重新开放报送"),
                    (401, "修改参考数据"),
                    (531, "管理后台新增记录"),
                    (532, "管理后台修改记录"),
                    (533, "管理后台删除记录"),
                    (901, "加载演示数据"),
                ],
                verbose_name="事件",
            ),
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("count", models.BigIntegerField(verbose_name="事件数")),
                ("last_id", models.BigIntegerField(verbose_name="最后事件编号")),
                ("last_hash", models.CharField(max_length=64, verbose_name="最后事件哈希")),
                ("signature", models.CharField(blank=True, max_length=64, verbose_name="签名")),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_head_single_row")
                ],
            },
        ),
        migrations.RunPython(sign_existing_chain, migrations.RunPython.noop),
    ]
