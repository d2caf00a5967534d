"""Every event now has its number; on PostgreSQL the database itself refuses to change or
remove an event, except those behind the anchor that the retention purge has just moved, and
refuses to move the head or the anchor backwards or to remove the head row.

TRUNCATE is not covered: Django's test runner empties tables with it. In production the
application's database role should not own the tables (see docs/accesslog.md)."""

from typing import Any

from django.db import migrations, models

INSTALL = [
    """
    CREATE FUNCTION accesslog_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.sequence <= (
            SELECT anchor_sequence FROM accesslog_logchain WHERE id = 1
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'accesslog_accessevent is append-only: ' || TG_OP || ' refused';
    END $$
    """,
    """
    CREATE TRIGGER accesslog_event_append_only BEFORE UPDATE OR DELETE ON accesslog_accessevent
        FOR EACH ROW EXECUTE FUNCTION accesslog_event_append_only()
    """,
    """
    CREATE FUNCTION accesslog_chain_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id
                AND NEW.head_sequence >= OLD.head_sequence
                AND NEW.anchor_sequence >= OLD.anchor_sequence
                AND NEW.anchor_sequence <= NEW.head_sequence THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'accesslog_logchain only moves forward: ' || TG_OP || ' refused';
    END $$
    """,
    """
    CREATE TRIGGER accesslog_chain_forward_only BEFORE UPDATE OR DELETE ON accesslog_logchain
        FOR EACH ROW EXECUTE FUNCTION accesslog_chain_forward_only()
    """,
]

UNINSTALL = [
    "DROP TRIGGER accesslog_chain_forward_only ON accesslog_logchain",
    "DROP FUNCTION accesslog_chain_forward_only()",
    "DROP TRIGGER accesslog_event_append_only ON accesslog_accessevent",
    "DROP FUNCTION accesslog_event_append_only()",
]


def _on_postgresql(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0003_chain_existing_events")]

    operations = [
        migrations.AlterField(
            model_name="accessevent",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="nr"),
        ),
        migrations.RunPython(_on_postgresql(INSTALL), _on_postgresql(UNINSTALL)),
    ]
