"""Every saved or deleted row that screening reads bumps the data version, whichever door the
write came through (web, API, admin, command line). Bulk writes, which send no signals, call
:func:`greenlist.screening.versions.changed` themselves (the workbook import)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from greenlist.campaign.models import (
    Application,
    Attachment,
    CompanyOpinion,
    Consultation,
    Engagement,
    ExperienceReport,
    UnitSubmission,
)
from greenlist.registry.models import (
    BlacklistEntry,
    Diagnosis,
    EnergyLevelEntry,
    Evaluator,
    NegativeRecord,
    ProvincialListEntry,
    UnitScore,
)
from greenlist.screening.models import Ruling
from greenlist.screening.versions import changed


def _application(sender: Any, instance: Application, **kwargs: Any) -> None:
    # The evaluator it had before counts too: its other projects may move under the cap (V3).
    previous = getattr(instance, "_previous_evaluator_id", None)
    evaluators = {e for e in (instance.evaluator_id, previous) if e}
    changed(instance.batch, applications=[instance.pk], evaluators=evaluators)


def _remember_evaluator(sender: Any, instance: Application, **kwargs: Any) -> None:
    if instance.pk:
        instance._previous_evaluator_id = (  # type: ignore[attr-defined]
            Application.unscoped.filter(pk=instance.pk).values_list("evaluator_id", flat=True).first()
        )


def _of_application(sender: Any, instance: Any, **kwargs: Any) -> None:
    application = Application.unscoped.filter(pk=instance.application_id).select_related("batch").first()
    if application is not None:
        changed(application.batch, applications=[application.pk])


def _engagement(sender: Any, instance: Engagement, **kwargs: Any) -> None:
    # Accepting or declining moves the evaluator's counted projects (V3).
    application = Application.unscoped.filter(pk=instance.application_id).select_related("batch").first()
    if application is not None:
        changed(application.batch, applications=[application.pk], evaluators=[instance.evaluator_id])


def _company_opinion(sender: Any, instance: CompanyOpinion, **kwargs: Any) -> None:
    # An unhandled 不同意 on one company blocks the unit's submission (C1).
    application = Application.unscoped.filter(pk=instance.application_id).select_related("batch").first()
    if application is not None:
        changed(application.batch, units=[application.unit_id])


def _of_unit(sender: Any, instance: Any, **kwargs: Any) -> None:
    changed(instance.batch, units=[instance.unit_id])


def _firm(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.uscc:
        # A green factory located in a park also changes the park's count (P2).
        changed(usccs=[instance.uscc, *([instance.park_uscc] if getattr(instance, "park_uscc", "") else [])])
    else:
        changed(names=[instance.name_normalised])


def _evaluator(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Evaluator):
        ids = [instance.pk]
    elif isinstance(instance, Diagnosis):
        ids = [instance.evaluator_id]
    else:
        ids = list(Evaluator.objects.filter(uscc=instance.evaluator_uscc).values_list("pk", flat=True))
    changed(evaluators=ids)


def _everything(sender: Any, instance: Any, **kwargs: Any) -> None:
    changed(full=True)


def _not_raw(receiver: Any) -> Any:
    """Rows loaded as they are (fixtures, a restore) carry their own screening state."""

    def receive(sender: Any, instance: Any, **kwargs: Any) -> None:
        if not kwargs.get("raw"):
            receiver(sender, instance, **kwargs)

    receive.__name__ = receiver.__name__
    return receive


def connect() -> None:
    pre_save.connect(_remember_evaluator, sender=Application, dispatch_uid="screening-app-pre")
    receivers: list[tuple[Any, tuple[type, ...]]] = [
        (_application, (Application,)),
        (_of_application, (Attachment, ExperienceReport, Ruling)),
        (_of_unit, (Consultation, UnitSubmission)),
        (_engagement, (Engagement,)),
        (_company_opinion, (CompanyOpinion,)),
        (_firm, (NegativeRecord, ProvincialListEntry)),
        (_evaluator, (Evaluator, Diagnosis, BlacklistEntry)),
        # A1 compares every application with the register's averages of existing units.
        (_everything, (EnergyLevelEntry, UnitScore)),
    ]
    for receiver, senders in receivers:
        receiver = _not_raw(receiver)
        for sender in senders:
            uid = f"screening-{receiver.__name__}-{sender.__name__}"
            post_save.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
            post_delete.connect(receiver, sender=sender, dispatch_uid=uid + "-delete", weak=False)
