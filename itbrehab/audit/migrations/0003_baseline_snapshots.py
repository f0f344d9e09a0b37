"""Snapshot every row that exists when the audit is installed (PostgreSQL only).

An update's "before" is the previous event of its row; a row written before the audit
existed has none, so its first update would show no before at all. One "snapshot" event
per existing row gives it one. The selector never lists snapshots: they are not writes.
On SQLite nothing is audited (see itbrehab/audit/models.py), so nothing is snapshot.
"""

from django.db import migrations

EVENTS = {
    "AthleteEvent": ("athletes", "Athlete"),
    "SessionLogEvent": ("athletes", "SessionLog"),
    "PainScoreEvent": ("athletes", "PainScore"),
    "DeviceLinkEvent": ("athletes", "DeviceLink"),
    "StageChangeEvent": ("progressions", "StageChange"),
    "StageReviewEvent": ("progressions", "StageReview"),
}


def snapshot(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    for event_name, (app_label, model_name) in EVENTS.items():
        event = apps.get_model("audit", event_name)
        tracked = apps.get_model(app_label, model_name)
        columns = [
            field.column
            for field in event._meta.concrete_fields
            if not field.name.startswith("pgh_")
        ]
        listed = ", ".join(quote(column) for column in columns)
        schema_editor.execute(
            f"INSERT INTO {quote(event._meta.db_table)} "
            f"(pgh_created_at, pgh_label, pgh_obj_id, {listed}) "
            f"SELECT NOW(), 'snapshot', {quote(tracked._meta.pk.column)}, {listed} "
            f"FROM {quote(tracked._meta.db_table)}"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_one_event_sequence")]

    operations = [migrations.RunPython(snapshot, reverse_code=migrations.RunPython.noop)]
