"""Number the events of all six tables from one sequence (PostgreSQL only).

Then an event's id is unique across the audit (the API's ``id``) and orders every write
of the clinic newest first exactly, even several written in one transaction.
"""

from django.db import migrations

TABLES = [
    "audit_athleteevent",
    "audit_sessionlogevent",
    "audit_painscoreevent",
    "audit_devicelinkevent",
    "audit_stagechangeevent",
    "audit_stagereviewevent",
]
SEQUENCE = "audit_event_id_seq"


def one_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE {SEQUENCE}")
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN pgh_id DROP IDENTITY IF EXISTS")
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN pgh_id SET DEFAULT nextval('{SEQUENCE}')"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_events")]

    # The tables are new and empty here: no id needs carrying over.
    operations = [migrations.RunPython(one_sequence, reverse_code=migrations.RunPython.noop)]
