from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def backfill_stage_changed_at(apps, schema_editor):
    """Set each athlete's ``stage_changed_at`` to when their latest stage change was recorded.

    "Latest" is the history's own order: effective date, then id. Athletes never changed
    keep null. ``stage_entry_session`` stays null: no change recorded before this one
    stored the first session it offered, so rule 3 falls back to the protocol's entry.
    """
    Athlete = apps.get_model("athletes", "Athlete")
    StageChange = apps.get_model("progressions", "StageChange")
    latest = StageChange.objects.filter(athlete=OuterRef("pk")).order_by("-effective_date", "-id")
    Athlete.objects.filter(Exists(latest)).update(
        stage_changed_at=Subquery(latest.values("created_at")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('athletes', '0006_stage_changed_at_and_entry_session'),
        ('progressions', '0003_restart_and_offered_first_session'),
    ]

    operations = [
        migrations.RunPython(backfill_stage_changed_at, migrations.RunPython.noop),
    ]
